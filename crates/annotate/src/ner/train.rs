//! Training: averaged structured perceptron with Viterbi decoding over BILOU tags, in two passes.
//!
//! Gazetteer features of a training document come from the lists of the *other* folds, and the
//! second pass learns from first-pass votes made by fold models that never saw the document, so
//! the features look at training time the way they look on unseen text.

use std::collections::HashMap;

use super::conll::{ConllDoc, Counts};
use super::features::{DocFeatures, DocVotes, N_TAGS, doc_votes, spans_of, tags_of, token_features};
use super::gazetteer::Gazetteer;
use super::model::{Linear, NerModel, key32, viterbi};

const FOLDS: usize = 5;
/// Features seen fewer times than this in training are dropped (they only add size).
const MIN_COUNT: u32 = 2;

/// Training sentence: feature keys per token (flattened) and gold BILOU tags.
struct SentData {
    feats: Vec<u32>,
    offsets: Vec<u32>,
    gold: Vec<usize>,
}

/// A document's precomputed per-token inputs.
struct DocInput<'a> {
    words: Vec<Vec<&'a str>>,
    df: DocFeatures,
    gaz: Vec<Vec<u32>>,
    gold: Vec<Vec<usize>>,
}

fn doc_input<'a>(doc: &'a ConllDoc, gaz: &Gazetteer) -> DocInput<'a> {
    let words: Vec<Vec<&str>> = doc.sents.iter().map(|s| s.words.iter().map(String::as_str).collect()).collect();
    let df = DocFeatures::new(&words);
    let g = df.infos.iter().map(|inf| gaz.mark(inf)).collect();
    let gold = doc.sents.iter().map(|s| tags_of(s.words.len(), &s.spans)).collect();
    DocInput { words, df, gaz: g, gold }
}

fn sent_features(d: &DocInput, votes: Option<&Vec<Vec<DocVotes>>>) -> Vec<(Vec<u64>, Vec<u32>, Vec<usize>)> {
    let mut out = Vec::with_capacity(d.words.len());
    for si in 0..d.words.len() {
        let inf = &d.df.infos[si];
        let mut feats = Vec::new();
        let mut offsets = vec![0u32];
        for i in 0..inf.len() {
            token_features(inf, &d.df.ctx[si], &d.gaz[si], votes.map(|v| v[si].as_slice()), i, &mut feats);
            offsets.push(feats.len() as u32);
        }
        out.push((feats, offsets, d.gold[si].clone()));
    }
    out
}

/// Trainer state: weights, their running sums for averaging, and the feature index.
struct Perceptron {
    index: HashMap<u32, u32>,
    keys: Vec<u32>,
    w: Vec<f32>,
    u: Vec<f32>,
    tw: Vec<f32>,
    tu: Vec<f32>,
    c: f32,
}

// Transition block layout: N_TAGS*N_TAGS transitions, then N_TAGS start, then N_TAGS end scores.
const TB: usize = N_TAGS * N_TAGS + 2 * N_TAGS;

impl Perceptron {
    fn new(keys: Vec<u32>) -> Perceptron {
        let index = keys.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
        let n = keys.len() * N_TAGS;
        Perceptron { index, keys, w: vec![0.0; n], u: vec![0.0; n], tw: vec![0.0; TB], tu: vec![0.0; TB], c: 1.0 }
    }

    fn emissions(&self, s: &SentData) -> Vec<[f32; N_TAGS]> {
        let mut em = vec![[0f32; N_TAGS]; s.gold.len()];
        for (i, row) in em.iter_mut().enumerate() {
            for &f in &s.feats[s.offsets[i] as usize..s.offsets[i + 1] as usize] {
                let w = &self.w[f as usize * N_TAGS..f as usize * N_TAGS + N_TAGS];
                for t in 0..N_TAGS {
                    row[t] += w[t];
                }
            }
        }
        em
    }

    fn trans(&self, v: &[f32]) -> ([[f32; N_TAGS]; N_TAGS], [f32; N_TAGS], [f32; N_TAGS]) {
        let mut tr = [[0f32; N_TAGS]; N_TAGS];
        for a in 0..N_TAGS {
            tr[a].copy_from_slice(&v[a * N_TAGS..(a + 1) * N_TAGS]);
        }
        let mut st = [0f32; N_TAGS];
        let mut en = [0f32; N_TAGS];
        st.copy_from_slice(&v[N_TAGS * N_TAGS..N_TAGS * N_TAGS + N_TAGS]);
        en.copy_from_slice(&v[N_TAGS * N_TAGS + N_TAGS..TB]);
        (tr, st, en)
    }

