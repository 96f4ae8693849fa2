//! Helpers shared by the end-to-end tests: run the real binary, read its datasets.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

pub fn runner() -> Command {
    Command::new(env!("CARGO_BIN_EXE_runner"))
}

/// Runs the runner in `dir` with the given args; returns (exit code, stdout, stderr).
pub fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = runner().current_dir(dir).args(args).output().expect("runner starts");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A fresh folder holding a copy of the shipped corpus and the given pipeline.toml.
pub fn corpus_workdir(pipeline_toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for e in std::fs::read_dir(workspace_root().join("corpus")).unwrap().flatten() {
        std::fs::copy(e.path(), corpus.join(e.file_name())).unwrap();
    }
    std::fs::write(dir.path().join("pipeline.toml"), pipeline_toml).unwrap();
    dir
}

pub fn read_jsonl(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}: {l}", path.display()))).collect()
}

/// Python-style code-point slice.
pub fn slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end.saturating_sub(start)).collect()
}

/// Checks every span row of every dataset in `out` against its document's text (code points, as
/// Python slices); returns how many spans were checked.
pub fn assert_spans_exact(out: &Path) -> usize {
    let docs: BTreeMap<String, Value> =
        read_jsonl(&out.join("documents.jsonl")).into_iter().map(|d| (d["doc_id"].as_str().unwrap().to_string(), d)).collect();
    let mut checked = 0;
    for entry in std::fs::read_dir(out).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".jsonl") || name == "documents.jsonl" {
            continue;
        }
        for row in read_jsonl(&entry.path()) {
            let Some(doc_id) = row.get("doc_id").and_then(Value::as_str) else { continue };
            let doc = &docs[doc_id];
            for (s, e, field, text_key) in
                [("start", "end", "text", "text"), ("raw_start", "raw_end", "raw_text", "text"), ("raw_start", "raw_end", "raw_text", "before")]
            {
                let (Some(s), Some(e), Some(want)) =
                    (row.get(s).and_then(Value::as_u64), row.get(e).and_then(Value::as_u64), row.get(text_key).and_then(Value::as_str))
                else {
                    continue;
                };
                assert_eq!(slice(doc[field].as_str().unwrap(), s as usize, e as usize), want, "{name}: {row}");
                checked += 1;
            }
            if let (Some(s), Some(e)) = (row.get("speaker_start").and_then(Value::as_u64), row.get("speaker_end").and_then(Value::as_u64)) {
                assert!(s < e && e as usize <= doc["text"].as_str().unwrap().chars().count(), "{name}: {row}");
            }
        }
    }
    checked
}

/// Rows of a dataset grouped by the source path of their document (doc_id -> path through
/// documents.jsonl), so runs can be compared document by document.
pub fn by_path(out: &Path, dataset: &str) -> BTreeMap<String, Vec<Value>> {
    let docs: BTreeMap<String, String> = read_jsonl(&out.join("documents.jsonl"))
        .into_iter()
        .map(|d| (d["doc_id"].as_str().unwrap().to_string(), d["source"]["path"].as_str().unwrap().to_string()))
        .collect();
    let mut m: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let path = out.join(format!("{dataset}.jsonl"));
    if !path.exists() {
        return m;
    }
    for row in read_jsonl(&path) {
        if let Some(id) = row.get("doc_id").and_then(Value::as_str) {
            m.entry(docs[id].clone()).or_default().push(row);
        }
    }
    m
}
