//! Prints blocks, edits and per-rule / per-kind counts of the corpus
//! (`cargo test -p normalise --test print -- --ignored --nocapture`).
mod common;
use std::collections::BTreeMap;

use common::*;
use pipeline::config::NormaliseConfig;

#[test]
#[ignore]
fn print_corpus() {
    let cfg = NormaliseConfig::default();
    let docs: Vec<_> = CORPUS.iter().map(|(id, raw)| doc(id, raw)).collect();
    let k = survey(&cfg, &docs);
    {
        use pipeline::stage::CorpusStep;
        let s = normalise::LineSurvey::new(&cfg).unwrap();
        for d in &docs {
            let (o, h) = s.summarize(d);
            println!("survey summary {}: outlet {:?}, {} line hashes of {} non-blank lines", d.doc_id, o, h.len(),
                d.raw_text.split('\n').filter(|l| !l.trim().is_empty()).count());
        }
    }
    println!("outlets surveyed: {:?}", k.docs_per_outlet);
    for mut d in docs {
        let id = d.doc_id.clone();
        run(&cfg, &mut d, &k);
        println!("===== {id}");
        let verbose = std::env::var("VERBOSE").is_ok();
        let mut rules: BTreeMap<String, usize> = BTreeMap::new();
        for e in &d.edits {
            *rules.entry(format!("{:?} {}", e.kind, e.rule)).or_default() += 1;
            if verbose {
                println!("EDIT {:?} {} {}..{} {:?} -> {:?}", e.kind, e.rule, e.raw_start, e.raw_end, e.before, e.after);
            }
        }
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        for b in &d.blocks {
            *kinds.entry(format!("{:?}", b.kind)).or_default() += 1;
            if verbose {
                let t: String = b.text.chars().take(90).collect();
                println!("BLOCK {:>2} {:<12} {:<5} {:<28} {}", b.index, format!("{:?}", b.kind), b.kept, b.rule, t);
            }
        }
        println!("edits: {rules:?}");
        println!("blocks: {kinds:?} (total {})", d.blocks.len());
        println!("clean text: {} chars, {} paragraphs", d.text.chars().count(), d.paragraphs.len());
        if std::env::var("SHOW_TEXT").is_ok_and(|v| v == id) {
            println!("{}", d.text);
        }
    }
}
