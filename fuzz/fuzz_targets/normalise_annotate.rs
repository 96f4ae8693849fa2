//! Fuzzes the per-document normalise and annotate steps on arbitrary strings (no ingest in
//! front, so text ingest would reject, such as NUL-laden or blank text, reaches the steps too),
//! and checks that the repairs are idempotent.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use pipeline::config::{NormaliseConfig, NormaliseStep};
use pipeline::{CorpusKnowledge, Document, EditKind, Metadata, SourceInfo};

fn doc(raw: &str) -> Document {
    let source = SourceInfo::in_memory("fuzz.txt", raw);
    Document::new("fuzz".into(), source, raw.to_string(), Metadata::default())
}

static REPAIRS: std::sync::LazyLock<Vec<Box<dyn pipeline::DocStep>>> = std::sync::LazyLock::new(|| {
    use NormaliseStep::*;
    normalise::build_steps(&NormaliseConfig { steps: vec![Unicode, Whitespace, Typography, MtArtifacts], ..Default::default() }).unwrap()
});

fn repair(text: &str) -> Document {
    let mut d = doc(text);
    for step in REPAIRS.iter() {
        let _ = step.apply(&mut d, &CorpusKnowledge::default());
    }
    d.check_spans().unwrap_or_else(|e| panic!("span error in repairs: {e}"));
    d
}

fuzz_target!(|text: &str| {
    let mut d = doc(text);
    common::process(&mut d);
    // Repairs are idempotent.
    let once = repair(text);
    let twice = repair(&once.text);
    assert_eq!(twice.text, once.text, "repairs changed repaired text");
    assert!(!twice.edits.iter().any(|e| e.kind == EditKind::Repair), "repairs of repaired text: {:?}", twice.edits);
});
