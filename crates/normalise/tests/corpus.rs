//! End-to-end checks of the per-document steps on the shipped corpus: repairs, block kinds
//! against hand labels, body text kept whole, boilerplate gone, idempotence, steps run alone.

mod common;

use std::sync::LazyLock;

use common::*;
use pipeline::config::{NormaliseConfig, NormaliseStep};
use pipeline::{BlockKind, CorpusKnowledge, Document, EditKind, LineRole};
use regex::Regex;

use normalise::boilerplate::comparable;

/// Hand labels: 1-based raw line numbers of the blocks that are not body, with their kind. Every
/// other non-blank line is body (or a kept heading, listed with kind Heading).
fn labels(name: &str) -> Vec<(usize, BlockKind)> {
    use BlockKind::*;
    match name {
        "wapo_kremlin" => vec![
            (1, Masthead),
            (3, Title),
            (5, Caption),
            (19, RelatedLink),
            (45, RelatedLink),
            (63, RelatedLink),
            (85, RelatedLink),
            (87, RelatedLink),
            (89, RelatedLink),
        ],
        "nyt_call" => vec![
            (1, Subtitle),
            (2, Subtitle),
            (21, Widget),
            (22, Widget),
            (23, Widget),
            (24, Widget),
            (25, Widget),
            (26, Widget),
            (27, Widget),
            (30, Caption),
            (38, Source),
        ],
        "ap_mt" => vec![(1, Title), (12, RelatedLink), (14, RelatedLink), (76, Credit), (78, Copyright), (80, Other)],
        "wapo_preview" => vec![
            (1, Masthead),
            (3, Title),
            (5, Caption),
            (13, RelatedLink),
            (79, Credit),
            (81, RelatedLink),
            (83, RelatedLink),
            (85, RelatedLink),
        ],
        "bne" => vec![(1, Title), (3, Duplicate), (4, Caption), (5, Byline), (27, Heading), (55, Heading), (79, Heading)],
        _ => unreachable!(),
    }
}

fn processed() -> Vec<(&'static str, Document)> {
    let cfg = NormaliseConfig::default();
    let mut docs: Vec<Document> = CORPUS.iter().map(|(id, raw)| doc(id, raw)).collect();
    let k = survey(&cfg, &docs);
    for d in &mut docs {
        run(&cfg, d, &k);
    }
    CORPUS.iter().map(|(n, _)| *n).zip(docs).collect()
}

