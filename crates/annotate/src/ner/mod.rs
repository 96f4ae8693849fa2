//! Statistical named-entity tagger (PER, ORG, LOC, MISC) trained on CoNLL-2003 English.
//!
//! An averaged structured perceptron over lexical, shape, affix, window, gazetteer and
//! document-level features, decoding BILOU tags with Viterbi, in two passes (the second sees how
//! the first tagged the same word elsewhere in the document). The trained model is embedded in the
//! binary (`model/ner.bin.gz`); [`train_from_conll`] rebuilds it, [`eval_conll`] scores it.

pub mod conll;
pub mod features;
pub mod gazetteer;
pub mod model;
pub mod train;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use pipeline::eval::{EvalReport, prf};
use serde_json::json;

pub use crate::entities::{EntityLinker, EntityResolution, EntityTagger};
pub use model::NerModel;

use conll::{Counts, read_conll};
use features::LABELS;

/// The model trained on CoNLL-2003 train, as committed.
static EMBEDDED: &[u8] = include_bytes!("../../model/ner.bin.gz");

#[derive(Debug, thiserror::Error)]
pub enum NerError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Format { path: PathBuf, line: usize, message: String },
    #[error("bad NER model: {0}")]
    Model(String),
}

/// The embedded model, decoded once per process.
pub fn embedded_model() -> Result<&'static NerModel, NerError> {
    static MODEL: OnceLock<Result<NerModel, String>> = OnceLock::new();
    MODEL
        .get_or_init(|| NerModel::from_bytes(EMBEDDED).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| NerError::Model(e.clone()))
}

/// Loads a model file written by [`train_from_conll`].
pub fn load_model(path: &Path) -> Result<NerModel, NerError> {
    let bytes = std::fs::read(path).map_err(|e| NerError::Io { path: path.to_path_buf(), source: e })?;
    NerModel::from_bytes(&bytes)
}

/// Trains on a CoNLL-2003 file, writes the model to `out` and returns a summary (per-epoch dev F1
/// when `dev` is given).
pub fn train_from_conll(train: &Path, dev: Option<&Path>, out: &Path, epochs: usize) -> Result<String, NerError> {
    let started = Instant::now();
    let train_docs = read_conll(train)?;
    let dev_docs = dev.map(read_conll).transpose()?;
    let mut summary = String::new();
    let mut log = |line: String| {
        eprintln!("{line}");
        summary.push_str(&line);
        summary.push('\n');
    };
    let model = train::train(&train_docs, dev_docs.as_deref(), epochs.max(1), &mut log);
    let bytes = model.to_bytes()?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| NerError::Io { path: dir.to_path_buf(), source: e })?;
    }
    std::fs::write(out, &bytes).map_err(|e| NerError::Io { path: out.to_path_buf(), source: e })?;
    log(format!(
        "model: {} gazetteer names, {} + {} features, {} bytes -> {} ({:.1}s)",
        model.gazetteer.entries.len(),
        model.first.len,
        model.second.len,
        bytes.len(),
        out.display(),
        started.elapsed().as_secs_f64()
    ));
    Ok(summary)
}

/// CPU time the current thread has run, from Linux's /proc (None elsewhere).
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// Scores a model (the embedded one unless `model` is given) on a CoNLL-2003 file: entity-level
/// exact match as conlleval counts it. `seconds` covers loading too; `tokens_per_second` covers
/// tagging only, on one thread, from the fastest of several passes over the file, measured in
/// the thread's CPU time where Linux reports it (so other processes on a shared machine do not
/// count), with the wall-clock figure beside it.
pub fn eval_conll(conll: &Path, model: Option<&Path>) -> Result<EvalReport, NerError> {
    let started = Instant::now();
    let owned;
    let model: &NerModel = match model {
        Some(p) => {
            owned = load_model(p)?;
            &owned
        }
        None => embedded_model()?,
    };
    let docs = read_conll(conll)?;
    let words: Vec<Vec<Vec<&str>>> =
        docs.iter().map(|d| d.sents.iter().map(|s| s.words.iter().map(String::as_str).collect()).collect()).collect();
    let tokens: usize = words.iter().flatten().map(Vec::len).sum();
    // The machine may be shared: tag the file several times and keep the fastest pass, so the
    // speed reflects the tagger rather than the neighbours. Every pass gives the same output.
    let mut predicted: Vec<Vec<model::SentSpans>> = Vec::new();
    let mut tag_seconds = f64::INFINITY;
    let mut cpu_seconds: Option<f64> = None;
    let mut passes = 0;
    let bench_start = Instant::now();
    while passes < 3 || (passes < 20 && bench_start.elapsed().as_secs_f64() < 2.0) {
        let cpu_start = thread_cpu_seconds();
        let tag_start = Instant::now();
        predicted = words.iter().map(|d| model.tag_document(d)).collect();
        tag_seconds = tag_seconds.min(tag_start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu_start, thread_cpu_seconds()) {
            cpu_seconds = Some(cpu_seconds.map_or(b - a, |c: f64| c.min(b - a)));
        }
        passes += 1;
    }
    let mut counts = Counts::default();
    for (doc, pred) in docs.iter().zip(&predicted) {
        for (s, p) in doc.sents.iter().zip(pred) {
            counts.add(&s.spans, p);
        }
    }
    let (tp, np, ng) = counts.total();
    let (precision, recall, f1) = prf(tp, np, ng);
    let mut extra = std::collections::BTreeMap::new();
    for (l, name) in LABELS.iter().enumerate() {
        let (t, p, g) = counts.per_label[l];
        let (lp, lr, lf) = prf(t, p, g);
        extra.insert(name.to_string(), json!({"precision": lp, "recall": lr, "f1": lf, "gold": g, "predicted": p, "correct": t}));
    }
    extra.insert("tokens".into(), json!(tokens));
    extra.insert("documents".into(), json!(docs.len()));
    extra.insert("gold_entities".into(), json!(ng));
    extra.insert("predicted_entities".into(), json!(np));
    extra.insert("tagging_seconds".into(), json!(tag_seconds));
    extra.insert("tagging_passes".into(), json!(passes));
    let per_second = |secs: f64| if secs > 0.0 { tokens as f64 / secs } else { 0.0 };
    extra.insert("tokens_per_second_wall".into(), json!(per_second(tag_seconds)));
    extra.insert("tagging_cpu_seconds".into(), json!(cpu_seconds));
    // Per core: CPU time of the tagging thread where the OS reports it, wall time otherwise.
    extra.insert("tokens_per_second".into(), json!(per_second(cpu_seconds.unwrap_or(tag_seconds))));
    Ok(EvalReport { precision, recall, f1, seconds: started.elapsed().as_secs_f64(), extra })
}
