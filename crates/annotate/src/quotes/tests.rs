use super::*;
use pipeline::{Metadata, SourceFormat, SourceInfo};

fn doc(text: &str) -> Document {
    let src = SourceInfo { path: "x.txt".into(), format: SourceFormat::Text, sha256: String::new(), bytes: 0, line: None, encoding: "UTF-8".into() };
    Document::new("d1".into(), src, text.to_string(), Metadata::default())
}

fn run(text: &str) -> Document {
    let mut d = doc(text);
    QuoteAttributor.apply(&mut d, &CorpusKnowledge::default()).unwrap();
    d.check_spans().unwrap();
    d
}
