//! Debug aid: runs the quotes step over text files and prints one JSON row per quote
//! (`cargo run -p annotate --example dump_quotes -- FILE...`).
use pipeline::{CorpusKnowledge, DocStep, Document, Metadata, SourceInfo};

fn main() {
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let src = SourceInfo::in_memory(path.clone(), "");
        let mut doc = Document::new(path.clone(), src, text, Metadata::default());
        if annotate::quotes::QuoteAttributor::new().apply(&mut doc, &CorpusKnowledge::default()).is_err() {
            continue;
        }
        for q in &doc.quotes {
            println!("{}", serde_json::to_string(q).unwrap_or_default());
        }
    }
}
