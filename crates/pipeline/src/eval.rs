//! Scores of a step against public gold data (`runner eval ...`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The JSON object `runner eval` prints as its last line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Wall-clock seconds for the whole evaluation (loading included).
    pub seconds: f64,
    /// What the task adds (per-label scores, value_f1, speaker_accuracy, counts, ...).
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// Precision, recall and F1 from counts; 0 where undefined.
pub fn prf(true_pos: usize, predicted: usize, gold: usize) -> (f64, f64, f64) {
    let p = if predicted == 0 { 0.0 } else { true_pos as f64 / predicted as f64 };
    let r = if gold == 0 { 0.0 } else { true_pos as f64 / gold as f64 };
    let f = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
    (p, r, f)
}

#[cfg(test)]
mod tests {
    #[test]
    fn prf_counts() {
        let (p, r, f) = super::prf(8, 10, 16);
        assert!((p - 0.8).abs() < 1e-12 && (r - 0.5).abs() < 1e-12);
        assert!((f - 2.0 * 0.4 / 1.3).abs() < 1e-12);
        assert_eq!(super::prf(0, 0, 0), (0.0, 0.0, 0.0));
    }
}
