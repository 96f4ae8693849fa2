//! Stage traits.
//!
//! Per-document work is a [`DocStep`]: a pure function of one document plus read-only
//! [`CorpusKnowledge`], run in parallel. Corpus-level work ([`CorpusStep`]) never sees documents
//! whole: it folds a compact summary of each (hashes, signatures, name tables) and turns the
//! summaries into knowledge or results, so memory grows with those summaries only.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::document::Document;
use crate::error::StepError;

/// One named step of a stage, applied to one document at a time.
pub trait DocStep: Send + Sync {
    /// The step's name as written in pipeline.toml.
    fn name(&self) -> &'static str;
    fn apply(&self, doc: &mut Document, corpus: &CorpusKnowledge) -> Result<(), StepError>;
}

/// Corpus-level work over per-document summaries.
pub trait CorpusStep: Send + Sync {
    /// What one document contributes; small compared with the document.
    type Summary: Send;
    /// What the whole corpus yields.
    type Output;
    fn name(&self) -> &'static str;
    fn summarize(&self, doc: &Document) -> Self::Summary;
    /// Summaries arrive in input order, so the output does not depend on thread count.
    fn finish(&self, summaries: Vec<Self::Summary>) -> Self::Output;
}

/// Read-only knowledge about the whole corpus, gathered before per-document steps run.
#[derive(Debug, Default, Clone)]
pub struct CorpusKnowledge {
    /// Per outlet (as ingest names it), hashes of normalised lines that recur in at least
    /// `min_docs` of that outlet's documents: boilerplate for that outlet.
    pub recurring_lines: HashMap<String, HashSet<u64>>,
    /// Number of documents seen per outlet in the survey.
    pub docs_per_outlet: BTreeMap<String, usize>,
}

impl CorpusKnowledge {
    pub fn is_recurring_line(&self, outlet: Option<&str>, line_hash: u64) -> bool {
        outlet
            .and_then(|o| self.recurring_lines.get(o))
            .is_some_and(|set| set.contains(&line_hash))
    }
}
