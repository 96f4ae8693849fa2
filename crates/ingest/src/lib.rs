//! Ingest: turn input paths into documents. Walks files and folders in a deterministic order,
//! decodes bytes safely (BOMs, UTF-16, Windows-1252), reads plain text, HTML pages and JSONL
//! records, and reads what each article says about itself (outlet, title, authors, dateline, date).
//! Anything that cannot be read becomes a reject row with a reason, never a panic.

pub mod metadata;

// TEMPORARY local stub for compiling the runner; replaced by the ingest branch.
use std::path::PathBuf;
pub struct InputFile { pub path: PathBuf }
impl InputFile { pub fn display_path(&self) -> String { self.path.display().to_string() } }
pub fn discover(paths: &[PathBuf]) -> (Vec<InputFile>, Vec<pipeline::RejectRow>) {
    let mut v: Vec<InputFile> = paths.iter().flat_map(|p| std::fs::read_dir(p).unwrap().flatten().map(|e| InputFile { path: e.path() })).filter(|f| f.path.extension().is_some_and(|e| e == "txt")).collect();
    v.sort_by(|a, b| a.path.cmp(&b.path));
    (v, vec![])
}
pub fn read_input(f: &InputFile, _c: &pipeline::config::IngestConfig) -> Vec<Result<pipeline::Document, pipeline::RejectRow>> {
    let raw = std::fs::read_to_string(&f.path).unwrap();
    let p = f.display_path();
    vec![Ok(pipeline::Document::new(pipeline::ids::doc_id(&p, None), pipeline::SourceInfo { path: p, format: pipeline::SourceFormat::Text, sha256: pipeline::ids::sha256_hex(raw.as_bytes()), bytes: raw.len() as u64, line: None, encoding: "UTF-8".into() }, raw, metadata::from_text("")))]
}
