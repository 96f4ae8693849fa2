//! Property tests of the per-document normalise steps on hostile text (see
//! tests/support/hostile_text.rs): no panic, every block and edit row selects exactly its text in
//! `raw_text` (code points), paragraphs lie inside the clean text, output is deterministic, and the
//! repairs are idempotent (repairing repaired text changes nothing).
//!
//! 256 cases per property by default; set PROPTEST_CASES to run more or fewer, e.g.
//! `PROPTEST_CASES=5000 cargo test --release -p normalise --test properties`.

#[path = "../../../tests/support/hostile_text.rs"]
mod hostile_text;

use std::sync::{Arc, LazyLock, Mutex};

use hostile_text::hostile_text;
use pipeline::config::{NormaliseConfig, NormaliseStep};
use pipeline::{CorpusKnowledge, DocStep, Document, EditKind, Metadata, SourceInfo};
use proptest::prelude::*;

fn doc(raw: &str, meta: Metadata) -> Document {
    let source = SourceInfo::in_memory("prop.txt", raw);
    Document::new("prop".into(), source, raw.to_string(), meta)
}

/// Built steps per config, kept across cases: building compiles the boilerplate rules.
static STEPS: LazyLock<Mutex<Vec<(NormaliseConfig, Arc<Vec<Box<dyn DocStep>>>)>>> = LazyLock::new(Default::default);

fn run(cfg: &NormaliseConfig, d: &mut Document) {
    let steps = {
        let mut cache = STEPS.lock().unwrap();
        match cache.iter().find(|(c, _)| c == cfg) {
            Some((_, s)) => s.clone(),
            None => {
                let s = Arc::new(normalise::build_steps(cfg).unwrap());
                cache.push((cfg.clone(), s.clone()));
                s
            }
        }
    };
    for step in steps.iter() {
        step.apply(d, &CorpusKnowledge::default()).unwrap_or_else(|e| panic!("{}: {e}", step.name()));
    }
}

fn repairs() -> NormaliseConfig {
    use NormaliseStep::*;
    NormaliseConfig { steps: vec![Unicode, Whitespace, Typography, MtArtifacts], ..Default::default() }
}

/// Everything a normalised document must satisfy whatever its input.
fn check_invariants(d: &Document) -> Result<(), TestCaseError> {
    if let Err(e) = d.check_spans() {
        return Err(TestCaseError::fail(format!("check_spans: {e}")));
    }
    let n = d.text.chars().count();
    let mut last_end = 0;
    for &(s, e) in &d.paragraphs {
        prop_assert!(s < e && e <= n, "paragraph {s}..{e} outside text of {n} chars");
        prop_assert!(s >= last_end, "paragraphs overlap or are out of order: {:?}", d.paragraphs);
        last_end = e;
    }
    let raw_n = d.raw_text.chars().count();
    for b in &d.blocks {
        prop_assert!(b.raw_start < b.raw_end && b.raw_end <= raw_n, "block {}..{} of {raw_n}", b.raw_start, b.raw_end);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Every step of the default config on plain Document::new input.
    #[test]
    fn default_steps_keep_spans_exact(raw in hostile_text()) {
        let mut d = doc(&raw, Metadata::default());
        run(&NormaliseConfig::default(), &mut d);
        check_invariants(&d)?;
        // Deterministic: the same input gives the same document.
        let mut again = doc(&raw, Metadata::default());
        run(&NormaliseConfig::default(), &mut again);
        prop_assert_eq!(&again.text, &d.text);
        prop_assert_eq!(&again.edits, &d.edits);
        prop_assert_eq!(&again.blocks, &d.blocks);
    }

    /// With the metadata ingest reads from the same text (line roles for titles, bylines,
    /// mastheads), as a real run has it.
    #[test]
    fn default_steps_with_ingest_metadata(raw in hostile_text()) {
        let meta = ingest::metadata::from_text(&raw);
        let mut d = doc(&raw, meta);
        run(&NormaliseConfig::default(), &mut d);
        check_invariants(&d)?;
    }

    /// Each step alone: a step must not rely on another having run first.
    #[test]
    fn each_step_alone(raw in hostile_text(), which in 0usize..6) {
        use NormaliseStep::*;
        let step = [Unicode, Whitespace, Typography, MtArtifacts, Boilerplate, DedupeBlocks][which];
        let cfg = NormaliseConfig { steps: vec![step], ..Default::default() };
        let mut d = doc(&raw, Metadata::default());
        run(&cfg, &mut d);
        check_invariants(&d)?;
    }

    /// Repairs are idempotent: the repair steps on their own output make no repair and leave the
    /// text as it is; so do they on the clean text of the full default run.
    #[test]
    fn repairs_are_idempotent(raw in hostile_text()) {
        let mut once = doc(&raw, Metadata::default());
        run(&repairs(), &mut once);
        check_invariants(&once)?;
        let mut twice = doc(&once.text, Metadata::default());
        run(&repairs(), &mut twice);
        check_invariants(&twice)?;
        let repairs_again: Vec<_> = twice.edits.iter().filter(|e| e.kind == EditKind::Repair).collect();
        prop_assert!(repairs_again.is_empty(), "repairs of repaired text {:?}: {:?}", once.text, repairs_again);
        prop_assert_eq!(&twice.text, &once.text);

        let mut full = doc(&raw, Metadata::default());
        run(&NormaliseConfig::default(), &mut full);
        let mut again = doc(&full.text, Metadata::default());
        run(&repairs(), &mut again);
        let repairs_again: Vec<_> = again.edits.iter().filter(|e| e.kind == EditKind::Repair).collect();
        prop_assert!(repairs_again.is_empty(), "repairs of clean text {:?}: {:?}", full.text, repairs_again);
        prop_assert_eq!(&again.text, &full.text);
    }
}

/// PROPTEST_CASES overrides the default of 256 cases per property.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}
