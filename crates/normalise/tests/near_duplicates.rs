//! Near-duplicate clustering on a generated syndication set: copies of the AP story and of one
//! Washington Post story with other sites' boilerplate, cut short and lightly edited, among the
//! other corpus articles (same event, different articles: never duplicates). Pairwise precision and
//! recall are measured and asserted.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use normalise::NearDuplicates;
use pipeline::config::NormaliseConfig;
use pipeline::stage::CorpusStep;
use pipeline::Document;

/// Small deterministic generator (64-bit LCG), so the set is the same in every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

const CHROME: [(&[&str], &[&str]); 3] = [
    (&["AP NEWS", "Share this article"], &["Copyright 2021 The Associated Press. All rights reserved."]),
    (&["World News | The Daily Ledger", "Advertisement"], &["Related: Biden and Putin to hold more talks", "Subscribe to our newsletter for daily updates"]),
    (&[], &["Read more: What the sanctions threat means", "Advertisement"]),
];

const INSERTS: [&str; 6] = ["reportedly", "also", "then", "still", "officially", "again"];

/// A syndicated copy of an article: the title, another site's chrome, the body cut to `keep` of
/// its paragraphs and `edits` single-word insertions.
fn copy(raw: &str, body: std::ops::Range<usize>, keep: f64, edits: usize, chrome: usize, rng: &mut Lcg) -> String {
    let lines: Vec<&str> = raw.split('\n').filter(|l| !l.trim().is_empty()).collect();
    let body_lines = &lines[body.clone()];
    let n = ((body_lines.len() as f64) * keep).ceil() as usize;
    let mut paras: Vec<String> = body_lines[..n.min(body_lines.len())].iter().map(|s| s.to_string()).collect();
    for _ in 0..edits {
        let p = rng.below(paras.len());
        let mut words: Vec<String> = paras[p].split(' ').map(str::to_string).collect();
        let at = 1 + rng.below(words.len().saturating_sub(1).max(1));
        words.insert(at.min(words.len()), INSERTS[rng.below(INSERTS.len())].to_string());
        paras[p] = words.join(" ");
    }
    let (head, foot) = CHROME[chrome % CHROME.len()];
    let mut out: Vec<String> = head.iter().map(|s| s.to_string()).collect();
    out.push(lines[body.start - 1].to_string()); // the title line before the body
    out.extend(paras);
    out.extend(foot.iter().map(|s| s.to_string()));
    out.join("\n\n")
}

fn corpus_text(name: &str) -> &'static str {
    CORPUS.iter().find(|(n, _)| *n == name).unwrap().1
}

