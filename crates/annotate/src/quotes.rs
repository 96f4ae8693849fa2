//! Direct quotations and their speakers (work in progress).
use pipeline::{CorpusKnowledge, DocStep, Document, StepError};

/// The `quotes` step.
#[derive(Debug, Default, Clone)]
pub struct QuoteAttributor;

impl QuoteAttributor {
    pub fn new() -> Self {
        QuoteAttributor
    }
}

impl DocStep for QuoteAttributor {
    fn name(&self) -> &'static str {
        "quotes"
    }
    fn apply(&self, _doc: &mut Document, _corpus: &CorpusKnowledge) -> Result<(), StepError> {
        Ok(())
    }
}
