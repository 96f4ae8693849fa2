//! `runner eval extract`: HTML article-body extraction scored on the article-extraction-benchmark
//! layout (`html/<key>.html.gz` + `ground-truth.json` with `{key: {"articleBody": ...}}`), the way
//! that benchmark's evaluate.py scores it:
//!
//! - tokens are runs of word characters (Python's `\w+`: letters, digits and `_`, not combining
//!   marks), case kept; shingles are 4-token windows (a shorter text is one shingle);
//! - per document, true/false positives and false negatives are multiset counts of shingles,
//!   normalised by their sum so every document weighs the same;
//! - precision is the mean over documents with a non-empty prediction, recall the mean over
//!   documents with a non-empty gold body, and F1 is computed from those two means.
//!
//! The benchmark has no dev/test split. `extra` therefore also reports the scores on the keys
//! whose SHA-256 starts with 0-7 ("tune") and 8-f ("held_out") separately.

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::time::Instant;

use pipeline::eval::EvalReport;
use serde_json::{Value, json};

use crate::decode::{decode, html_declared_charset};
use crate::error::IngestError;
use crate::html::extract_page;

/// Scores HTML extraction on the benchmark folder `dir`.
pub fn eval_extract(dir: &Path) -> Result<EvalReport, IngestError> {
    let start = Instant::now();
    let bad = |message: String| IngestError::Benchmark { path: dir.display().to_string(), message };
    let gt_path = dir.join("ground-truth.json");
    let gt_text = fs::read_to_string(&gt_path).map_err(|e| bad(format!("cannot read ground-truth.json: {e}")))?;
    let gt: serde_json::Map<String, Value> = match serde_json::from_str(&gt_text) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return Err(bad("ground-truth.json is not a JSON object".into())),
        Err(e) => return Err(bad(format!("ground-truth.json: {e}"))),
    };
    if gt.is_empty() {
        return Err(bad("ground-truth.json has no entries".into()));
    }
    let mut scores: Vec<(String, [f64; 3])> = Vec::with_capacity(gt.len());
    let mut n_missing_html = 0usize;
    let mut n_empty = 0usize;
    for (key, entry) in &gt {
        let gold = entry.get("articleBody").and_then(Value::as_str).unwrap_or("");
        let predicted = match read_page(&dir.join("html").join(format!("{key}.html.gz"))) {
            Some(html) => extract_page(&html).body,
            None => {
                n_missing_html += 1;
                String::new()
            }
        };
        if predicted.trim().is_empty() {
            n_empty += 1;
        }
        scores.push((key.clone(), shingle_match(gold, &predicted)));
    }
    let all: Vec<[f64; 3]> = scores.iter().map(|(_, s)| *s).collect();
    let (precision, recall, f1) = metrics(&all);
    let split = |tune: bool| -> Vec<[f64; 3]> {
        scores.iter().filter(|(k, _)| k.starts_with(['0', '1', '2', '3', '4', '5', '6', '7']) == tune).map(|(_, s)| *s).collect()
    };
    let mut extra = std::collections::BTreeMap::new();
    extra.insert("extractor".into(), json!("rs-trafilatura (default options) via ingest::html"));
    extra.insert("n_docs".into(), json!(scores.len()));
    extra.insert("n_empty_predictions".into(), json!(n_empty));
    extra.insert("n_missing_html".into(), json!(n_missing_html));
    for (name, part) in [("tune", split(true)), ("held_out", split(false))] {
        let (p, r, f) = metrics(&part);
        extra.insert(name.into(), json!({"n_docs": part.len(), "precision": p, "recall": r, "f1": f}));
    }
    Ok(EvalReport { precision, recall, f1, seconds: start.elapsed().as_secs_f64(), extra })
}

/// The page's HTML, decompressed and decoded as ingest decodes HTML files; None if unreadable.
fn read_page(path: &Path) -> Option<String> {
    let file = fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    flate2::read::MultiGzDecoder::new(file).read_to_end(&mut bytes).ok()?;
    decode(&bytes, html_declared_charset(&bytes)).ok().map(|d| d.text)
}

/// Python's `\w` on str: alphanumeric (letters, all numerics) or `_`, but not combining marks
/// (which Rust's `Alphabetic` includes and Python's `isalpha` does not).
fn is_word_char(c: char) -> bool {
    c == '_' || (c.is_alphanumeric() && !unicode_normalization::char::is_combining_mark(c))
}

fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

fn shingles(text: &str, n: usize) -> HashMap<Vec<&str>, usize> {
    let toks = tokens(text);
    let mut counts = HashMap::new();
    let windows = toks.len().saturating_sub(n) + 1;
    for i in 0..windows.max(1) {
        let end = (i + n).min(toks.len());
        if i < end {
            *counts.entry(toks[i..end].to_vec()).or_insert(0) += 1;
        }
    }
    counts
}

