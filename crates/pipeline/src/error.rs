//! Errors shared by all stages.

use std::path::PathBuf;

/// A pipeline.toml that cannot be used. Every variant names the file; parse and validation errors
/// also name the line and the key, and say what would be valid.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// TOML syntax, unknown key, unknown stage/step name or wrong type (the message carries the
    /// line, column and the valid choices as the TOML parser reports them).
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    /// A value that parses but makes no sense.
    #[error("{path}:{line}: `{key}`: {message}")]
    Invalid { path: PathBuf, line: usize, key: String, message: String },
}

/// A per-document step failed on one document. The runner turns it into a reject row and goes on.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    #[error("{step}: {message}")]
    Failed { step: &'static str, message: String },
    #[error("{step}: cannot load {what}: {message}")]
    Resource { step: &'static str, what: String, message: String },
}
