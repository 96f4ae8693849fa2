//! Dates (placeholder).
use pipeline::{CorpusKnowledge, DocStep, Document, StepError};
#[derive(Debug, Default, Clone)]
pub struct DateTagger;
impl DateTagger { pub fn new() -> Self { DateTagger } }
impl DocStep for DateTagger {
    fn name(&self) -> &'static str { "dates" }
    fn apply(&self, _doc: &mut Document, _c: &CorpusKnowledge) -> Result<(), StepError> { Ok(()) }
}
