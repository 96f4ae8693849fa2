//! Ingest: turn input paths into documents. Walks files and folders in a deterministic order,
//! decodes bytes safely (BOMs, UTF-16, Windows-1252), reads plain text, HTML pages and JSONL
//! records, and reads what each article says about itself (outlet, title, authors, dateline, date).
//! Anything that cannot be read becomes a reject row with a reason, never a panic.
//!
//! The runner calls [`discover_each`] once, then [`read_input`] for each file; `runner eval extract`
//! calls [`eval_extract`].

pub mod decode;
pub mod discover;
pub mod error;
pub mod eval;
pub mod fields;
pub mod html;
pub mod metadata;
pub mod read;

pub use discover::{discover, discover_each, InputFile};
pub use error::IngestError;
pub use eval::eval_extract;
pub use read::{read_input, survey_input};
