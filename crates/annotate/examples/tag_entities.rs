//! Prints the entity mentions the `entities` step finds in a plain-text file:
//! `cargo run --release -p annotate --example tag_entities -- FILE`

use annotate::ner::EntityTagger;
use pipeline::config::EntitiesConfig;
use pipeline::{CorpusKnowledge, DocStep, Document, Metadata, SourceFormat, SourceInfo};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: tag_entities FILE");
        std::process::exit(2)
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("tag_entities: {path}: {e}");
        std::process::exit(2)
    });
    let src = SourceInfo { path: path.clone(), format: SourceFormat::Text, sha256: String::new(), bytes: text.len() as u64, line: None, encoding: "UTF-8".into() };
    let mut doc = Document::new("d".into(), src, text, Metadata::default());
    let tagger = EntityTagger::new(&EntitiesConfig::default()).unwrap_or_else(|e| {
        eprintln!("tag_entities: {e}");
        std::process::exit(2)
    });
    if let Err(e) = tagger.apply(&mut doc, &CorpusKnowledge::default()) {
        eprintln!("tag_entities: {e}");
        std::process::exit(1)
    }
    for m in &doc.mentions {
        println!("{}\t{}\t{:?}\t{}", m.start, m.text, m.label, m.entity_id);
    }
}
