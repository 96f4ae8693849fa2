//! End to end: facts of the shipped corpus that a reader can check by eye, asserted on the
//! datasets the default pipeline writes (who said which quote, what a weekday resolves to, which
//! names share an entity, what normalise removed and repaired).

mod common;

use std::collections::BTreeMap;

use common::*;
use serde_json::Value;

struct Run {
    _dir: tempfile::TempDir,
    out: std::path::PathBuf,
    /// doc_id -> the first three characters of its file name ("000" ... "004").
    file_of: BTreeMap<String, String>,
}

fn run() -> Run {
    let dir = corpus_workdir(&std::fs::read_to_string(workspace_root().join("pipeline.toml")).unwrap());
    let (code, out, err) = run_in(dir.path(), &["--quiet"]);
    assert_eq!(code, 0, "{out}{err}");
    let out = dir.path().join("out");
    let file_of = read_jsonl(&out.join("documents.jsonl"))
        .into_iter()
        .map(|d| {
            let p = d["source"]["path"].as_str().unwrap();
            (d["doc_id"].as_str().unwrap().to_string(), p.rsplit('/').next().unwrap()[..3].to_string())
        })
        .collect();
    Run { _dir: dir, out, file_of }
}

impl Run {
    fn rows(&self, dataset: &str, file: &str) -> Vec<Value> {
        read_jsonl(&self.out.join(format!("{dataset}.jsonl")))
            .into_iter()
            .filter(|r| r.get("doc_id").and_then(Value::as_str).is_some_and(|d| self.file_of[d] == file))
            .collect()
    }
    fn doc(&self, file: &str) -> Value {
        self.rows("documents", file).remove(0)
    }
    fn entity(&self, name: &str) -> Value {
        read_jsonl(&self.out.join("entities.jsonl"))
            .into_iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("no entity named {name}"))
    }
}

fn quote_containing<'a>(quotes: &'a [Value], needle: &str) -> &'a Value {
    quotes.iter().find(|q| q["text"].as_str().unwrap().contains(needle)).unwrap_or_else(|| panic!("no quote with {needle:?}"))
}

