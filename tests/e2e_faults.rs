//! Fault handling, end to end with the real binary:
//! - a panic inside one document's processing costs only that document (a reject row with
//!   error_kind "panic"); the failure is injected with PRESSWORK_FAULT_INJECT (see
//!   `injected_fault` in crates/runner/src/run.rs), which production runs never set;
//! - a run killed with SIGKILL at any moment leaves the previous complete output in place, and the
//!   next successful run clears the killed run's staging folder;
//! - the same input gives byte-identical datasets, and changing one input changes only its rows.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use common::*;
use serde_json::Value;

const CONFIG: &str = "[annotate]\nsteps = [\"sentences\", \"quotes\", \"dates\", \"quantities\"]\n[ingest]\npaths = [\"corpus\"]\n";

fn run_ok(dir: &Path, env: &[(&str, &str)]) {
    let out = runner().current_dir(dir).arg("--quiet").envs(env.iter().copied()).output().expect("runner starts");
    assert!(out.status.success(), "run failed:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

const PER_DOC_DATASETS: [&str; 7] = ["documents", "blocks", "edits", "sentences", "quotes", "dates", "quantities"];

/// The corpus files in name order (tests pick files by position, never by name).
fn corpus_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir.join("corpus"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    v.sort();
    v
}

#[test]
fn an_injected_panic_costs_only_its_document() {
    let clean = corpus_workdir(CONFIG);
    run_ok(clean.path(), &[]);
    let files = corpus_files(clean.path());
    assert!(files.len() >= 3);
    let victim = format!("corpus/{}", files[1]);

    // A panic in the first step, and one in an annotate step after normalise has changed the
    // document: either way the document is a reject and the others come out untouched.
    for (inject, step) in [(victim.clone(), "unicode"), (format!("{victim}@quotes"), "quotes")] {
        let dir = corpus_workdir(CONFIG);
        run_ok(dir.path(), &[("PRESSWORK_FAULT_INJECT", &inject)]);
        let out = dir.path().join("out");
        let rejects = read_jsonl(&out.join("rejects.jsonl"));
        assert_eq!(rejects.len(), 1, "{rejects:?}");
        assert_eq!(rejects[0]["path"], victim.as_str());
        assert_eq!(rejects[0]["error_kind"], "panic");
        let msg = rejects[0]["message"].as_str().unwrap();
        assert!(msg.contains(&format!("step {step} panicked")) && msg.contains("fault injected"), "{msg}");
        let manifest: Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["counts"]["rejected"], 1);
        assert_eq!(manifest["counts"]["documents"], files.len() - 1);
        for dataset in PER_DOC_DATASETS {
            let (want, got) = (by_path(&clean.path().join("out"), dataset), by_path(&out, dataset));
            assert!(!got.contains_key(&victim), "{dataset} has rows of the failed document");
            for (path, rows) in &want {
                if path != &victim {
                    assert_eq!(Some(rows), got.get(path), "{dataset} rows of {path} changed");
                }
            }
        }
        assert!(assert_spans_exact(&out) > 0);
    }

    // One bad record of a JSONL file: only that record is lost.
    let dir = corpus_workdir(CONFIG);
    let records: String = (1..=4)
        .map(|i| format!("{{\"id\": \"r{i}\", \"text\": \"Record {i}: the minister said on Tuesday that “talks will go on,” officials said.\"}}\n"))
        .collect();
    std::fs::write(dir.path().join("corpus/records.jsonl"), records).unwrap();
    run_ok(dir.path(), &[("PRESSWORK_FAULT_INJECT", "records.jsonl:3")]);
    let out = dir.path().join("out");
    let rejects = read_jsonl(&out.join("rejects.jsonl"));
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!(rejects[0]["path"], "corpus/records.jsonl:3");
    assert_eq!(rejects[0]["error_kind"], "panic");
    let lines: Vec<u64> = read_jsonl(&out.join("documents.jsonl"))
        .iter()
        .filter(|d| d["source"]["path"] == "corpus/records.jsonl")
        .map(|d| d["source"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 2, 4]);

    // Without the variable the same folder runs clean: the hook is inert.
    run_ok(dir.path(), &[]);
    assert!(read_jsonl(&out.join("rejects.jsonl")).is_empty());
}

// ---------------------------------------------------------------------------------------------
// A corpus big enough that a run takes seconds, made by recombining the shipped articles.

/// A small deterministic generator (xorshift64*): the corpus must be the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Writes `n` articles to `corpus`, each a title plus 4 to 12 paragraphs drawn from the
/// shipped articles, with the sentences of each paragraph rotated so that lines do not recur
/// verbatim across files (recurring lines would be taken for boilerplate and removed).
fn big_corpus(corpus: &Path, n: usize) {
    let mut paragraphs = Vec::new();
    for e in std::fs::read_dir(workspace_root().join("corpus")).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "txt") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            paragraphs.extend(text.split("\n\n").map(str::trim).filter(|p| p.len() > 80).map(str::to_string));
        }
    }
    paragraphs.sort();
    assert!(paragraphs.len() > 20);
    std::fs::create_dir_all(corpus).unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..n {
        let mut text = format!("Generated article {i} on the talks\n\n");
        for _ in 0..4 + rng.below(9) {
            let p = &paragraphs[rng.below(paragraphs.len())];
            let sentences: Vec<&str> = p.split_inclusive(". ").collect();
            let k = rng.below(sentences.len());
            let rotated: String = sentences[k..].iter().chain(&sentences[..k]).map(|s| s.trim()).collect::<Vec<_>>().join(" ");
            text.push_str(&rotated);
            text.push_str("\n\n");
        }
        std::fs::write(corpus.join(format!("{i:05}.txt")), text).unwrap();
    }
}