    fn predict(&self, s: &SentData) -> Vec<usize> {
        let (tr, st, en) = self.trans(&self.tw);
        viterbi(&self.emissions(s), &tr, &st, &en)
    }

    fn upd_t(&mut self, i: usize, d: f32) {
        self.tw[i] += d;
        self.tu[i] += self.c * d;
    }

    fn learn(&mut self, s: &SentData) {
        let pred = self.predict(s);
        if pred != s.gold {
            let n = s.gold.len();
            for i in 0..n {
                let (g, p) = (s.gold[i], pred[i]);
                if g != p {
                    for &f in &s.feats[s.offsets[i] as usize..s.offsets[i + 1] as usize] {
                        let b = f as usize * N_TAGS;
                        self.w[b + g] += 1.0;
                        self.u[b + g] += self.c;
                        self.w[b + p] -= 1.0;
                        self.u[b + p] -= self.c;
                    }
                }
                if i > 0 && (s.gold[i - 1] != pred[i - 1] || g != p) {
                    self.upd_t(s.gold[i - 1] * N_TAGS + g, 1.0);
                    self.upd_t(pred[i - 1] * N_TAGS + p, -1.0);
                }
            }
            if s.gold[0] != pred[0] {
                self.upd_t(N_TAGS * N_TAGS + s.gold[0], 1.0);
                self.upd_t(N_TAGS * N_TAGS + pred[0], -1.0);
            }
            if s.gold[n - 1] != pred[n - 1] {
                self.upd_t(N_TAGS * N_TAGS + N_TAGS + s.gold[n - 1], 1.0);
                self.upd_t(N_TAGS * N_TAGS + N_TAGS + pred[n - 1], -1.0);
            }
        }
        self.c += 1.0;
    }

    /// The averaged weights as a tagger.
    fn averaged(&self) -> Linear {
        let c = self.c;
        let weights: Vec<f32> = self.w.iter().zip(&self.u).map(|(w, u)| w - u / c).collect();
        let t: Vec<f32> = self.tw.iter().zip(&self.tu).map(|(w, u)| w - u / c).collect();
        let (tr, st, en) = self.trans(&t);
        // Drop features whose averaged weights all vanish: they cost space and time only.
        let mut keys = Vec::new();
        let mut kept = Vec::new();
        for (i, &k) in self.keys.iter().enumerate() {
            let row = &weights[i * N_TAGS..(i + 1) * N_TAGS];
            if row.iter().any(|x| x.abs() > 1e-3) {
                keys.push(k);
                kept.extend_from_slice(row);
            }
        }
        Linear::new(keys, kept, tr, st, en)
    }
}

/// Builds the feature index from raw feature hashes and returns sentences as index lists.
fn index_data(raw: &[(Vec<u64>, Vec<u32>, Vec<usize>)]) -> (Vec<u32>, Vec<SentData>) {
    let mut counts: HashMap<u32, u32> = HashMap::new();
    for (f, _, _) in raw {
        for &h in f {
            *counts.entry(key32(h)).or_default() += 1;
        }
    }
    let mut keys: Vec<u32> = counts.iter().filter(|(_, c)| **c >= MIN_COUNT).map(|(k, _)| *k).collect();
    keys.sort_unstable();
    let index: HashMap<u32, u32> = keys.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
    let data = raw
        .iter()
        .map(|(f, off, gold)| {
            let mut feats = Vec::with_capacity(f.len());
            let mut offsets = vec![0u32];
            for i in 0..gold.len() {
                for &h in &f[off[i] as usize..off[i + 1] as usize] {
                    if let Some(&ix) = index.get(&key32(h)) {
                        feats.push(ix);
                    }
                }
                offsets.push(feats.len() as u32);
            }
            SentData { feats, offsets, gold: gold.clone() }
        })
        .collect();
    (keys, data)
}

/// Deterministic shuffle (xorshift), so the same data trains the same model.
fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    let mut s = seed | 1;
    for i in (1..n).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        v.swap(i, (s % (i as u64 + 1)) as usize);
    }
    v
}

fn train_linear(raw: &[(Vec<u64>, Vec<u32>, Vec<usize>)], epochs: usize, mut each_epoch: impl FnMut(usize, &Linear)) -> Linear {
    let (keys, data) = index_data(raw);
    let mut p = Perceptron::new(keys);
    for e in 0..epochs {
        for i in shuffled(data.len(), 0x9e37_79b9 + e as u64) {
            if !data[i].gold.is_empty() {
                p.learn(&data[i]);
            }
        }
        each_epoch(e, &p.averaged());
    }
    p.averaged()
}