#[test]
fn corpus_facts() {
    let r = run();

    // Quotes and speakers.
    let q000 = r.rows("quotes", "000");
    let putin = r.entity("Vladimir Putin");
    let q = quote_containing(&q000, "We can continue this dialogue");
    assert_eq!(q["speaker"], "Vladimir Putin");
    assert_eq!(q["speaker_entity_id"], putin["entity_id"]);
    assert_eq!(q["cue"], "said");
    let q = quote_containing(&q000, "Russia will prepare its considerations");
    assert_eq!(q["speaker"], "Vladimir Putin", "“…,” he said: the pronoun resolves to Putin");
    let q = quote_containing(&q000, "open, substantive and constructive");
    assert_eq!(q["speaker"], "Vladimir Putin");
    let q = quote_containing(&q000, "I made very clear if in fact he invades Ukraine");
    assert_eq!(q["speaker"], "Joe Biden");
    let q001 = r.rows("quotes", "001");
    let q = quote_containing(&q001, "complete rupture");
    assert_eq!(q["speaker_kind"], "ANON");
    assert_eq!(q["speaker"], "a Russian official");
    // Every quote's speaker span points at a mention or descriptor inside the text.
    for q in q000.iter().chain(&q001) {
        if let (Some(s), Some(e)) = (q["speaker_start"].as_u64(), q["speaker_end"].as_u64()) {
            assert!(s < e);
        }
    }

    // One entity per real-world entity, across documents.
    let aliases: Vec<&str> = putin["aliases"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    for a in ["Putin", "Vladimir Putin", "Vladimir V. Putin"] {
        assert!(aliases.contains(&a), "{a} not an alias of Putin: {aliases:?}");
    }
    assert_eq!(putin["n_docs"], 5);
    let nato = r.entity("NATO");
    let aliases: Vec<&str> = nato["aliases"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    for a in ["NATO", "Nato", "North Atlantic Treaty Organization"] {
        assert!(aliases.contains(&a), "{a} not an alias of NATO: {aliases:?}");
    }
    let mr_putin: Vec<Value> = r.rows("mentions", "001").into_iter().filter(|m| m["text"] == "Putin").collect();
    assert!(!mr_putin.is_empty());
    assert!(mr_putin.iter().all(|m| m["entity_id"] == putin["entity_id"] && m["label"] == "PER"));
    // Possessives and titles are not part of names.
    for m in r.rows("mentions", "000").iter().chain(&r.rows("mentions", "001")) {
        let t = m["text"].as_str().unwrap();
        assert!(!t.ends_with("’s") && !t.ends_with("'s") && !t.starts_with("Mr. ") && !t.starts_with("President "), "{m}");
    }

    // Dates against the publication date.
    let dates = |file: &str| -> Vec<(String, Option<String>)> {
        r.rows("dates", file).into_iter().map(|d| (d["text"].as_str().unwrap().to_string(), d["value"].as_str().map(str::to_string))).collect()
    };
    let d001 = dates("001");
    assert!(d001.contains(&("Thursday".into(), Some("2021-12-30".into()))), "{d001:?}");
    assert!(d001.contains(&("Jan. 10".into(), Some("2022-01-10".into()))), "{d001:?}");
    let d004 = dates("004");
    assert!(d004.contains(&("December 7".into(), Some("2021-12-07".into()))), "{d004:?}");
    let d003 = dates("003");
    assert!(d003.contains(&("Tuesday".into(), Some("2021-12-07".into()))), "the call ahead of a Monday story: {d003:?}");

    // Numeric facts.
    let q = r.rows("quantities", "001");
    let troops = q.iter().find(|x| x["text"] == "100,000 or so troops").expect("100,000 or so troops");
    assert_eq!(troops["value"], 100000.0);
    assert_eq!(troops["unit"], "troops");
    assert_eq!(troops["approximate"], true);
    let q = r.rows("quantities", "002");
    let troops = q.iter().find(|x| x["text"] == "around 100,000 troops").expect("around 100,000 troops");
    assert_eq!((troops["value"].as_f64(), troops["approximate"].as_bool()), (Some(100000.0), Some(true)));
    assert!(r.rows("quantities", "003").iter().any(|x| x["value"] == 175000.0 && x["unit"] == "troops"));

    // Normalise: what a subscriber saw, nothing more, nothing less.
    let ap = r.doc("002");
    let text = ap["text"].as_str().unwrap();
    for artifact in ["NATO. .", "wrote. .", ". .", "news. guarantees", "unfolded. recently", "possible, ”Pifer", "Copyright 2021", "Political cartoons", "Christi C. Elwood"] {
        assert!(!text.contains(artifact), "AP text still has {artifact:?}");
    }
    assert!(text.contains("requests for news guarantees from the United States and NATO."), "the repaired sentence");
    let wapo = r.doc("000");
    let text = wapo["text"].as_str().unwrap();
    for gone in ["Democracy Dies in Darkness", "(Andriy Dubchak/AP)", "What you need to know about tensions", "Perspective:", "Opinion:"] {
        assert!(!text.contains(gone), "WaPo text still has {gone:?}");
    }
    assert!(text.starts_with("MOSCOW — The Kremlin expects a swift start"));
    assert!(text.contains("“The stress for the country, its economy and finances would be colossal,” Bodrova said"));
    let nyt = r.doc("001")["text"].as_str().unwrap().to_string();
    assert!(!nyt.contains("Card 1 of 5") && !nyt.contains("Source: nytimes.com") && !nyt.contains("Credit…"));
    assert!(nyt.contains("And there’s the question, if this is imminent"));
    let bne = r.doc("004")["text"].as_str().unwrap().to_string();
    assert_eq!(bne.matches("Talks have begun with the US over Ukraine crisis").count(), 0, "title lines are not body");
    assert!(bne.contains("Arms control still on the agenda"), "a real section heading stays");
    assert!(bne.contains("Fixing problems in US-Russia ties is not work of one month"));
    // Every removal is auditable: each raw line has a block row saying what it was.
    let kinds: BTreeMap<String, usize> = r.rows("blocks", "000").iter().fold(BTreeMap::new(), |mut m, b| {
        *m.entry(b["kind"].as_str().unwrap().to_string()).or_default() += 1;
        m
    });
    assert_eq!(kinds.get("masthead"), Some(&1), "{kinds:?}");
    assert_eq!(kinds.get("caption"), Some(&1), "{kinds:?}");
    assert!(kinds.get("related_link").copied().unwrap_or(0) >= 4, "{kinds:?}");
    let edits = r.rows("edits", "002");
    assert!(edits.iter().filter(|e| e["rule"].as_str().unwrap().starts_with("mt_artifacts.")).count() >= 8, "{edits:?}");
}
