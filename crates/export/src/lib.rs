//! Export: write the datasets, their JSON Schemas and the run manifest, atomically.
//!
//! Everything of a run goes into a staging folder beside the output folder; only when the run has
//! succeeded is the staging folder swapped into place in one atomic step ([`Staging::commit`]). A
//! killed or failed run therefore leaves the previous complete output untouched.

mod json;
mod report;
pub mod rows;
mod schemas;
mod staging;
mod writer;

pub use report::{REPORT_COUNTS_ONLY, REPORT_FILE, write_report, write_report_with_counts};
pub use schemas::{DATASETS, write_schemas};
pub use staging::Staging;
pub use writer::{DatasetSummary, JsonlWriter, RowBuffer, read_scratch};

/// Errors of the export stage; each names the file it concerns.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot serialise row: {source}")]
    Json {
        path: std::path::PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

impl ExportError {
    pub fn io(path: impl Into<std::path::PathBuf>) -> impl FnOnce(std::io::Error) -> ExportError {
        let path = path.into();
        move |source| ExportError::Io { path, source }
    }
}
