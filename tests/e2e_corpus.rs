//! End to end over the shipped corpus: the default pipeline.toml, run by the real binary, must
//! produce correct metadata, exact offsets, schema-valid rows, and identical bytes at any thread
//! count.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use serde_json::Value;

fn shipped_pipeline() -> String {
    std::fs::read_to_string(workspace_root().join("pipeline.toml")).unwrap()
}

/// Runs the shipped pipeline over a copy of corpus/ and returns the workdir.
fn run_shipped(threads: &str) -> tempfile::TempDir {
    let dir = corpus_workdir(&shipped_pipeline());
    let (code, stdout, stderr) = run_in(dir.path(), &["--threads", threads, "--quiet"]);
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    dir
}

fn documents_by_file(out: &Path) -> BTreeMap<String, Value> {
    read_jsonl(&out.join("documents.jsonl"))
        .into_iter()
        .map(|d| {
            let path = d["source"]["path"].as_str().unwrap().to_string();
            let file = path.rsplit('/').next().unwrap()[..3].to_string();
            (file, d)
        })
        .collect()
}

#[test]
fn metadata_of_the_five_articles() {
    let dir = run_shipped("2");
    let docs = documents_by_file(&dir.path().join("out"));
    assert_eq!(docs.len(), 5, "{:?}", docs.keys());

    let d = &docs["000"];
    assert_eq!(d["outlet"], "The Washington Post");
    assert_eq!(d["title"], "Kremlin sees expanded talks with U.S. on Ukraine crisis after Putin call with Biden");
    assert_eq!(d["dateline"], "MOSCOW");
    assert_eq!(d["published"], "2021-12-08");

    let d = &docs["001"];
    assert_eq!(d["outlet"], "The New York Times");
    assert_eq!(d["site"], "nytimes.com");
    assert_eq!(d["dateline"], "WASHINGTON");
    assert_eq!(d["published"], "2021-12-30");
    assert!(d["title"].as_str().unwrap().starts_with("President Vladimir V. Putin of Russia spoke with President Biden"));

    let d = &docs["002"];
    assert_eq!(d["outlet"], "Associated Press");
    assert_eq!(d["dateline"], "WILMINGTON, Del.");
    assert_eq!(d["published"], "2021-12-30");
    assert!(d["title"].as_str().unwrap().starts_with("Biden and Putin speak for nearly an hour as alarm goes off in Ukraine"));
    let contributors: Vec<&str> = d["contributors"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    for name in ["Vladimir Isachenkov", "Dasha Litvinova", "Robert Burns", "Yuras Karmanau"] {
        assert!(contributors.contains(&name), "{name} missing from {contributors:?}");
    }

    let d = &docs["003"];
    assert_eq!(d["outlet"], "The Washington Post");
    assert_eq!(d["title"], "Putin expected to demand guarantee in Biden call that NATO won’t expand east");
    assert_eq!(d["dateline"], "MOSCOW");
    assert_eq!(d["published"], "2021-12-06");
    assert_eq!(d["contributors"], serde_json::json!(["Mary Ilyushina", "Natalia Abbakumova"]));

    let d = &docs["004"];
    // Nothing names the outlet; its house style does (byline with place and date, "/ wiki" credit).
    assert_eq!(d["outlet"], "bne IntelliNews");
    assert_eq!(d["dateline"], "Berlin");
    assert_eq!(d["title"], "Talks have begun with the US over Ukraine crisis, but the Kremlin is playing a long game");
    assert_eq!(d["authors"], serde_json::json!(["Ben Aris"]));
    assert_eq!(d["published"], "2021-12-08");
    assert_eq!(d["published_basis"], "explicit");

    for d in docs.values() {
        assert_eq!(d["language"], "en");
        assert!(d["n_words"].as_u64().unwrap() > 500, "{}", d["source"]["path"]);
    }
}

/// Every span row selects exactly its text, counted in code points as Python does.
#[test]
fn every_span_row_slices_its_text() {
    let dir = run_shipped("2");
    assert!(assert_spans_exact(&dir.path().join("out")) > 1000);
}

#[test]
fn datasets_validate_against_their_schemas() {
    let dir = run_shipped("2");
    let out = dir.path().join("out");
    let mut validated = 0;
    for entry in std::fs::read_dir(out.join("schemas")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().replace(".schema.json", "");
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(entry.path()).unwrap()).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{name}: bad schema: {e}"));
        for row in read_jsonl(&out.join(format!("{name}.jsonl"))) {
            let errors: Vec<String> = validator.iter_errors(&row).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{name}: {errors:?}\n{row}");
            validated += 1;
        }
    }
    assert!(validated > 5);
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["counts"]["documents"], 5);
    assert_eq!(manifest["datasets"]["documents"]["rows"], 5);
}

#[test]
fn output_is_identical_at_any_thread_count() {
    let one = run_shipped("1");
    let two = run_shipped("2");
    let files = |d: &Path| -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(d.join("out"))
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".jsonl"))
            .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
            .collect()
    };
    let (a, b) = (files(one.path()), files(two.path()));
    assert!(a.len() >= 2);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs between 1 and 2 threads");
    }
}
