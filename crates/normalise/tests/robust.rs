//! No panic and exact offsets on any input; repairs idempotent on arbitrary text; big input in
//! reasonable time.

mod common;

use common::*;
use pipeline::config::{NormaliseConfig, NormaliseStep};
use pipeline::{CorpusKnowledge, EditKind};
use proptest::prelude::*;

/// Text built from the characters the rules care about, plus anything at all.
fn messy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(vec![
            " ", "  ", "\n", "\n\n", ".", ". .", "..", ",", ", ”", " ”", "“", "‘", "’", "'", "\"", "\u{a0}", "\u{200b}",
            "\u{301}", "\t", "\r\n", "\u{7}", "e", "word", "Word", "BIden", "Biden", "U.S.", "p.m.", "3.5", "…", "—",
            "(Andriy Dubchak/AP)", "Card 1 of 3", "Copyright 2021", "MOSCOW — ", "By Ann Lee", "Кремль", "😀", "\u{200d}",
        ]).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_text_gives_exact_rows(raw in messy_text()) {
        let mut d = doc("p", &raw);
        run(&NormaliseConfig::default(), &mut d, &CorpusKnowledge::default());
        let kept = d.blocks.iter().filter(|b| b.kept).count();
        prop_assert!(d.paragraphs.len() <= kept);
        for p in d.text.split("\n\n") {
            prop_assert!(!p.contains('\n'));
        }
    }

    #[test]
    fn repairs_are_idempotent_on_any_text(raw in messy_text()) {
        use NormaliseStep::*;
        let cfg = NormaliseConfig { steps: vec![Unicode, Whitespace, Typography, MtArtifacts], ..Default::default() };
        let mut d = doc("p", &raw);
        run(&cfg, &mut d, &CorpusKnowledge::default());
        let mut again = doc("q", &d.text);
        run(&cfg, &mut again, &CorpusKnowledge::default());
        let rows: Vec<_> = again.edits.iter().filter(|e| e.kind == EditKind::Repair).collect();
        prop_assert!(rows.is_empty(), "{:?} -> {:?}: {:?}", raw, d.text, rows);
        prop_assert_eq!(&again.text, &d.text);
    }
}

#[test]
fn big_and_pathological_input() {
    let ap = CORPUS[2].1;
    let big = ap.repeat(60); // ~500 KB, 2,400 blocks
    let t = std::time::Instant::now();
    let mut d = doc("big", &big);
    run(&NormaliseConfig::default(), &mut d, &CorpusKnowledge::default());
    println!("500 KB article: {:?}", t.elapsed());
    // One 300 KB line full of the characters rules look at.
    let line = "‘a “b. . c\u{a0} ”d, BIden Biden ".repeat(10_000);
    let t = std::time::Instant::now();
    let mut d = doc("line", &line);
    run(&NormaliseConfig::default(), &mut d, &CorpusKnowledge::default());
    println!("300 KB line: {:?}", t.elapsed());
    assert!(t.elapsed().as_secs() < 60);
}