#[test]
fn syndicated_copies_cluster_and_distinct_articles_do_not() {
    let cfg = NormaliseConfig::default();
    let mut rng = Lcg(20211230);
    // (doc_id, group, raw): group names the story a document is a copy of.
    let mut set: Vec<(String, &str, String)> = Vec::new();
    for (name, raw) in CORPUS {
        set.push((format!("{name}-orig"), name, raw.to_string()));
    }
    // AP body: the lines after the title up to the contributor line.
    let ap = corpus_text("ap_mt");
    let ap_lines = ap.split('\n').filter(|l| !l.trim().is_empty()).count();
    let mut made: Vec<(String, f64, usize)> = Vec::new();
    let keeps = [1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6];
    for i in 0..24 {
        let keep = keeps[i % keeps.len()];
        let edits = rng.below(11);
        made.push((format!("ap-copy{i:02}"), keep, edits));
        set.push((format!("ap-copy{i:02}"), "ap_mt", copy(ap, 1..ap_lines - 3, keep, edits, i, &mut rng)));
    }
    // Copies of one Washington Post story; the other Post story on the same crisis stays apart.
    let wapo = corpus_text("wapo_kremlin");
    let wapo_lines = wapo.split('\n').filter(|l| !l.trim().is_empty()).count();
    for i in 0..4 {
        let keep = keeps[(i * 2) % keeps.len()];
        let edits = rng.below(5);
        set.push((format!("wapo-copy{i}"), "wapo_kremlin", copy(wapo, 2..wapo_lines - 3, keep, edits, i + 1, &mut rng)));
    }

    // Rewrites that reuse half of the AP story with half of the NYT one: new articles, not copies.
    let nyt = corpus_text("nyt_call");
    let nyt_lines: Vec<&str> = nyt.split('\n').filter(|l| !l.trim().is_empty()).collect();
    let ap_body: Vec<&str> = ap.split('\n').filter(|l| !l.trim().is_empty()).collect();
    for i in 0..2 {
        let (a_half, n_half) = (ap_body.len() / 2, (nyt_lines.len() - 2) / 2);
        let mut lines: Vec<&str> = ap_body[i * a_half..(i + 1) * a_half].to_vec();
        lines.extend(&nyt_lines[2 + i * n_half..2 + (i + 1) * n_half]);
        set.push((format!("mashup{i}"), if i == 0 { "mashup0" } else { "mashup1" }, lines.join("\n\n")));
    }

    let mut docs: Vec<Document> = set.iter().map(|(id, _, raw)| doc(id, raw)).collect();
    let knowledge = survey(&cfg, &docs);
    for d in &mut docs {
        run(&cfg, d, &knowledge);
    }
    // A copy whose text is already clean: the AP story as the pipeline repaired it.
    let clean_ap = docs.iter().find(|d| d.doc_id == "ap_mt-orig").unwrap().text.clone();
    let mut pristine = doc("ap-pristine", &clean_ap);
    run(&cfg, &mut pristine, &knowledge);
    docs.push(pristine);
    set.push(("ap-pristine".into(), "ap_mt", clean_ap));

    let nd = NearDuplicates::new(&cfg.dedupe_documents).unwrap();
    let out = nd.finish(docs.iter().map(|d| nd.summarize(d)).collect());

    let group: BTreeMap<&str, &str> = set.iter().map(|(id, g, _)| (id.as_str(), *g)).collect();
    let ids: Vec<&str> = set.iter().map(|(id, _, _)| id.as_str()).collect();
    let cluster_of = |id: &str| out.membership.get(id).map(|m| m.0.clone());
    let (mut tp, mut fp, mut fne) = (0usize, 0usize, 0usize);
    for (x, a) in ids.iter().enumerate() {
        for b in &ids[x + 1..] {
            let truth = group[a] == group[b] && (group[a] == "ap_mt" || group[a] == "wapo_kremlin");
            let predicted = cluster_of(a).is_some() && cluster_of(a) == cluster_of(b);
            match (truth, predicted) {
                (true, true) => tp += 1,
                (false, true) => fp += 1,
                (true, false) => fne += 1,
                _ => {}
            }
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fne).max(1) as f64;
    println!(
        "near-duplicates: {} documents, {} clusters, pairs tp={tp} fp={fp} fn={fne}, precision={precision:.3} recall={recall:.3}",
        ids.len(),
        out.clusters.len()
    );
    for c in &out.clusters {
        println!("  cluster {} rep={} sim={:.3} members={:?}", c.cluster_id, c.representative, c.similarity, c.doc_ids);
    }
    assert!(precision >= 0.99, "precision {precision}");
    assert!(recall >= 0.8, "recall {recall}");
    // Different articles about the same event never share a cluster.
    for (a, b) in [("wapo_kremlin-orig", "wapo_preview-orig"), ("nyt_call-orig", "ap_mt-orig")] {
        assert!(cluster_of(a).is_none() || cluster_of(a) != cluster_of(b), "{a} and {b} merged");
    }
    // Without other copies to chain through: each AP copy against the original alone.
    let sig = |id: &str| nd.summarize(docs.iter().find(|d| d.doc_id == id).unwrap());
    let mut direct = Vec::new();
    for (id, keep, edits) in &made {
        let pair = nd.finish(vec![sig("ap_mt-orig"), sig(id)]);
        let sim = NearDuplicates::similarity(&sig("ap_mt-orig").minhash, &sig(id).minhash);
        println!("  direct {id} keep={keep} edits={edits} similarity={sim:.3} clustered={}", !pair.clusters.is_empty());
        direct.push((*keep, *edits, !pair.clusters.is_empty()));
    }
    let strong: Vec<_> = direct.iter().filter(|(k, e, _)| *k >= 0.9 && *e <= 5).collect();
    assert!(!strong.is_empty() && strong.iter().all(|x| x.2), "{strong:?}");
    println!(
        "direct recall (copy vs original only): {}/{}",
        direct.iter().filter(|x| x.2).count(),
        direct.len()
    );

    // The copy that needed no repair represents the AP cluster.
    let ap_cluster = cluster_of("ap_mt-orig").expect("AP original clustered");
    let c = out.clusters.iter().find(|c| c.cluster_id == ap_cluster).unwrap();
    assert_eq!(c.representative, "ap-pristine");
    let members: BTreeSet<&str> = c.doc_ids.iter().map(String::as_str).collect();
    assert!(members.iter().all(|m| group[m] == "ap_mt"));
}
