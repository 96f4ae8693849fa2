//! Prints the entity mentions the `entities` step finds in plain-text files, then the corpus
//! entity table the cross-document linker makes of them:
//! `cargo run --release -p annotate --example tag_entities -- FILE...`

use annotate::ner::{EntityLinker, EntityTagger};
use pipeline::config::EntitiesConfig;
use pipeline::stage::CorpusStep;
use pipeline::{CorpusKnowledge, DocStep, Document, Metadata, SourceInfo};

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: tag_entities FILE...");
        std::process::exit(2)
    }
    let tagger = EntityTagger::new(&EntitiesConfig::default()).unwrap_or_else(|e| {
        eprintln!("tag_entities: {e}");
        std::process::exit(2)
    });
    let mut docs = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
            eprintln!("tag_entities: {path}: {e}");
            std::process::exit(2)
        });
        let src = SourceInfo::in_memory(path.clone(), &text);
        let mut doc = Document::new(format!("d{i}"), src, text, Metadata::default());
        if let Err(e) = tagger.apply(&mut doc, &CorpusKnowledge::default()) {
            eprintln!("tag_entities: {path}: {e}");
            continue;
        }
        println!("== {path}");
        for m in &doc.mentions {
            println!("{}\t{}\t{:?}\t{}", m.start, m.text, m.label, m.entity_id);
        }
        docs.push(doc);
    }
    let linker = EntityLinker;
    let resolution = linker.finish(docs.iter().map(|d| linker.summarize(d)).collect());
    println!("== entities");
    for e in &resolution.entities {
        println!("{}\t{:?}\t{}\tdocs={} mentions={}\taliases={:?}\troles={:?}", e.entity_id, e.label, e.name, e.n_docs, e.n_mentions, e.aliases, e.roles);
    }
    for (from, to) in &resolution.remap {
        println!("remap {from} -> {to}");
    }
}
