//! Prints the quantities found in the text files given on the command line (for eyeballing).
fn main() {
    let tagger = annotate::quantities::QuantityTagger::new();
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for q in tagger.find(&text) {
            println!("{path}\t{:?}\t{}\t{:?}\t{}", &text[q.start..q.end], q.value, q.unit, q.approximate);
        }
    }
}
