//! Prints blocks and edits of the corpus (run with --ignored --nocapture to inspect).
mod common;
use common::*;
use pipeline::config::NormaliseConfig;
use pipeline::CorpusKnowledge;

#[test]
#[ignore]
fn print_corpus() {
    let cfg = NormaliseConfig::default();
    let docs: Vec<_> = CORPUS.iter().map(|(id, raw)| doc(id, raw)).collect();
    let k = survey(&cfg, &docs);
    println!("{:?}", k.docs_per_outlet);
    let _ = CorpusKnowledge::default();
    for mut d in docs {
        let id = d.doc_id.clone();
        run(&cfg, &mut d, &k);
        println!("===== {id}");
        for e in &d.edits {
            println!("EDIT {:?} {} {}..{} {:?} -> {:?}", e.kind, e.rule, e.raw_start, e.raw_end, e.before, e.after);
        }
        for b in &d.blocks {
            let t: String = b.text.chars().take(90).collect();
            println!("BLOCK {:>2} {:<12} {:<5} {:<28} {}", b.index, format!("{:?}", b.kind), b.kept, b.rule, t);
        }
    }
}