fn spans_all(spans: &[(usize, usize, usize)]) -> Vec<(usize, usize, usize)> {
    spans.to_vec()
}

/// Trains the two-pass model; `log` receives progress lines (per-epoch dev F1 when `dev` given).
pub fn train(train: &[ConllDoc], dev: Option<&[ConllDoc]>, epochs: usize, log: &mut dyn FnMut(String)) -> NerModel {
    let fold_of = |d: usize| d % FOLDS;
    let learn_gaz = |skip: Option<usize>| {
        let items: Vec<(Vec<&str>, Vec<(usize, usize, usize)>)> = train
            .iter()
            .enumerate()
            .filter(|(d, _)| Some(fold_of(*d)) != skip)
            .flat_map(|(_, doc)| doc.sents.iter().map(|s| (s.words.iter().map(String::as_str).collect(), spans_all(&s.spans))))
            .collect();
        Gazetteer::learn(items.iter().map(|(w, s)| (w.as_slice(), s.as_slice())))
    };
    let full_gaz = learn_gaz(None);
    let fold_gaz: Vec<Gazetteer> = (0..FOLDS).map(|k| learn_gaz(Some(k))).collect();
    let inputs: Vec<DocInput> = train.iter().enumerate().map(|(d, doc)| doc_input(doc, &fold_gaz[fold_of(d)])).collect();
    let first_raw: Vec<Vec<(Vec<u64>, Vec<u32>, Vec<usize>)>> = inputs.iter().map(|d| sent_features(d, None)).collect();
    log(format!("train: {} documents, {} sentences", train.len(), first_raw.iter().map(Vec::len).sum::<usize>()));

    // Fold models of the first pass give the second pass honest votes on training documents.
    let mut first_tags: Vec<Vec<Vec<usize>>> = vec![Vec::new(); train.len()];
    for k in 0..FOLDS {
        let raw: Vec<_> = first_raw.iter().enumerate().filter(|(d, _)| fold_of(*d) != k).flat_map(|(_, s)| s.iter().cloned()).collect();
        let lin = train_linear(&raw, epochs, |_, _| {});
        for (d, sents) in first_raw.iter().enumerate().filter(|(d, _)| fold_of(*d) == k) {
            first_tags[d] = sents.iter().map(|(f, off, gold)| predict_raw(&lin, f, off, gold.len())).collect();
        }
        log(format!("first pass, fold {k}: done"));
    }
    let raw: Vec<_> = first_raw.iter().flat_map(|s| s.iter().cloned()).collect();
    let dev_inputs: Vec<DocInput> = dev.unwrap_or(&[]).iter().map(|doc| doc_input(doc, &full_gaz)).collect();
    let first = train_linear(&raw, epochs, |e, lin| {
        if !dev_inputs.is_empty() {
            let f1 = eval_inputs(&dev_inputs, lin, None);
            log(format!("first pass epoch {}: dev F1 {:.4}", e + 1, f1));
        }
    });
    let second_raw: Vec<_> = inputs
        .iter()
        .zip(&first_tags)
        .flat_map(|(d, tags)| sent_features(d, Some(&doc_votes(&d.df.infos, tags))))
        .collect();
    let second = train_linear(&second_raw, epochs, |e, lin| {
        if !dev_inputs.is_empty() {
            let f1 = eval_inputs(&dev_inputs, &first, Some(lin));
            log(format!("second pass epoch {}: dev F1 {:.4}", e + 1, f1));
        }
    });
    NerModel { gazetteer: full_gaz, first, second }
}

fn predict_raw(lin: &Linear, f: &[u64], off: &[u32], n: usize) -> Vec<usize> {
    let mut em = vec![[0f32; N_TAGS]; n];
    for (i, row) in em.iter_mut().enumerate() {
        lin.score_into(&f[off[i] as usize..off[i + 1] as usize], row);
    }
    lin.viterbi(&em)
}

fn eval_inputs(inputs: &[DocInput], first: &Linear, second: Option<&Linear>) -> f64 {
    let mut counts = Counts::default();
    for d in inputs {
        let tags: Vec<Vec<usize>> = sent_features(d, None).iter().map(|(f, off, g)| predict_raw(first, f, off, g.len())).collect();
        let tags = match second {
            None => tags,
            Some(lin) => {
                let votes = doc_votes(&d.df.infos, &tags);
                sent_features(d, Some(&votes)).iter().map(|(f, off, g)| predict_raw(lin, f, off, g.len())).collect()
            }
        };
        for (t, g) in tags.iter().zip(&d.gold) {
            counts.add(&spans_of(g), &spans_of(t));
        }
    }
    counts.f1()
}
