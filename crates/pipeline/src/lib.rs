//! The contract every presswork stage shares.
//!
//! A [`Document`] is what flows between stages: its raw text, what ingest read about it
//! ([`Metadata`]), the clean text normalise made of it, and the rows every step adds. Rows are the
//! dataset records of `DESIGN.md` ([`records`]), so what a step writes is exactly what a user reads.
//! Stages never import each other; they talk only through these types, the [`stage`] traits and the
//! typed [`config`].
//!
//! Offsets in rows are Unicode code points into `text` (or `raw_text` for `raw_*`), end exclusive;
//! [`text::CharMap`] converts from the byte offsets Rust code works with.

pub mod config;
pub mod document;
pub mod error;
pub mod ids;
pub mod records;
pub mod stage;
pub mod text;
pub mod bounded_regex;
pub mod word_regex;

pub use config::Config;
pub use document::{Document, LineRole, Metadata};
pub use error::{ConfigError, StepError};
pub use records::*;
pub use stage::{CorpusKnowledge, DocStep};
pub mod eval;