/// Every file of an output folder with its bytes.
fn snapshot(out: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, m: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), &format!("{name}/"), m);
            } else {
                m.insert(name, std::fs::read(e.path()).unwrap());
            }
        }
    }
    let mut m = BTreeMap::new();
    walk(out, "", &mut m);
    m
}

/// The manifest without its timings: wall-clock seconds differ between runs, nothing else may.
fn without_timings(manifest: &[u8]) -> Value {
    let mut v: Value = serde_json::from_slice(manifest).unwrap();
    v.as_object_mut().unwrap().remove("timings");
    v
}

/// Checks that every dataset file's hash and row count are the ones the manifest records.
fn assert_manifest_matches_files(out: &Path) {
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let datasets = manifest["datasets"].as_object().unwrap();
    assert!(datasets.len() >= 5);
    for (name, d) in datasets {
        let bytes = std::fs::read(out.join(d["file"].as_str().unwrap())).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(pipeline::ids::sha256_hex(&bytes), d["sha256"].as_str().unwrap(), "{name}");
        assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count() as u64, d["rows"].as_u64().unwrap(), "{name}");
    }
}

fn staging_litter(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.ends_with(".spool") || n.ends_with(".old"))
        .collect()
}

/// Files in the kill test's corpus: enough for a release run of a few seconds on two cores.
const FILES: usize = 600;