/// Normalised (tp, fp, fn) of 4-token shingles of a prediction against gold.
pub fn shingle_match(gold: &str, predicted: &str) -> [f64; 3] {
    let g = shingles(gold, 4);
    let p = shingles(predicted, 4);
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (k, &gc) in &g {
        let pc = p.get(k).copied().unwrap_or(0);
        tp += gc.min(pc);
        fn_ += gc.saturating_sub(pc);
    }
    for (k, &pc) in &p {
        fp += pc.saturating_sub(g.get(k).copied().unwrap_or(0));
    }
    let s = (tp + fp + fn_) as f64;
    if s > 0.0 { [tp as f64 / s, fp as f64 / s, fn_ as f64 / s] } else { [0.0; 3] }
}

/// Mean precision, mean recall and the F1 of those means, as evaluate.py computes them.
pub fn metrics(docs: &[[f64; 3]]) -> (f64, f64, f64) {
    let precision_of = |[tp, fp, fn_]: [f64; 3]| if fp == 0.0 && fn_ == 0.0 { 1.0 } else if tp == 0.0 && fp == 0.0 { 0.0 } else { tp / (tp + fp) };
    let recall_of = |[tp, fp, fn_]: [f64; 3]| if fp == 0.0 && fn_ == 0.0 { 1.0 } else if tp == 0.0 && fn_ == 0.0 { 0.0 } else { tp / (tp + fn_) };
    let mean = |xs: Vec<f64>| if xs.is_empty() { 0.0 } else { xs.iter().sum::<f64>() / xs.len() as f64 };
    let p = mean(docs.iter().filter(|d| d[0] + d[1] > 0.0).map(|d| precision_of(*d)).collect());
    let r = mean(docs.iter().filter(|d| d[0] + d[2] > 0.0).map(|d| recall_of(*d)).collect());
    let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    (p, r, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_follow_python_word_chars() {
        assert_eq!(tokens("It's 2,000 km—naïve_x Путин!"), ["It", "s", "2", "000", "km", "naïve_x", "Путин"]);
        // Devanagari vowel signs are combining marks: Python's \w splits on them.
        assert_eq!(tokens("नमस्ते"), ["नमस", "त"]);
    }

    #[test]
    fn shingle_counts_match_evaluate_py() {
        // Identical texts: all true positives.
        assert_eq!(shingle_match("a b c d e", "a b c d e"), [1.0, 0.0, 0.0]);
        // 5 gold tokens -> 2 shingles; prediction "a b c d" -> 1 shingle, shared.
        let [tp, fp, fn_] = shingle_match("a b c d e", "a b c d");
        assert!((tp - 0.5).abs() < 1e-12 && fp == 0.0 && (fn_ - 0.5).abs() < 1e-12);
        // Short texts are one shingle of all their tokens.
        assert_eq!(shingle_match("a b", "a b"), [1.0, 0.0, 0.0]);
        assert_eq!(shingle_match("a b", "a c"), [0.0, 0.5, 0.5]);
        assert_eq!(shingle_match("", ""), [0.0, 0.0, 0.0]);
        // Repeated shingles count as a multiset.
        let [tp, fp, _] = shingle_match("a b c d", "a b c d a b c d");
        assert!(tp > 0.0 && fp > 0.0);
    }

    #[test]
    fn metrics_average_over_documents() {
        // One perfect document, one with an empty prediction: precision counts only the first.
        let docs = [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]];
        let (p, r, f) = metrics(&docs);
        assert_eq!((p, r), (1.0, 0.5));
        assert!((f - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn eval_runs_on_a_tiny_benchmark_folder() {
        use std::io::Write;
        let tmp = tempfile::TempDir::new().unwrap();
        fs::create_dir(tmp.path().join("html")).unwrap();
        let body = "President Biden warned Vladimir Putin of severe economic penalties if Russia invaded Ukraine, officials said on Tuesday after a long video call between the two.";
        let page = format!("<html><body><nav><a href='/'>Home</a></nav><article><h1>Biden warns</h1><p>{body}</p><p>{body}</p></article></body></html>");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(page.as_bytes()).unwrap();
        fs::write(tmp.path().join("html/0abc.html.gz"), gz.finish().unwrap()).unwrap();
        let gt = json!({"0abc": {"articleBody": format!("{body}\n\n{body}"), "url": "x"}, "9def": {"articleBody": "missing page", "url": "y"}});
        fs::write(tmp.path().join("ground-truth.json"), gt.to_string()).unwrap();
        let r = eval_extract(tmp.path()).unwrap();
        assert_eq!(r.extra["n_docs"], json!(2));
        assert_eq!(r.extra["n_missing_html"], json!(1));
        assert!(r.precision > 0.9, "{r:?}");
        assert!((r.recall - 0.5 * (r.extra["tune"]["recall"].as_f64().unwrap())).abs() < 1e-9, "{r:?}");
        assert!(eval_extract(&tmp.path().join("nope")).is_err());
    }
}
