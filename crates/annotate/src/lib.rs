//! Annotate: sentences, named entities with canonical ids, direct quotes with their speakers,
//! dates resolved to ISO 8601, and numeric facts, all as span rows over a document's clean text.
//!
//! Each step is a [`pipeline::DocStep`]; [`build_steps`] is the registry that turns the
//! `[annotate] steps` list of pipeline.toml into steps.

pub mod dates;
pub mod entities;
pub mod ner;
pub mod quantities;
pub mod quotes;
pub mod sentences;
pub mod tokenize;

use pipeline::config::{AnnotateConfig, AnnotateStep};
use pipeline::{DocStep, StepError};

/// The steps of `[annotate] steps`, in order, configured from their tables.
pub fn build_steps(cfg: &AnnotateConfig) -> Result<Vec<Box<dyn DocStep>>, StepError> {
    let mut steps: Vec<Box<dyn DocStep>> = Vec::new();
    for step in &cfg.steps {
        match step {
            AnnotateStep::Sentences => steps.push(Box::new(sentences::SentenceSplitter::new())),
            AnnotateStep::Entities => steps.push(Box::new(entities::EntityTagger::new(&cfg.entities)?)),
            AnnotateStep::Quotes => steps.push(Box::new(quotes::QuoteAttributor::new())),
            AnnotateStep::Dates => steps.push(Box::new(dates::DateTagger::new())),
            AnnotateStep::Quantities => steps.push(Box::new(quantities::QuantityTagger::new())),
        }
    }
    Ok(steps)
}
