//! Step `dedupe_documents` (corpus level): clusters of near-duplicate documents, such as one wire
//! story syndicated by several sites with their own boilerplate, cut short or lightly edited.
//!
//! Each document is summarised by a MinHash signature over word shingles of its clean text, a
//! hash of its exact (normalised) text and its number of repairs. Exact duplicates are joined by
//! hash first; other candidates come from LSH banding and are kept when their estimated Jaccard
//! similarity reaches the threshold. Clusters form by union-find; the representative is the copy
//! that needed the fewest repairs (ties: smallest doc_id). Hash functions are seeded constants, so
//! results are the same in every run. Memory: the summaries (num_hashes × 8 bytes a document) and
//! the band index.

use std::collections::{BTreeMap, HashMap, HashSet};

use pipeline::config::DedupeDocumentsConfig;
use pipeline::ids::short_hash;
use pipeline::stage::CorpusStep;
use pipeline::{DuplicateRow, Document, EditKind, StepError};

use crate::boilerplate::comparable;

/// What one document contributes to near-duplicate detection.
#[derive(Debug, Clone, PartialEq)]
pub struct DocSignature {
    pub doc_id: String,
    /// MinHash over word shingles of the clean text; empty when the text has no words.
    pub minhash: Vec<u64>,
    /// Hash of the clean text normalised for case, spacing and punctuation.
    pub exact: u64,
    /// Number of repair edits the document needed.
    pub repairs: usize,
}

/// The clusters, and each clustered document's (cluster_id, duplicate_of).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NearDuplicateClusters {
    pub clusters: Vec<DuplicateRow>,
    pub membership: BTreeMap<String, (String, Option<String>)>,
}

pub struct NearDuplicates {
    threshold: f64,
    shingle_words: usize,
    bands: usize,
    seeds: Vec<u64>,
}

impl NearDuplicates {
    pub fn new(cfg: &DedupeDocumentsConfig) -> Result<Self, StepError> {
        let bad = |message: String| StepError::Failed { step: "dedupe_documents", message };
        if !(cfg.threshold > 0.0 && cfg.threshold <= 1.0) {
            return Err(bad(format!("threshold {} is not in (0, 1]", cfg.threshold)));
        }
        if cfg.shingle_words == 0 || cfg.bands == 0 || cfg.num_hashes == 0 || !cfg.num_hashes.is_multiple_of(cfg.bands) {
            return Err(bad(format!(
                "shingle_words ({}) must be at least 1 and num_hashes ({}) a positive multiple of bands ({})",
                cfg.shingle_words, cfg.num_hashes, cfg.bands
            )));
        }
        // Fixed seeds: one hash function per permutation, identical in every run.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let seeds = (0..cfg.num_hashes).map(|_| splitmix64(&mut state)).collect();
        Ok(NearDuplicates { threshold: cfg.threshold, shingle_words: cfg.shingle_words, bands: cfg.bands, seeds })
    }

    /// MinHash signature of a text's word shingles.
    pub fn signature(&self, text: &str) -> Vec<u64> {
        let norm = comparable(text);
        let words: Vec<&str> = norm.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return Vec::new();
        }
        let k = self.shingle_words.min(words.len());
        let mut shingles: Vec<u64> = words.windows(k).map(fnv1a_joined).collect();
        shingles.sort_unstable();
        shingles.dedup();
        self.seeds
            .iter()
            .map(|&seed| shingles.iter().map(|&s| mix(s ^ seed)).min().unwrap_or(u64::MAX))
            .collect()
    }

    /// Estimated Jaccard similarity of two signatures: the share of equal minima.
    pub fn similarity(a: &[u64], b: &[u64]) -> f64 {
        if a.is_empty() || a.len() != b.len() {
            return 0.0;
        }
        a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64
    }
}

impl CorpusStep for NearDuplicates {
    type Summary = DocSignature;
    type Output = NearDuplicateClusters;

