//! Property tests of the annotate steps (sentences, quotes, dates, quantities) on hostile text
//! (see tests/support/hostile_text.rs), both on raw text straight from `Document::new` and on
//! the clean text of the default normalise steps: no panic, no step error, every span row selects
//! exactly its text in code points (`check_spans`), spans are non-empty and inside the text,
//! sentences are ordered, disjoint and inside their paragraph, and output is deterministic.
//!
//! 256 cases per property by default; set PROPTEST_CASES to run more or fewer, e.g.
//! `PROPTEST_CASES=5000 cargo test --release -p annotate --test properties`.

#[path = "../../../tests/support/hostile_text.rs"]
mod hostile_text;

use std::sync::LazyLock;

use hostile_text::{hostile_text, published};
use pipeline::config::{AnnotateConfig, AnnotateStep, NormaliseConfig};
use pipeline::{CorpusKnowledge, DocStep, Document, Metadata, SourceInfo};
use proptest::prelude::*;

fn doc(raw: &str, published: Option<String>) -> Document {
    let source = SourceInfo::in_memory("prop.txt", raw);
    Document::new("prop".into(), source, raw.to_string(), Metadata { published, ..Metadata::default() })
}

fn annotate_cfg() -> AnnotateConfig {
    use AnnotateStep::*;
    AnnotateConfig { steps: vec![Sentences, Quotes, Dates, Quantities], ..Default::default() }
}

fn run_steps(steps: &[Box<dyn DocStep>], d: &mut Document) -> Result<(), TestCaseError> {
    for step in steps {
        if let Err(e) = step.apply(d, &CorpusKnowledge::default()) {
            return Err(TestCaseError::fail(format!("{} failed: {e}", step.name())));
        }
    }
    Ok(())
}

fn annotate(d: &mut Document) -> Result<(), TestCaseError> {
    run_steps(&ANNOTATE, d)
}

/// Steps are built once: building compiles their patterns.
static ANNOTATE: LazyLock<Vec<Box<dyn DocStep>>> = LazyLock::new(|| annotate::build_steps(&annotate_cfg()).unwrap());
static NORMALISE: LazyLock<Vec<Box<dyn DocStep>>> = LazyLock::new(|| normalise::build_steps(&NormaliseConfig::default()).unwrap());
static ALONE: LazyLock<Vec<Vec<Box<dyn DocStep>>>> = LazyLock::new(|| {
    use AnnotateStep::*;
    [Sentences, Quotes, Dates, Quantities]
        .into_iter()
        .map(|step| annotate::build_steps(&AnnotateConfig { steps: vec![step], ..Default::default() }).unwrap())
        .collect()
});

fn check_invariants(d: &Document) -> Result<(), TestCaseError> {
    if let Err(e) = d.check_spans() {
        return Err(TestCaseError::fail(format!("check_spans: {e}")));
    }
    let n = d.text.chars().count();
    let spans = d
        .sentences
        .iter()
        .map(|r| ("sentence", r.start, r.end))
        .chain(d.quotes.iter().map(|r| ("quote", r.start, r.end)))
        .chain(d.dates.iter().map(|r| ("date", r.start, r.end)))
        .chain(d.quantities.iter().map(|r| ("quantity", r.start, r.end)));
    for (what, s, e) in spans {
        prop_assert!(s < e && e <= n, "{what} {s}..{e} in text of {n} chars");
    }
    let mut last_end = 0;
    for (i, r) in d.sentences.iter().enumerate() {
        prop_assert_eq!(r.sent_index, i);
        prop_assert!(r.start >= last_end, "sentences overlap or are out of order at {}", i);
        last_end = r.end;
        let (ps, pe) = d.paragraphs[r.paragraph_index];
        prop_assert!(ps <= r.start && r.end <= pe, "sentence {}..{} outside its paragraph {ps}..{pe}", r.start, r.end);
    }
    for q in &d.quotes {
        if let (Some(s), Some(e)) = (q.speaker_start, q.speaker_end) {
            prop_assert!(s < e && e <= n, "speaker {s}..{e} in text of {n} chars");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Annotate straight on raw text (a run with normalise switched off).
    #[test]
    fn annotate_raw_text(raw in hostile_text(), published in published()) {
        let mut d = doc(&raw, published.clone());
        annotate(&mut d)?;
        check_invariants(&d)?;
        let mut again = doc(&raw, published);
        annotate(&mut again)?;
        prop_assert_eq!(&again.sentences, &d.sentences);
        prop_assert_eq!(&again.quotes, &d.quotes);
        prop_assert_eq!(&again.dates, &d.dates);
        prop_assert_eq!(&again.quantities, &d.quantities);
    }

    /// Annotate on the clean text of the default normalise steps, as a default run does.
    #[test]
    fn annotate_after_normalise(raw in hostile_text(), published in published()) {
        let mut d = doc(&raw, published);
        run_steps(&NORMALISE, &mut d)?;
        annotate(&mut d)?;
        check_invariants(&d)?;
    }

    /// Each annotate step alone: quotes without sentences, dates without anything else.
    #[test]
    fn each_step_alone(raw in hostile_text(), published in published(), which in 0usize..4) {
        let mut d = doc(&raw, published);
        run_steps(&ALONE[which], &mut d)?;
        check_invariants(&d)?;
    }
}

/// PROPTEST_CASES overrides the default of 256 cases per property.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

/// CPU time this thread has used. Unlike wall time it does not count the time the thread waits
/// while other processes run, which made the ratio below fail on a loaded machine.
fn thread_cpu_time() -> std::time::Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime only writes the timespec it is given.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Thread CPU time of the fastest of three runs of `step` over `text`.
fn fastest(step: &dyn DocStep, text: &str) -> std::time::Duration {
    (0..3)
        .map(|_| {
            let mut d = doc(text, None);
            let t = thread_cpu_time();
            step.apply(&mut d, &CorpusKnowledge::default()).unwrap();
            thread_cpu_time() - t
        })
        .min()
        .unwrap()
}

/// Work per number must not grow with the document: found by probing with a long run of numbers,
/// where `quantities` lowercased the whole rest of the text at every number (535 KB took 60 s), and
/// later `dates`, which checked each span against every span kept so far (55x for 16x the text).
/// Sixteen times the text may take about sixteen times the CPU time (seen: 15-29 with cache
/// effects and other builds running), not 256; the bound sits between the two.
#[test]
fn steps_scale_linearly_on_number_heavy_text() {
    let unit = "on Dec. 7 about $3.5 billion, or 12 percent, and 1,200 troops — “2021” said 7 ";
    let small = unit.repeat(600);
    let large = unit.repeat(9600);
    for (i, step) in ALONE.iter().enumerate() {
        let step = &*step[0];
        let (s, l) = (fastest(step, &small), fastest(step, &large));
        let ratio = l.as_secs_f64() / s.as_secs_f64().max(1e-4);
        assert!(ratio < 45.0 || l.as_secs_f64() < 0.05, "step {i} ({}): {s:?} for {} bytes, {l:?} for {} bytes", step.name(), small.len(), large.len());
    }
}

