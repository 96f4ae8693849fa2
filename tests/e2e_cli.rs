//! End to end: the command line's contract (exit codes, config errors that point at the line).

mod common;

use common::*;

#[test]
fn config_errors_exit_2_and_name_file_line_and_choices() {
    let dir = corpus_workdir("[normalise]\nsteps = [\"unicode\", \"spellcheck\"]\n");
    let (code, _out, err) = run_in(dir.path(), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("pipeline.toml") && err.contains("line 2") && err.contains("spellcheck"), "{err}");
    assert!(err.contains("mt_artifacts"), "valid choices missing: {err}");
    assert!(!dir.path().join("out").exists(), "no work may start on a bad config");

    std::fs::write(dir.path().join("pipeline.toml"), "[export]\ndir = \"out\"\ncompresion = \"gzip\"\n").unwrap();
    let (code, _out, err) = run_in(dir.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("compresion") && err.contains("line 3"), "{err}");

    // An output folder that cannot be created (its parent is a file) is a config error too.
    std::fs::write(dir.path().join("a-file"), "").unwrap();
    std::fs::write(dir.path().join("pipeline.toml"), "[export]\ndir = \"a-file/out\"\n").unwrap();
    let (code, _out, err) = run_in(dir.path(), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("[export] dir") && err.contains("a-file"), "{err}");

    std::fs::write(dir.path().join("pipeline.toml"), "[ingest]\npaths = [\"no-such-folder\"]\n").unwrap();
    let (code, _out, err) = run_in(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-folder"), "{err}");
}

#[test]
fn check_and_stages_explain_the_pipeline() {
    let dir = corpus_workdir("[annotate]\nsteps = [\"sentences\"]\n");
    let (code, out, err) = run_in(dir.path(), &["check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("will run") && out.contains("sentences") && out.contains("dedupe_documents"), "{out}");
    let (code, out, _) = run_in(dir.path(), &["stages"]);
    assert_eq!(code, 0);
    for needle in ["[normalise.dedupe_documents]", "threshold = 0.8", "mt_artifacts", "quantities", "compression"] {
        assert!(out.contains(needle), "{needle} missing from stages:\n{out}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let dir = corpus_workdir("");
    let (code, _, _) = run_in(dir.path(), &["--no-such-flag"]);
    assert_eq!(code, 2);
    let (code, _, _) = run_in(dir.path(), &["--threads", "0"]);
    assert_eq!(code, 2);
}