    fn name(&self) -> &'static str {
        "dedupe_documents"
    }

    fn summarize(&self, doc: &Document) -> DocSignature {
        DocSignature {
            doc_id: doc.doc_id.clone(),
            minhash: self.signature(&doc.text),
            exact: fnv1a(comparable(&doc.text).as_bytes()),
            repairs: doc.edits.iter().filter(|e| e.kind == EditKind::Repair).count(),
        }
    }

    fn finish(&self, sigs: Vec<DocSignature>) -> NearDuplicateClusters {
        let n = sigs.len();
        let mut uf = UnionFind::new(n);
        // Exact copies first: same normalised text (documents without words never cluster).
        let mut by_exact: HashMap<u64, usize> = HashMap::new();
        for (i, s) in sigs.iter().enumerate() {
            if s.minhash.is_empty() {
                continue;
            }
            match by_exact.get(&s.exact) {
                Some(&j) => uf.union(i, j),
                None => {
                    by_exact.insert(s.exact, i);
                }
            }
        }
        // LSH: documents sharing a whole band of minima are candidates; verify each pair once.
        let rows = self.seeds.len() / self.bands;
        let mut checked: HashSet<(usize, usize)> = HashSet::new();
        for band in 0..self.bands {
            let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
            for (i, s) in sigs.iter().enumerate() {
                if s.minhash.len() != self.seeds.len() {
                    continue;
                }
                let key = s.minhash[band * rows..(band + 1) * rows].iter().fold(band as u64, |h, &v| mix(h ^ v));
                buckets.entry(key).or_default().push(i);
            }
            for members in buckets.values().filter(|m| m.len() > 1) {
                for (x, &i) in members.iter().enumerate() {
                    for &j in &members[x + 1..] {
                        if uf.find(i) == uf.find(j) || !checked.insert((i, j)) {
                            continue;
                        }
                        if Self::similarity(&sigs[i].minhash, &sigs[j].minhash) >= self.threshold {
                            uf.union(i, j);
                        }
                    }
                }
            }
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..n {
            groups.entry(uf.find(i)).or_default().push(i);
        }
        let mut members: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
        members.sort_by_key(|g| g[0]); // input order of each cluster's first document
        let mut out = NearDuplicateClusters::default();
        for g in members {
            let rep = *g
                .iter()
                .min_by(|&&a, &&b| (sigs[a].repairs, &sigs[a].doc_id).cmp(&(sigs[b].repairs, &sigs[b].doc_id)))
                .expect("cluster has members");
            let mut ids: Vec<String> = g.iter().map(|&i| sigs[i].doc_id.clone()).collect();
            ids.sort();
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            let cluster_id = format!("c{}", short_hash(&refs, 12));
            let similarity = g
                .iter()
                .filter(|&&i| i != rep)
                .map(|&i| {
                    if sigs[i].exact == sigs[rep].exact {
                        1.0
                    } else {
                        Self::similarity(&sigs[i].minhash, &sigs[rep].minhash)
                    }
                })
                .fold(1.0f64, f64::min);
            let rep_id = sigs[rep].doc_id.clone();
            for &i in &g {
                let dup_of = (i != rep).then(|| rep_id.clone());
                out.membership.insert(sigs[i].doc_id.clone(), (cluster_id.clone(), dup_of));
            }
            out.clusters.push(DuplicateRow { cluster_id, doc_ids: ids, representative: rep_id, similarity });
        }
        out
    }
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind { parent: (0..n).collect() }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Joins two sets; the smaller root wins, so roots do not depend on the order of unions.
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `fnv1a(words.join(" "))` without building the joined string.
fn fnv1a_joined(words: &[&str]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            h = (h ^ u64::from(b' ')).wrapping_mul(0x0000_0100_0000_01b3);
        }
        for &b in w.as_bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// SplitMix64 finaliser: a well-mixed 64-bit permutation.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    mix(*state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::tests::doc;

    fn nd() -> NearDuplicates {
        NearDuplicates::new(&DedupeDocumentsConfig::default()).unwrap()
    }

    fn sig(id: &str, text: &str, repairs: usize) -> DocSignature {
        let mut d = doc(text);
        d.doc_id = id.into();
        let mut s = nd().summarize(&d);
        s.repairs = repairs;
        s
    }

    const STORY: &str = "Presidents Joe Biden and Vladimir Putin spoke candidly for nearly an hour Thursday evening amid growing concern over the build-up of Russian troops near Ukraine. Putin asked for the call, the second among the leaders this month, ahead of scheduled talks between senior officials scheduled for Jan. 10 in Geneva. White House officials said the call began at 3:35 p.m. and ended 50 minutes later, after midnight in Moscow.";

    #[test]
    fn identical_and_near_copies_cluster_with_the_cleanest_as_representative() {
        let edited = STORY.replace("candidly", "frankly");
        let out = nd().finish(vec![
            sig("b", STORY, 3),
            sig("a", STORY, 5),
            sig("c", &edited, 0),
            sig("z", "An unrelated text about the weather in Berlin and the price of bread in the shops today.", 0),
        ]);
        assert_eq!(out.clusters.len(), 1, "{out:?}");
        let c = &out.clusters[0];
        assert_eq!(c.doc_ids, ["a", "b", "c"]);
        assert_eq!(c.representative, "c");
        assert!(c.similarity >= 0.8 && c.similarity < 1.0);
        assert_eq!(out.membership["a"].1.as_deref(), Some("c"));
        assert_eq!(out.membership["c"].1, None);
        assert!(!out.membership.contains_key("z"));
        // Stable ids: the same members give the same cluster id whatever the input order.
        let again = nd().finish(vec![sig("c", &edited, 0), sig("a", STORY, 5), sig("b", STORY, 3)]);
        assert_eq!(again.clusters[0].cluster_id, c.cluster_id);
    }

    #[test]
    fn empty_texts_never_cluster_and_bad_config_is_an_error() {
        let out = nd().finish(vec![sig("a", "", 0), sig("b", "", 0)]);
        assert!(out.clusters.is_empty());
        let cfg = DedupeDocumentsConfig { num_hashes: 100, bands: 32, ..Default::default() };
        assert!(NearDuplicates::new(&cfg).is_err());
    }

    #[test]
    fn joined_hash_equals_hash_of_the_joined_string() {
        let w = ["Putin", "spoke", "with", "Biden", "’s", ""];
        for k in 1..=w.len() {
            assert_eq!(fnv1a_joined(&w[..k]), fnv1a(w[..k].join(" ").as_bytes()));
        }
    }

    #[test]
    fn signatures_are_deterministic() {
        assert_eq!(nd().signature(STORY), nd().signature(STORY));
        assert_eq!(nd().signature(STORY).len(), 128);
        assert!(NearDuplicates::similarity(&nd().signature(STORY), &nd().signature("Completely different words here now.")) < 0.1);
    }
}