#[test]
fn a_killed_run_leaves_the_previous_output_whole() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pipeline.toml"), CONFIG).unwrap();
    big_corpus(&dir.path().join("corpus"), FILES);
    let out = dir.path().join("out");

    let t = Instant::now();
    run_ok(dir.path(), &[]);
    let full = t.elapsed();
    eprintln!("a complete run over {FILES} files took {full:?}");
    let first = snapshot(&out);
    assert_manifest_matches_files(&out);
    let manifest: Value = serde_json::from_slice(&first["manifest.json"]).unwrap();
    assert_eq!(manifest["counts"]["documents"], FILES);

    // Kill a second run at moments spread over the first run's length: in the survey pass, in the
    // main pass, and near the end where the spooled datasets are copied and the folder swapped.
    let mut killed = 0;
    let mut left_behind = false;
    for fraction in [0.15, 0.5, 0.8] {
        let mut child = runner().current_dir(dir.path()).arg("--quiet").spawn().unwrap();
        std::thread::sleep(full.mul_f64(fraction));
        let finished_first = child.try_wait().unwrap().is_some();
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        let now = snapshot(&out);
        // Either the old output exactly, or (the kill came after the swap) the new one, which
        // differs from the old only in its timings: never a mix, never a partial folder.
        assert_eq!(now.keys().collect::<Vec<_>>(), first.keys().collect::<Vec<_>>(), "files in out/ after a kill at {fraction}");
        for (name, bytes) in &now {
            if name == "manifest.json" {
                assert_eq!(without_timings(bytes), without_timings(&first[name]), "manifest after a kill at {fraction}");
            } else {
                assert!(bytes == &first[name], "{name} differs after a kill at {fraction} ({:?})", full.mul_f64(fraction));
            }
        }
        if !finished_first && !status.success() {
            killed += 1;
            let litter = staging_litter(dir.path());
            eprintln!("killed at {fraction} of a run; out/ is the first run's output: {}; left behind: {litter:?}", now == first);
            left_behind |= !litter.is_empty();
        }
        assert_manifest_matches_files(&out);
    }
    assert!(killed >= 2, "only {killed} of 3 runs were killed before they finished; the corpus is too small");
    // (A later run clears a killed run's staging folder when it starts, so look right after each.)
    assert!(left_behind, "no killed run left a staging folder behind: the kills all came too early to test the swap");

    // The next successful run clears the litter and gives the same datasets.
    run_ok(dir.path(), &[]);
    assert_eq!(staging_litter(dir.path()), Vec::<String>::new());
    let last = snapshot(&out);
    assert_eq!(last.keys().collect::<Vec<_>>(), first.keys().collect::<Vec<_>>());
    for (name, bytes) in &last {
        if name == "manifest.json" {
            assert_eq!(without_timings(bytes), without_timings(&first[name]));
        } else {
            assert!(bytes == &first[name], "{name} differs between two complete runs");
        }
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3, "only corpus/, out/ and pipeline.toml remain");
}

#[test]
fn same_input_same_bytes_and_one_change_touches_only_its_rows() {
    let dir = corpus_workdir(CONFIG);
    big_corpus(&dir.path().join("corpus/generated"), 40);
    let out = dir.path().join("out");
    run_ok(dir.path(), &[]);
    let first = snapshot(&out);
    let before: BTreeMap<&str, _> = PER_DOC_DATASETS.iter().map(|d| (*d, by_path(&out, d))).collect();

    // Twice, and at another thread count: byte-identical datasets.
    for threads in ["1", "2"] {
        let o = runner().current_dir(dir.path()).args(["--quiet", "--threads", threads]).output().unwrap();
        assert!(o.status.success());
        let again = snapshot(&out);
        assert_eq!(again.keys().collect::<Vec<_>>(), first.keys().collect::<Vec<_>>());
        for (name, bytes) in &again {
            if name == "manifest.json" {
                // Timings (wall seconds, thread count) differ; nothing else may.
                assert_eq!(without_timings(bytes), without_timings(&first[name]));
            } else {
                assert!(bytes == &first[name], "{name} differs between runs (threads {threads})");
            }
        }
    }

    // Change one word in the longest line (body text) of one shipped article.
    let files = corpus_files(dir.path());
    let changed = files[2].clone();
    let path = dir.path().join("corpus").join(&changed);
    let text = std::fs::read_to_string(&path).unwrap();
    let longest = text.lines().max_by_key(|l| l.len()).unwrap();
    assert!(longest.contains(" the "), "{longest}");
    let edited = text.replacen(longest, &longest.replacen(" the ", " this ", 1), 1);
    assert_ne!(edited, text);
    std::fs::write(&path, edited).unwrap();
    run_ok(dir.path(), &[]);

    let changed = format!("corpus/{changed}");
    for dataset in PER_DOC_DATASETS {
        let after = by_path(&out, dataset);
        assert_eq!(after.keys().collect::<Vec<_>>(), before[dataset].keys().collect::<Vec<_>>(), "{dataset}");
        for (p, rows) in &after {
            if p != &changed {
                assert_eq!(Some(rows), before[dataset].get(p), "{dataset} rows of {p} changed though only {changed} did");
            }
        }
    }
    assert_ne!(by_path(&out, "documents")[&changed], before["documents"][&changed]);
    assert_ne!(by_path(&out, "sentences")[&changed], before["sentences"][&changed]);
}
