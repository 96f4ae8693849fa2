//! Why an input could not become a document. Each variant names the file (and line, for JSONL)
//! and the problem; `kind()` is the stable `error_kind` written to rejects.jsonl.

use std::path::PathBuf;

use pipeline::RejectRow;

/// An input file, or one record of it, that ingest could not turn into a document.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: no such file or folder")]
    NotFound { path: String },
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {bytes} bytes is more than max_file_bytes ({limit}); not read")]
    TooLarge { path: String, bytes: u64, limit: u64 },
    /// `record` is true when the line is one JSONL record (the reject then names `path:LINE`).
    #[error("{path}: line {line} is {bytes} bytes, more than max_line_bytes ({limit})")]
    LineTooLong { path: String, line: u64, bytes: u64, limit: u64, record: bool },
    #[error("{path}: not text: {what}")]
    Binary { path: String, what: String },
    #[error("{path}: empty or only whitespace")]
    Empty { path: String },
    #[error("{path}: cannot decompress gzip: {message}")]
    Gzip { path: String, message: String },
    /// `detail` is empty or says why, starting with "; ".
    #[error("{path}: no article text found in the HTML page{detail}")]
    NoArticle { path: String, detail: String },
    #[error("{path}:{line}: not a JSON record: {message}")]
    BadJson { path: String, line: u64, message: String },
    #[error("{path}:{line}: record has no `{field}` field")]
    MissingField { path: String, line: u64, field: String },
    #[error("{path}:{line}: field `{field}` should be {expected}, found {found}")]
    WrongType { path: String, line: u64, field: String, expected: &'static str, found: &'static str },
    #[error("{path}:{line}: id {id:?} was already used on line {first_line}")]
    DuplicateId { path: String, line: u64, id: String, first_line: u64 },
    #[error("{path}: folder links back to {target} (symlink loop); not walked again")]
    SymlinkLoop { path: String, target: PathBuf },
    #[error("{path}: bad benchmark layout: {message}")]
    Benchmark { path: String, message: String },
}

impl IngestError {
    /// Stable machine-readable reason, the `error_kind` of rejects.jsonl.
    pub fn kind(&self) -> &'static str {
        match self {
            IngestError::NotFound { .. } => "not_found",
            IngestError::Io { .. } => "unreadable",
            IngestError::TooLarge { .. } => "too_large",
            IngestError::LineTooLong { .. } => "line_too_long",
            IngestError::Binary { .. } => "binary",
            IngestError::Empty { .. } => "empty",
            IngestError::Gzip { .. } => "bad_gzip",
            IngestError::NoArticle { .. } => "no_article",
            IngestError::BadJson { .. } => "bad_json",
            IngestError::MissingField { .. } => "missing_field",
            IngestError::WrongType { .. } => "wrong_type",
            IngestError::DuplicateId { .. } => "duplicate_id",
            IngestError::SymlinkLoop { .. } => "symlink_loop",
            IngestError::Benchmark { .. } => "bad_benchmark",
        }
    }

    /// The reject path: the file, or `file:LINE` for one record of a JSONL file.
    pub fn reject_path(&self) -> String {
        use IngestError::*;
        match self {
            BadJson { path, line, .. }
            | MissingField { path, line, .. }
            | WrongType { path, line, .. }
            | DuplicateId { path, line, .. } => format!("{path}:{line}"),
            LineTooLong { path, line, record: true, .. } => format!("{path}:{line}"),
            NotFound { path }
            | Io { path, .. }
            | TooLarge { path, .. }
            | LineTooLong { path, .. }
            | Binary { path, .. }
            | Empty { path }
            | Gzip { path, .. }
            | NoArticle { path, .. }
            | SymlinkLoop { path, .. }
            | Benchmark { path, .. } => path.clone(),
        }
    }

    /// The rejects.jsonl row for this error.
    pub fn to_reject(&self) -> RejectRow {
        RejectRow { path: self.reject_path(), error_kind: self.kind().to_string(), message: self.to_string() }
    }
}

impl From<IngestError> for RejectRow {
    fn from(e: IngestError) -> RejectRow {
        e.to_reject()
    }
}
