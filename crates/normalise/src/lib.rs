//! Normalise: repair text, strip boilerplate, dedupe lines, paragraphs and near-duplicate
//! documents, recording every change (blocks.jsonl, edits.jsonl, duplicates.jsonl).
//!
//! [`build_steps`] is the registry that turns `[normalise] steps` into per-document steps. The
//! steps share one state, kept in the document itself: `doc.blocks` (one row per non-blank raw
//! line) and `doc.edits` (repairs in raw offsets); see [`workspace`] and [`aligned`]. Any subset
//! of steps in any order leaves a consistent document.
//!
//! How a run uses this crate:
//! 1. before per-document work, [`LineSurvey`] (a `CorpusStep`) over all documents yields the
//!    `CorpusKnowledge` (lines an outlet repeats);
//! 2. the steps of [`build_steps`] run on each document with that knowledge;
//! 3. when `dedupe_documents` is listed, [`NearDuplicates`] (a `CorpusStep`) over the normalised
//!    documents yields the duplicates.jsonl rows and each clustered document's
//!    (cluster_id, duplicate_of) for `Document::to_row`.
//!
//! Outlet-specific boilerplate patterns live in `rules/boilerplate.toml` (embedded) and in the
//! user's `[normalise.boilerplate] rules_files`.

pub mod aligned;
pub mod boilerplate;
pub mod dedupe_blocks;
pub mod mt_artifacts;
pub mod near_dup;
pub mod rules;
pub mod survey;
#[cfg(test)]
mod test_texts;
pub mod typography;
pub mod unicode;
pub mod whitespace;

pub mod workspace;

use pipeline::config::{NormaliseConfig, NormaliseStep};
use pipeline::{DocStep, StepError};

pub use boilerplate::{BlockClassifier, BoilerplateStep};
pub use near_dup::{DocSignature, IndexError, NearDuplicateClusters, NearDuplicates, SignatureIndex};
pub use rules::{BoilerplateRules, RulesError};
pub use survey::{LineSurvey, LineTally, line_hash};

/// The per-document steps of `[normalise] steps`, in order. `dedupe_documents` is corpus-level
/// ([`NearDuplicates`]) and is skipped here.
pub fn build_steps(cfg: &NormaliseConfig) -> Result<Vec<Box<dyn DocStep>>, StepError> {
    let mut steps: Vec<Box<dyn DocStep>> = Vec::new();
    for step in &cfg.steps {
        match step {
            NormaliseStep::Unicode => steps.push(Box::new(unicode::UnicodeStep)),
            NormaliseStep::Whitespace => steps.push(Box::new(whitespace::WhitespaceStep)),
            NormaliseStep::Typography => steps.push(Box::new(typography::TypographyStep)),
            NormaliseStep::MtArtifacts => steps.push(Box::new(mt_artifacts::MtArtifactsStep::new(&cfg.mt_artifacts))),
            NormaliseStep::Boilerplate => steps.push(Box::new(BoilerplateStep::new(&cfg.boilerplate)?)),
            NormaliseStep::DedupeBlocks => steps.push(Box::new(dedupe_blocks::DedupeBlocksStep)),
            NormaliseStep::DedupeDocuments => {}
        }
    }
    Ok(steps)
}
