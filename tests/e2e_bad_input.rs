//! End to end over a corpus of bad and hostile inputs beside the shipped articles: the run
//! finishes, every bad input is accounted for (a reject row, or a document with a warning), and
//! the shipped articles come out exactly as they do without the bad inputs beside them.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use serde_json::Value;

const CONFIG: &str = "[ingest]\npaths = [\"corpus\"]\nmax_file_bytes = 3000000\nmax_line_bytes = 1000000\n";

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn hostile_inputs(dir: &Path) {
    write(dir, "empty.txt", b"");
    write(dir, "blank.txt", b"   \n\n\t  \n");
    write(dir, "image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0");
    write(dir, "paper.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n\0\0\x01\x02");
    write(dir, "nul.txt", b"MOSCOW \xe2\x80\x94 The Kremlin said\0 on Monday that talks would go on.\n");
    let mut bad_utf8 = b"WASHINGTON \xe2\x80\x94 Officials said on Tuesday that the talks would resume. ".to_vec();
    bad_utf8.extend_from_slice(b"\xff\xfe\xfd broken bytes, then more text about the talks in Geneva.\n");
    write(dir, "bad-utf8.txt", &bad_utf8);
    let utf16: Vec<u8> = [0xFFu8, 0xFE].into_iter().chain("KYIV — Ukraine’s president said on Friday that “peace is possible.”\n".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
    write(dir, "utf16.txt", &utf16);
    write(dir, "cp1252.txt", b"BERLIN \x96 The chancellor said \x93we will not waver\x94 in support of Ukraine\x92s sovereignty.\n");
    write(dir, "huge.txt", &vec![b'a'; 3_100_000]);
    let mut long_line = b"A ".repeat(700_000);
    long_line.push(b'\n');
    write(dir, "long-line.txt", &long_line);
    write(dir, "malformed.html", b"<html><head><title>Broken</title><body><p>An unclosed <b>paragraph about the summit<div><p>Another one, with \"quotes</p>");
    write(dir, "nobody.html", b"<html><head><title>No body here</title></head></html>");
    write(dir, "scripts.html", b"<html><body><script>var x = '<p>not text</p>';</script><script>alert(1)</script></body></html>");
    write(
        dir,
        "records.jsonl",
        "{\"id\": \"a\", \"text\": \"The first record says the talks went well on Tuesday.\"}\n\
         {\"id\": \"b\", \"text\": \"The second record\n\
         {\"id\": \"c\", \"title\": \"no text field\"}\n\
         {\"id\": \"d\", \"text\": 42}\n\
         {\"id\": \"a\", \"text\": \"A duplicate id.\"}\n\
         {\"id\": \"e\", \"text\": \"The last good record quotes him: “It went well,” he said.\"}\n"
            .as_bytes(),
    );
    write(dir, "no-punctuation.txt", "word ".repeat(5000).as_bytes());
    write(dir, "quotes.txt", "“".repeat(10_000).as_bytes());
    write(dir, "unbalanced.txt", "He said “this never ends. And ‘this neither. “Nor this,” ” she said ” “\n\n“Open".as_bytes());
    write(dir, "same-line.txt", "The same line again and again.\n".repeat(500).as_bytes());
    write(dir, "scripts.txt", "القاهرة — قال الرئيس يوم الثلاثاء إن المحادثات ستستمر. שלום עולם. Mixed English “quote” here. 😀👍🏽 e\u{301}e\u{301} 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.\n\nZalgo: Z\u{336}\u{31b}a\u{337}l\u{335}g\u{334}o\u{338}.\n".as_bytes());
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("..", dir.join("loop")).unwrap();
        // A path that is listed but gone when it is read (a dangling link stands in for a file
        // deleted mid-run).
        std::os::unix::fs::symlink("deleted-meanwhile.txt", dir.join("vanished.txt")).unwrap();
    }
}