static PROCESSED: LazyLock<Vec<(&'static str, Document)>> = LazyLock::new(processed);

fn raw_line_of_block(d: &Document, block: usize) -> usize {
    normalise::workspace::block_line_numbers(d)[block] + 1
}

#[test]
fn every_non_blank_line_is_one_block_and_offsets_hold() {
    for (name, d) in PROCESSED.iter() {
        let non_blank = d.raw_text.split('\n').filter(|l| !l.trim().is_empty()).count();
        assert_eq!(d.blocks.len(), non_blank, "{name}");
        d.check_spans().unwrap();
        for b in &d.blocks {
            assert_eq!(b.kept, b.kind.is_kept(), "{name}: {b:?}");
        }
        // One paragraph per kept block.
        assert_eq!(d.paragraphs.len(), d.blocks.iter().filter(|b| b.kept).count(), "{name}");
    }
}

#[test]
fn block_kinds_match_hand_labels() {
    let mut wrong = Vec::new();
    for (name, d) in PROCESSED.iter() {
        let gold = labels(name);
        for (i, b) in d.blocks.iter().enumerate() {
            let line = raw_line_of_block(d, i);
            let want = gold.iter().find(|(l, _)| *l == line).map_or(BlockKind::Body, |(_, k)| *k);
            if b.kind != want {
                wrong.push(format!("{name}:{line}: want {want:?}, got {:?} ({}) {:?}", b.kind, b.rule, b.text));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_body_paragraph_survives_whole() {
    for (name, d) in PROCESSED.iter() {
        let gold = labels(name);
        let paras: Vec<String> = d.text.split("\n\n").map(comparable).collect();
        for (i, line) in d.raw_text.split('\n').enumerate() {
            let not_body = gold.iter().any(|(l, k)| *l == i + 1 && !k.is_kept());
            if line.trim().is_empty() || not_body {
                continue;
            }
            let want = comparable(line);
            // Repairs change punctuation (which `comparable` ignores) and may drop an orphaned
            // one-word fragment at the end; nothing else.
            let found = paras.iter().any(|p| *p == want || (want.starts_with(p.as_str()) && want.len() - p.len() <= 10));
            assert!(found, "{name}:{}: body line missing from the clean text: {line:?}", i + 1);
        }
    }
}

#[test]
fn distinctive_sentences_are_in_the_clean_text() {
    let text = |n: &str| PROCESSED.iter().find(|(x, _)| *x == n).unwrap().1.text.clone();
    let bne = text("bne");
    for s in [
        "“In particular, they talked about the implementation of the results of the Russian-American summit held in Geneva in June 2021.",
        "In this context, the presidents recalled the alliance of the two countries during the Second World War.",
        "The leaders agreed to instruct their representatives to engage in substantive consultations on these sensitive issues.",
        "In general, the conversation was frank and businesslike.”",
        "Arms control still on the agenda",
        "Kremlin aide Ushakov says it's too early to draw conclusions from the talks after the event.",
    ] {
        assert!(bne.contains(s), "bne lost {s:?}");
    }
    let nyt = text("nyt_call");
    assert!(nyt.starts_with("WASHINGTON — President Vladimir V. Putin warned President Biden on Thursday"));
    assert!(nyt.contains("In conversations with his Russian counterpart, Gen. Mark A. Milley, the chairman of the Joint Chiefs of Staff"));
    assert!(nyt.ends_with("and they would see this as escalatory.”"));
    let wapo = text("wapo_kremlin");
    assert!(wapo.starts_with("MOSCOW — The Kremlin expects a swift start"));
    assert!(wapo.contains("without Ukraine’s participation will not be effective and sustainable"));
    assert!(wapo.contains("“They won’t do that, there is absolutely no reason for that.”"));
    assert!(wapo.ends_with("Bodrova said in comments to Nezavisimaya Gazeta."));
    let ap = text("ap_mt");
    assert!(ap.starts_with("WILMINGTON, Del. (AP) – Presidents Joe Biden and Vladimir Putin spoke candidly"));
    assert!(ap.contains("White House officials said the call began at 3:35 p.m. EST and ended 50 minutes later"));
    assert!(ap.ends_with("consideration of national interests of each,” Putin wrote."));
    let preview = text("wapo_preview");
    assert!(preview.ends_with("and called for action, but to no avail.”"));
}

#[test]
fn no_boilerplate_left_in_the_clean_text() {
    let bad = [
        "Democracy Dies in Darkness",
        "(Andriy Dubchak/AP)",
        "(Pavel Golovkin/AP)",
        "Credit…",
        "Card 1 of 5",
        "A brewing conflict.",
        "Understand the Escalating Tensions",
        "Source: nytimes.com",
        "Political cartoons",
        "Copyright 2021",
        "Christi C. Elwood",
        "Perspective:",
        "Opinion:",
        "What you need to know about tensions",
        "Why Russia began its military buildup",
        "Top U.S., Russian diplomats trade blame",
        "Tensions with Russia loom over NATO talks",
        "contributed to this report",
        "By Ben Aris",
        "/ wiki",
    ];
    for (name, d) in PROCESSED.iter() {
        for b in bad {
            assert!(!d.text.contains(b), "{name}: {b:?} left in the clean text");
        }
        // The title appears once at most in blocks as a title; never in the text.
        if let Some(t) = d.blocks.iter().find(|b| b.kind == BlockKind::Title) {
            assert!(!d.text.contains(&t.text), "{name}: title in text");
        }
    }
}

static ARTIFACTS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    vec![
        ("orphaned full stop", Regex::new(r#"[.!?][”’"]?\s+\.(\s|$)"#).unwrap()),
        ("full stop before a lower-case word", Regex::new(r"\p{Ll}{2}\.\s+\p{Ll}").unwrap()),
        ("closing quote glued to the next word", Regex::new(r"[,.] ”\p{L}").unwrap()),
        ("orphan opening single quote", Regex::new(r"(?m)(^|\s)‘\p{L}[^’\n]*$").unwrap()),
        ("dangling opening quote", Regex::new(r"[.,] “(\n|$)").unwrap()),
        ("space before punctuation", Regex::new(r"\p{L} [,.;:](\s|$)").unwrap()),
        ("opening mark as apostrophe", Regex::new(r"\p{L}‘\p{L}").unwrap()),
        ("doubled space", Regex::new(r"  ").unwrap()),
        ("non-breaking space", Regex::new("\u{a0}").unwrap()),
    ]
});

#[test]
fn no_artifact_left_anywhere_and_the_ap_story_needed_them() {
    for (name, d) in PROCESSED.iter() {
        for (what, re) in ARTIFACTS.iter() {
            assert!(!re.is_match(&d.text), "{name}: {what} left: {:?}", re.find(&d.text));
        }
    }
    // The raw AP story has each kind, so the check above is not empty.
    let ap = CORPUS.iter().find(|(n, _)| *n == "ap_mt").unwrap().1;
    for what in ["orphaned full stop", "full stop before a lower-case word", "closing quote glued to the next word", "orphan opening single quote", "dangling opening quote"] {
        let re = &ARTIFACTS.iter().find(|(w, _)| *w == what).unwrap().1;
        assert!(re.is_match(ap), "raw AP has no {what}");
    }
}

#[test]
fn edits_are_exact_and_names_are_flagged_not_rewritten() {
    for (name, d) in PROCESSED.iter() {
        let raw: Vec<char> = d.raw_text.chars().collect();
        for e in &d.edits {
            assert_eq!(raw[e.raw_start..e.raw_end].iter().collect::<String>(), e.before, "{name}: {e:?}");
            assert_ne!(e.before, e.after, "{name}: no-op edit {e:?}");
        }
    }
    let bne = &PROCESSED.iter().find(|(n, _)| *n == "bne").unwrap().1;
    let flag = bne.edits.iter().find(|e| e.rule == "mt_artifacts.stray_capital").expect("BIden flagged");
    assert_eq!((flag.kind, flag.before.as_str(), flag.after.as_str()), (EditKind::Flag, "BIden", "Biden"));
}

/// The repair steps on their own output change nothing: no repair rows, same text.
#[test]
fn repairs_are_idempotent() {
    use NormaliseStep::*;
    let repairs = NormaliseConfig { steps: vec![Unicode, Whitespace, Typography, MtArtifacts], ..Default::default() };
    for (name, d) in PROCESSED.iter() {
        let mut again = doc(name, &d.text);
        run(&repairs, &mut again, &CorpusKnowledge::default());
        let rows: Vec<_> = again.edits.iter().filter(|e| e.kind == EditKind::Repair).collect();
        assert!(rows.is_empty(), "{name}: {rows:?}");
        assert_eq!(again.text, d.text, "{name}");
        // Running all steps a second time on the same document changes nothing either.
        let mut twice = d.clone();
        run(&NormaliseConfig::default(), &mut twice, &CorpusKnowledge::default());
        assert_eq!(twice.edits, d.edits, "{name}");
        assert_eq!(twice.text, d.text, "{name}");
    }
}

#[test]
fn steps_work_alone() {
    use NormaliseStep::*;
    let ap = CORPUS.iter().find(|(n, _)| *n == "ap_mt").unwrap().1;
    // Repairs without boilerplate: every block is kept body.
    let cfg = NormaliseConfig { steps: vec![MtArtifacts], ..Default::default() };
    let mut d = doc("ap", ap);
    run(&cfg, &mut d, &CorpusKnowledge::default());
    assert!(d.blocks.iter().all(|b| b.kind == BlockKind::Body && b.kept));
    assert!(d.text.contains("Command. This aircraft"));
    assert!(d.text.starts_with("Biden and Putin speak for nearly an hour"));
    // Boilerplate alone: raw text, classified.
    let cfg = NormaliseConfig { steps: vec![Boilerplate], ..Default::default() };
    let mut d = doc("ap", ap);
    run(&cfg, &mut d, &CorpusKnowledge::default());
    assert!(d.edits.is_empty());
    assert!(d.text.contains("Command. . This aircraft"));
    assert!(!d.text.contains("Political cartoons"));
    // Nothing but dedupe: the repeated title goes, everything else stays.
    let bne = CORPUS.iter().find(|(n, _)| *n == "bne").unwrap().1;
    let cfg = NormaliseConfig { steps: vec![DedupeBlocks], ..Default::default() };
    let mut d = doc("bne", bne);
    run(&cfg, &mut d, &CorpusKnowledge::default());
    assert_eq!(d.blocks.iter().filter(|b| b.kind == BlockKind::Duplicate).count(), 1);
    assert_eq!(d.paragraphs.len(), d.blocks.len() - 1);
}

#[test]
fn ingest_line_roles_are_strong_cues() {
    let nyt = CORPUS.iter().find(|(n, _)| *n == "nyt_call").unwrap().1;
    let mut d = doc("nyt", nyt);
    d.meta.line_roles.push(LineRole { line: 0, kind: BlockKind::Title, rule: "title_first_line".into() });
    run(&NormaliseConfig::default(), &mut d, &CorpusKnowledge::default());
    assert_eq!(d.blocks[0].kind, BlockKind::Title);
    assert_eq!(d.blocks[0].rule, "meta:title_first_line");
}

#[test]
fn recurring_outlet_lines_are_boilerplate() {
    // An outlet's sign-off no pattern knows, in two of its documents.
    let cfg = NormaliseConfig::default();
    let wapo = CORPUS.iter().find(|(n, _)| *n == "wapo_kremlin").unwrap().1;
    let preview = CORPUS.iter().find(|(n, _)| *n == "wapo_preview").unwrap().1;
    let mut docs = vec![doc("a", &format!("{wapo}\n\nThe Daily 202 team")), doc("b", &format!("{preview}\n\nThe Daily 202 team"))];
    let k = survey(&cfg, &docs);
    for d in &mut docs {
        run(&cfg, d, &k);
        let last = d.blocks.last().unwrap();
        assert_eq!((last.kind, last.rule.as_str()), (BlockKind::RelatedLink, "recurring_line"));
    }
}

/// What is right stays as it is: no repair row for any of these through all repair steps.
#[test]
fn correct_text_is_untouched() {
    use NormaliseStep::*;
    let cfg = NormaliseConfig { steps: vec![Unicode, Whitespace, Typography, MtArtifacts], ..Default::default() };
    let cases = [
        "The U.S. and the U.K. met at 3:35 p.m. EST on Jan. 10 in Geneva.",
        "WILMINGTON, Del. (AP) – Presidents Joe Biden and Vladimir V. Putin spoke.",
        "Gen. Mark A. Milley, the chairman of the Joint Chiefs, said so.",
        "Inflation rose 2.5 percent, and 0.75 points more in No. 10 Downing St. estimates.",
        "He paused... then went on. And then . . . nothing.",
        "See https://www.example.com/path/to.page?x=1.5&y=a.b or e-mail j.doe@example.co.uk today.",
        "“It is very important for him,” she said. “Of course he would like it.”",
        "“to show that Biden, who united the West, ‘heroically’ prevented something,” he said.",
        "Ukraine’s ‘forgotten’ soldiers and the students’ union in the ’90s rock ’n’ roll.",
        "Putin “is not bluffing, and he is prepared,” said Tatiana Stanovaya.",
        "apples, pears, etc. and more; cf. the report, vs. last year.",
        "“We would fortify our Allies [if Russia invades Ukraine] … In the event,” Sullivan said.",
        "The Presidents expressed the opinion that Russia and the United States will continue.",
        "Кремль заявил, что переговоры — «конструктивные». Café au lait à la française.",
    ];
    for t in cases {
        let mut d = doc("ok", t);
        run(&cfg, &mut d, &CorpusKnowledge::default());
        let rows: Vec<_> = d.edits.iter().filter(|e| e.kind == EditKind::Repair).collect();
        assert!(rows.is_empty(), "{t:?}: {rows:?}");
        assert_eq!(d.text, t);
    }
}

/// Copies of one story at one outlet share their section headings; those stay headings.
#[test]
fn syndicated_copies_keep_their_headings() {
    let cfg = NormaliseConfig::default();
    let bne = CORPUS.iter().find(|(n, _)| *n == "bne").unwrap().1;
    let mut docs = vec![doc("a", bne), doc("b", &format!("Advertisement\n\n{bne}\n\nShare this article"))];
    for d in &mut docs {
        d.meta.outlet = Some("bne IntelliNews".into());
    }
    let k = survey(&cfg, &docs);
    for d in &mut docs {
        run(&cfg, d, &k);
        let headings: Vec<&str> = d.blocks.iter().filter(|b| b.kind == BlockKind::Heading).map(|b| b.text.as_str()).collect();
        assert_eq!(headings, ["Kremlin readout details", "Some co-operation on other issues", "Arms control still on the agenda"]);
    }
}
