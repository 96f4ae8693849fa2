//! What every fuzz target shares: reading bytes through ingest as a file of a given format, and
//! running the per-document steps of a default run (all normalise repairs and boilerplate steps,
//! then sentences, quotes, dates and quantities) with the checks a run relies on. A panic here is
//! a bug: the runner would lose the document; a span that does not select its text is a bug too.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::LazyLock;

use pipeline::config::{AnnotateConfig, AnnotateStep, IngestConfig, NormaliseConfig};
use pipeline::{CorpusKnowledge, DocStep, Document, SourceFormat};

static NORMALISE: LazyLock<Vec<Box<dyn DocStep>>> = LazyLock::new(|| normalise::build_steps(&NormaliseConfig::default()).unwrap());
static ANNOTATE: LazyLock<Vec<Box<dyn DocStep>>> = LazyLock::new(|| {
    use AnnotateStep::*;
    annotate::build_steps(&AnnotateConfig { steps: vec![Sentences, Quotes, Dates, Quantities], ..Default::default() }).unwrap()
});

/// Runs normalise and annotate on `doc` and checks its spans, as the runner does.
pub fn process(doc: &mut Document) {
    let knowledge = CorpusKnowledge::default();
    for step in NORMALISE.iter().chain(ANNOTATE.iter()) {
        // A step error is a warning in a run, not a crash; a panic propagates and is reported.
        let _ = step.apply(doc, &knowledge);
    }
    if let Err(e) = doc.check_spans() {
        panic!("span error: {e}");
    }
    let n = doc.text.chars().count();
    for &(s, e) in &doc.paragraphs {
        assert!(s <= e && e <= n, "paragraph {s}..{e} outside text of {n} chars");
    }
}

/// Writes `bytes` to a file of this process with the given extension, reads it with ingest as
/// the runner does, and processes every document.
pub fn ingest_bytes(bytes: &[u8], extension: &str, format: SourceFormat) {
    let path: PathBuf = std::env::temp_dir().join(format!("presswork-fuzz-{}.{extension}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let file = ingest::InputFile { path: path.clone(), display: format!("input.{extension}"), format, gzip: false };
    for item in ingest::read_input(&file, &IngestConfig::default()) {
        if let Ok(mut doc) = item {
            doc.check_spans().unwrap_or_else(|e| panic!("span error straight from ingest: {e}"));
            process(&mut doc);
        }
    }
}