#[test]
fn hostile_inputs_are_accounted_for_and_do_not_disturb_the_corpus() {
    let clean = corpus_workdir(CONFIG);
    let (code, out, err) = run_in(clean.path(), &["--quiet"]);
    assert_eq!(code, 0, "{out}{err}");

    let dirty = corpus_workdir(CONFIG);
    hostile_inputs(&dirty.path().join("corpus"));
    let (code, out, err) = run_in(dirty.path(), &["--quiet"]);
    assert_eq!(code, 0, "a bad input must not fail the run:\n{out}{err}");

    let o = dirty.path().join("out");
    let rejects: BTreeMap<String, Value> = read_jsonl(&o.join("rejects.jsonl"))
        .into_iter()
        .map(|r| (r["path"].as_str().unwrap().to_string(), r))
        .collect();
    let docs = read_jsonl(&o.join("documents.jsonl"));
    let doc_paths: Vec<String> = docs.iter().map(|d| d["source"]["path"].as_str().unwrap().to_string()).collect();
    let kind = |name: &str| rejects.get(&format!("corpus/{name}")).map(|r| r["error_kind"].as_str().unwrap().to_string());

    for (name, want) in [
        ("empty.txt", "empty"),
        ("blank.txt", "empty"),
        ("image.png", "binary"),
        ("paper.pdf", "binary"),
        ("huge.txt", "too_large"),
        ("long-line.txt", "line_too_long"),
    ] {
        assert_eq!(kind(name).as_deref(), Some(want), "{name}: rejects = {:?}", rejects.keys());
    }
    assert!(kind("vanished.txt").is_some(), "a vanished path is a reject: {:?}", rejects.keys());
    // Every reject names its file and says what is wrong.
    for r in rejects.values() {
        assert!(!r["message"].as_str().unwrap().is_empty(), "{r}");
    }
    // Readable despite problems: processed, with a warning in the manifest.
    for name in ["bad-utf8.txt", "utf16.txt", "cp1252.txt"] {
        assert!(doc_paths.contains(&format!("corpus/{name}")), "{name} should be processed: {doc_paths:?}");
    }
    let utf16 = docs.iter().find(|d| d["source"]["path"] == "corpus/utf16.txt").unwrap();
    assert!(utf16["raw_text"].as_str().unwrap().contains("“peace is possible.”"));
    let cp1252 = docs.iter().find(|d| d["source"]["path"] == "corpus/cp1252.txt").unwrap();
    assert!(cp1252["raw_text"].as_str().unwrap().contains("“we will not waver” in support of Ukraine’s"), "{cp1252}");
    // JSONL: the good lines are documents, each bad line a reject of its own.
    let jsonl_docs = doc_paths.iter().filter(|p| p.as_str() == "corpus/records.jsonl").count();
    let jsonl_rejects = rejects.keys().filter(|p| p.starts_with("corpus/records.jsonl:")).count();
    assert_eq!(jsonl_docs, 2, "records a and e are good");
    assert_eq!(jsonl_rejects, 4, "b (broken), c (no text), d (wrong type), a again (duplicate id): {:?}", rejects.keys());
    // Every input is accounted for: a document, a reject, or (the symlink loop) a reject.
    for e in std::fs::read_dir(dirty.path().join("corpus")).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        let p = format!("corpus/{name}");
        let seen = doc_paths.contains(&p) || rejects.keys().any(|r| r == &p || r.starts_with(&format!("{p}:")) || r.starts_with(&format!("{p}/")));
        assert!(seen, "{p} is neither a document nor a reject");
    }

    // The shipped articles come out exactly as without the hostile inputs beside them.
    let c = clean.path().join("out");
    for dataset in ["documents", "blocks", "edits", "sentences", "mentions", "quotes", "dates", "quantities"] {
        let (a, b) = (by_path(&c, dataset), by_path(&o, dataset));
        for (path, rows) in &a {
            assert_eq!(Some(rows), b.get(path), "{dataset} rows of {path} changed");
        }
    }
    // Offsets stay exact in code points on hostile text.
    assert!(assert_spans_exact(&o) > 0);
}
