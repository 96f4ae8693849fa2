//! Shared helpers for the corpus tests: the five shipped articles and a document builder.
#![allow(dead_code)]

use pipeline::config::NormaliseConfig;
use pipeline::{CorpusKnowledge, Document, Metadata, SourceInfo};

pub const CORPUS: [(&str, &str); 5] = [
    ("wapo_kremlin", include_str!("../../../../corpus/000_7af196de5e79098c.txt")),
    ("nyt_call", include_str!("../../../../corpus/001_eff779026592d293.txt")),
    ("ap_mt", include_str!("../../../../corpus/002_037532f3cf66b02e.txt")),
    ("wapo_preview", include_str!("../../../../corpus/003_da8470f8a25eae5a.txt")),
    ("bne", include_str!("../../../../corpus/004_e9d4a3ba796d143f.txt")),
];

pub fn doc(id: &str, raw: &str) -> Document {
    let source = SourceInfo::in_memory(format!("{id}.txt"), raw);
    Document::new(id.to_string(), source, raw.to_string(), Metadata::default())
}

/// The corpus knowledge a run would gather over these documents.
pub fn survey(cfg: &NormaliseConfig, docs: &[Document]) -> CorpusKnowledge {
    use pipeline::stage::CorpusStep;
    let s = normalise::LineSurvey::new(cfg).unwrap();
    s.finish(docs.iter().map(|d| s.summarize(d)).collect())
}

pub fn run(cfg: &NormaliseConfig, d: &mut Document, corpus: &CorpusKnowledge) {
    for step in normalise::build_steps(cfg).unwrap() {
        step.apply(d, corpus).unwrap();
    }
    d.check_spans().unwrap();
}
