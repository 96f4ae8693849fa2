//! `dates_dump PUBLISHED FILE...`: prints the temporal expressions found in each file, resolved
//! against PUBLISHED (YYYY-MM-DD, or "-" for none), for eyeballing.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let anchor = args.first().and_then(|a| annotate::dates::parse_anchor(a));
    let tagger = annotate::dates::DateTagger::new();
    for path in args.iter().skip(1) {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for t in tagger.find(&text, anchor) {
            println!("{path}\t{:?}\t{:?}\t{:?}\t{}", &text[t.start..t.end], t.value, t.granularity, t.rule);
        }
    }
}
