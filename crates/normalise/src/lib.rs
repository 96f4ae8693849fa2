//! Normalise: repair text, strip boilerplate, dedupe lines, paragraphs and near-duplicate
//! documents, recording every change (blocks.jsonl, edits.jsonl, duplicates.jsonl).
//!
//! [`build_steps`] is the registry that turns `[normalise] steps` into per-document steps.

use pipeline::config::{NormaliseConfig, NormaliseStep};
use pipeline::{DocStep, StepError};

/// The per-document steps of `[normalise] steps`, in order.
pub fn build_steps(cfg: &NormaliseConfig) -> Result<Vec<Box<dyn DocStep>>, StepError> {
    let steps: Vec<Box<dyn DocStep>> = Vec::new();
    for step in &cfg.steps {
        match step {
            _ => return Err(StepError::Failed { step: "normalise", message: format!("step {step:?} is not built yet") }),
        }
    }
    Ok(steps)
}
