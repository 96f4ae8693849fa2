//! The trained tagger: two linear BILOU taggers (a first pass, and a second pass that also sees how
//! the first pass tagged the same words elsewhere in the document), the gazetteer, and the
//! gzip-compressed binary format the model is committed in.

use std::io::{Read, Write};

use super::NerError;
use super::features::{DocFeatures, N_TAGS, context_features, doc_votes, spans_of, vote_features, word_features};
use super::gazetteer::Gazetteer;

const MAGIC: &[u8; 8] = b"PWNER02\n";

/// One feature's weights: N_TAGS quantised weights (i16 values) held as i32, plus zero lanes up
/// to 20, in 16-byte alignment. Adding a row to the sums is then five aligned 4-lane adds, with
/// no widening of i16 lanes on every hit (most features of a token are hits).
#[derive(Debug, Clone, Copy)]
#[repr(align(16))]
struct Row([i32; LANES]);

const LANES: usize = 20;

const EMPTY_KEY: u32 = 0;

#[inline]
fn slot_of(k: u32) -> usize {
    ((k as u64).wrapping_mul(0x9E3779B97F4A7C15) >> 32) as usize
}

/// Feature key of a feature hash; never the empty marker.
#[inline]
pub fn key32(h: u64) -> u32 {
    let k = (h ^ (h >> 32)) as u32;
    if k == EMPTY_KEY { 1 } else { k }
}

/// One linear tagger: emission weights per feature, tag transitions, start and end scores.
///
/// The feature index is an open-addressing table (linear probing; keys are already hashes) of
/// 8-byte slots, each a key and the index of its row in `rows`. Most of a token's features are
/// not in the model, and a miss probes until an empty slot: keeping the slots small and the table
/// at most 3/8 full makes a miss one or two reads of one cache line, and only hits touch `rows`.
#[derive(Debug, Clone)]
pub struct Linear {
    /// `key | row index << 32`, or 0 (EMPTY_KEY) for a free slot.
    slots: Vec<u64>,
    rows: Vec<Row>,
    mask: usize,
    /// Number of features.
    pub len: usize,
    /// Weight units: a stored i16 times `scale` is the weight.
    pub scale: f32,
    pub trans: [[f32; N_TAGS]; N_TAGS],
    pub start: [f32; N_TAGS],
    pub end: [f32; N_TAGS],
}

/// Asks the CPU to start loading `x` into cache.
#[inline(always)]
fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetch is a hint and never faults; the pointer comes from a reference.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(x as *const T as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// Whether tag `b` may follow tag `a` in BILOU.
pub fn allowed(a: usize, b: usize) -> bool {
    use super::features::tag_parts;
    let open = |t: usize| matches!(tag_parts(t), Some((_, 0)) | Some((_, 1)));
    match (tag_parts(a), tag_parts(b)) {
        (_, Some((lb, pb))) if pb == 1 || pb == 2 => matches!(tag_parts(a), Some((la, pa)) if la == lb && (pa == 0 || pa == 1)),
        _ => !open(a),
    }
}

pub fn allowed_start(t: usize) -> bool {
    !matches!(super::features::tag_parts(t), Some((_, 1)) | Some((_, 2)))
}

pub fn allowed_end(t: usize) -> bool {
    !matches!(super::features::tag_parts(t), Some((_, 0)) | Some((_, 1)))
}

impl Linear {
    /// From float weights (row-major, N_TAGS per key), quantised to i16.
    pub fn new(keys: Vec<u32>, weights: Vec<f32>, trans: [[f32; N_TAGS]; N_TAGS], start: [f32; N_TAGS], end: [f32; N_TAGS]) -> Linear {
        let max = weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 32000.0 } else { 1.0 };
        let rows = keys.iter().enumerate().map(|(i, &k)| {
            let mut w = [0i16; N_TAGS];
            for t in 0..N_TAGS {
                w[t] = (weights[i * N_TAGS + t] / scale).round().clamp(-32767.0, 32767.0) as i16;
            }
            (k, w)
        });
        Linear::from_rows(rows.collect(), scale, trans, start, end)
    }

    pub fn from_rows(rows: Vec<(u32, [i16; N_TAGS])>, scale: f32, trans: [[f32; N_TAGS]; N_TAGS], start: [f32; N_TAGS], end: [f32; N_TAGS]) -> Linear {
        let rows: Vec<_> = rows.into_iter().filter(|(_, w)| w.iter().any(|&x| x != 0)).collect();
        let cap = (rows.len() * 8 / 3 + 1).next_power_of_two().max(16);
        let mut slots = vec![EMPTY_KEY as u64; cap];
        let mut table: Vec<Row> = Vec::with_capacity(rows.len());
        let mask = cap - 1;
        for (k, w) in rows {
            let k = if k == EMPTY_KEY { 1 } else { k };
            let mut p = slot_of(k) & mask;
            while slots[p] != EMPTY_KEY as u64 && slots[p] as u32 != k {
                p = (p + 1) & mask;
            }
            let mut lanes = Row([0; LANES]);
            for (l, &x) in lanes.0.iter_mut().zip(&w) {
                *l = x as i32;
            }
            if slots[p] == EMPTY_KEY as u64 {
                slots[p] = k as u64 | (table.len() as u64) << 32;
                table.push(lanes);
            } else {
                // A repeated key: the last row wins.
                table[(slots[p] >> 32) as usize] = lanes;
            }
        }
        Linear { len: table.len(), slots, rows: table, mask, scale, trans, start, end }
    }

    /// Features and their quantised weights, sorted by key.
    pub fn rows(&self) -> Vec<(u32, [i16; N_TAGS])> {
        let mut v: Vec<_> = self
            .slots
            .iter()
            .filter(|&&s| s != EMPTY_KEY as u64)
            .map(|&s| {
                let mut w = [0i16; N_TAGS];
                for (x, &l) in w.iter_mut().zip(&self.rows[(s >> 32) as usize].0) {
                    *x = l as i16;
                }
                (s as u32, w)
            })
            .collect();
        v.sort_unstable_by_key(|r| r.0);
        v
    }

    /// Row index of key `k`, probing from its home slot `p` (`slot_of(k) & mask`).
    #[inline]
    fn find_from(&self, k: u32, mut p: usize) -> Option<usize> {
        loop {
            let s = self.slots[p];
            if s as u32 == k {
                return Some((s >> 32) as usize);
            }
            if s == EMPTY_KEY as u64 {
                return None;
            }
            p = (p + 1) & self.mask;
        }
    }

    #[cfg(test)]
    fn get(&self, k: u32) -> Option<&Row> {
        self.find_from(k, slot_of(k) & self.mask).map(|i| &self.rows[i])
    }

    /// Emission scores of a token's features.
    #[inline]
    pub fn score(&self, feats: &[u64]) -> [f32; N_TAGS] {
        self.score_from(&Row([0; LANES]), feats)
    }

    /// Summed quantised weights of some features: with [`Linear::score_from`], a part of a
    /// token's features can be summed once and reused.
    fn sums(&self, feats: &[u64]) -> Row {
        Row(self.add_rows(feats))
    }

    /// Emission scores of `base` (from [`Linear::sums`]) and the features `feats`. Integer sums
    /// are exact, so this equals [`Linear::score`] of both sets of features together.
    #[inline(always)]
    fn score_from(&self, base: &Row, feats: &[u64]) -> [f32; N_TAGS] {
        let acc = self.add_rows(feats);
        let mut row = [0f32; N_TAGS];
        for t in 0..N_TAGS {
            row[t] = (base.0[t] + acc[t]) as f32 * self.scale;
        }
        row
    }

    /// The sum of the features' weight rows.
    #[inline(always)]
    fn add_rows(&self, feats: &[u64]) -> [i32; LANES] {
        // Integer sums are exact, so the order features are added in does not matter. (The sums
        // start from zero here: started from a caller's row, LLVM keeps them in 20 scalars.)
        let mut acc = [0i32; LANES];
        // In batches: prefetch every feature's slot, then find the rows and prefetch those, then
        // add them up, so the cache misses of a batch overlap instead of queueing. A batch holds
        // a word's features or a token's context features (about 12 and 17-25); its scratch
        // arrays are zeroed on every call, so they are no bigger than that.
        const BATCH: usize = 32;
        for batch in feats.chunks(BATCH) {
            // Each feature's key and home slot, computed once for the prefetch and the probe.
            let mut probes = [(0u32, 0u32); BATCH];
            for (probe, &f) in probes.iter_mut().zip(batch) {
                let k = key32(f);
                let p = slot_of(k) & self.mask;
                prefetch(&self.slots[p]);
                *probe = (k, p as u32);
            }
            let mut hits = [0u32; BATCH];
            let mut n = 0;
            for &(k, p) in &probes[..batch.len()] {
                if let Some(r) = self.find_from(k, p as usize) {
                    prefetch(&self.rows[r]);
                    hits[n] = r as u32;
                    n += 1;
                }
            }
            for &r in &hits[..n] {
                let w = &self.rows[r as usize].0;
                for t in 0..LANES {
                    acc[t] += w[t];
                }
            }
        }
        acc
    }

    /// Best well-formed tag sequence for the emission scores.
    pub fn viterbi(&self, em: &[[f32; N_TAGS]]) -> Vec<usize> {
        viterbi(em, &self.trans, &self.start, &self.end)
    }
}


/// Tags that close an entity (O, L-*, U-*): the only tags that may precede O, B-* and U-*.
const CLOSED: [usize; 9] = [0, 3, 4, 7, 8, 11, 12, 15, 16];
/// O, B-* and U-*: the tags that may follow a closing tag.
const OPENING: [usize; 9] = [0, 1, 4, 5, 8, 9, 12, 13, 16];
/// Score of forbidden starts; no real path score comes near it.
const NEG: f32 = -1e30;

/// Best well-formed BILOU tag sequence for the emission scores.
///
/// The forward pass keeps only path scores, as maxima; the backtrace then re-derives the one
/// predecessor of each chosen tag from the previous token's scores with the comparisons of the
/// classic recurrence (first strict maximum in `CLOSED` order; `>=` between B-x and I-x), so it
/// picks exactly the predecessor a back-pointer table would have held, without filling one
/// for every tag of every token.
pub fn viterbi(em: &[[f32; N_TAGS]], trans: &[[f32; N_TAGS]; N_TAGS], start: &[f32; N_TAGS], end: &[f32; N_TAGS]) -> Vec<usize> {
    let mut tags = Vec::new();
    viterbi_into(em, trans, start, end, &mut Vec::new(), &mut tags);
    tags
}

/// [`viterbi`] writing the tags into `tags` and keeping its path scores in `scores`, so a caller
/// decoding sentence after sentence reuses both buffers instead of allocating them per sentence.
pub fn viterbi_into(
    em: &[[f32; N_TAGS]],
    trans: &[[f32; N_TAGS]; N_TAGS],
    start: &[f32; N_TAGS],
    end: &[f32; N_TAGS],
    scores: &mut Vec<[f32; N_TAGS]>,
    tags: &mut Vec<usize>,
) {
    let n = em.len();
    tags.clear();
    if n == 0 {
        return;
    }
    // scores[i][t]: best score of a well-formed path over tokens 0..=i ending in tag t.
    scores.clear();
    scores.resize(n, [NEG; N_TAGS]);
    for t in 0..N_TAGS {
        if allowed_start(t) {
            scores[0][t] = em[0][t] + start[t];
        }
    }
    forward(em, trans, scores);
    let last = &scores[n - 1];
    let mut best = NEG;
    let mut arg = 0;
    for t in 0..N_TAGS {
        if allowed_end(t) {
            let s = last[t] + end[t];
            if s > best {
                best = s;
                arg = t;
            }
        }
    }
    tags.resize(n, 0);
    tags[n - 1] = arg;
    for i in (1..n).rev() {
        tags[i - 1] = predecessor(&scores[i - 1], trans, tags[i]);
    }
}

/// Viterbi's forward pass: the path scores of tokens 1.. from those of token 0, by the AVX
/// build of [`forward_plain`] where the CPU has AVX (the default target is plain x86-64, whose
/// SSE does the nine-target maximum in three 4-lane steps and two-operand moves). Both builds do
/// the same float additions and comparisons per lane, so give the same scores bit for bit.
fn forward(em: &[[f32; N_TAGS]], trans: &[[f32; N_TAGS]; N_TAGS], scores: &mut [[f32; N_TAGS]]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX (checked just above).
        unsafe { forward_avx(em, trans, scores) };
        return;
    }
    forward_plain(em, trans, scores)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn forward_avx(em: &[[f32; N_TAGS]], trans: &[[f32; N_TAGS]; N_TAGS], scores: &mut [[f32; N_TAGS]]) {
    forward_plain(em, trans, scores)
}

#[inline(always)]
fn forward_plain(em: &[[f32; N_TAGS]], trans: &[[f32; N_TAGS]; N_TAGS], scores: &mut [[f32; N_TAGS]]) {
    // The 9 x 9 closed -> opening transitions, one row per predecessor and padded to 12 lanes,
    // so the maximum over predecessors runs for the nine targets at once in SIMD lanes. Each
    // lane sees the same sums in the same order as a per-target loop, so the same maximum.
    const W: usize = 12;
    let mut open_trans = [[0f32; W]; CLOSED.len()];
    for (row, &a) in open_trans.iter_mut().zip(CLOSED.iter()) {
        for (x, &b) in row.iter_mut().zip(OPENING.iter()) {
            *x = trans[a][b];
        }
    }
    for i in 1..em.len() {
        let cur = scores[i - 1];
        let e = &em[i];
        let mut best = [NEG; W];
        for (row, &a) in open_trans.iter().zip(CLOSED.iter()) {
            let c = cur[a];
            for j in 0..W {
                let s = c + row[j];
                best[j] = if s > best[j] { s } else { best[j] };
            }
        }
        let next = &mut scores[i];
        for (j, &b) in OPENING.iter().enumerate() {
            next[b] = best[j] + e[b];
        }
        // I-x and L-x follow only B-x or I-x.
        for l in 0..4 {
            let (bt, it) = (1 + 4 * l, 2 + 4 * l);
            for b in [it, it + 1] {
                let sb = cur[bt] + trans[bt][b];
                let si = cur[it] + trans[it][b];
                next[b] = (if sb >= si { sb } else { si }) + e[b];
            }
        }
    }
}

/// The tag before `b` on the best path to `b`, given the previous token's path scores: the first
/// closing tag with the strictly highest score (O when none beats NEG), or for I-x and L-x,
/// B-x unless I-x scores strictly higher.
fn predecessor(cur: &[f32; N_TAGS], trans: &[[f32; N_TAGS]; N_TAGS], b: usize) -> usize {
    if b != 0 && matches!((b - 1) % 4, 1 | 2) {
        let (bt, it) = (b - (b - 1) % 4, b - (b - 1) % 4 + 1);
        let sb = cur[bt] + trans[bt][b];
        let si = cur[it] + trans[it][b];
        return if sb >= si { bt } else { it };
    }
    let mut best = NEG;
    let mut arg = 0;
    for &a in CLOSED.iter() {
        let s = cur[a] + trans[a][b];
        if s > best {
            best = s;
            arg = a;
        }
    }
    arg
}

#[cfg(test)]
static ALLOWED: [[bool; N_TAGS]; N_TAGS] = {
    // Computed at compile time from the BILOU rules (same as `allowed`).
    let mut m = [[false; N_TAGS]; N_TAGS];
    let mut a = 0;
    while a < N_TAGS {
        let mut b = 0;
        while b < N_TAGS {
            let a_open = a != 0 && ((a - 1) % 4 == 0 || (a - 1) % 4 == 1);
            let b_cont = b != 0 && ((b - 1) % 4 == 1 || (b - 1) % 4 == 2);
            m[a][b] = if b_cont { a_open && (a - 1) / 4 == (b - 1) / 4 } else { !a_open };
            b += 1;
        }
        a += 1;
    }
    m
};

/// The whole tagger.
#[derive(Debug, Clone)]
pub struct NerModel {
    pub gazetteer: Gazetteer,
    pub first: Linear,
    /// Vote features only; its scores add to the first pass's, its transitions to the first's.
    pub second: Linear,
    /// First plus second transitions, for second-pass decoding.
    combined: ([[f32; N_TAGS]; N_TAGS], [f32; N_TAGS], [f32; N_TAGS]),
}

/// Entity spans (start token, end token exclusive, label index) of one sentence.
pub type SentSpans = Vec<(usize, usize, usize)>;

impl NerModel {
    pub fn new(gazetteer: Gazetteer, first: Linear, second: Linear) -> NerModel {
        let mut combined = (first.trans, first.start, first.end);
        for a in 0..N_TAGS {
            for b in 0..N_TAGS {
                combined.0[a][b] += second.trans[a][b];
            }
            combined.1[a] += second.start[a];
            combined.2[a] += second.end[a];
        }
        NerModel { gazetteer, first, second, combined }
    }

    /// Tags one document given as sentences of words; returns spans per sentence.
    pub fn tag_document(&self, sents: &[Vec<&str>]) -> Vec<SentSpans> {
        let df = DocFeatures::new(sents);
        let mut feats: Vec<u64> = Vec::with_capacity(64);
        let mut ems = self.first_emissions(&df, &mut feats);
        let mut first_tags = Vec::with_capacity(sents.len());
        // Viterbi's path scores and the second pass's tags, reused from sentence to sentence.
        let mut scores: Vec<[f32; N_TAGS]> = Vec::new();
        let mut tags: Vec<usize> = Vec::new();
        for em in &ems {
            let mut first = Vec::with_capacity(em.len());
            viterbi_into(em, &self.first.trans, &self.first.start, &self.first.end, &mut scores, &mut first);
            first_tags.push(first);
        }
        // Second pass: the first pass's scores plus what its votes elsewhere in the document say.
        let votes = doc_votes(&df.infos, &first_tags);
        let (tr, st, en) = &self.combined;
        let mut out = Vec::with_capacity(sents.len());
        for (si, inf) in df.infos.iter().enumerate() {
            let em = &mut ems[si];
            for (i, row) in em.iter_mut().enumerate() {
                feats.clear();
                vote_features(inf, &votes[si], i, &mut feats);
                if !feats.is_empty() {
                    let extra = self.second.score(&feats);
                    for t in 0..N_TAGS {
                        row[t] += extra[t];
                    }
                }
            }
            viterbi_into(em, tr, st, en, &mut scores, &mut tags);
            out.push(spans_of(&tags));
        }
        out
    }

    /// First-pass emission scores of every token of a document, sentence by sentence: by the
    /// AVX2 build of [`NerModel::first_emissions_plain`] where the CPU has AVX2 (it adds a
    /// weight row in three 8-lane steps rather than five 4-lane ones). Integer sums, so both
    /// builds give the same scores.
    fn first_emissions(&self, df: &DocFeatures, feats: &mut Vec<u64>) -> Vec<Vec<[f32; N_TAGS]>> {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above).
            return unsafe { self.first_emissions_avx2(df, feats) };
        }
        self.first_emissions_plain(df, feats)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn first_emissions_avx2(&self, df: &DocFeatures, feats: &mut Vec<u64>) -> Vec<Vec<[f32; N_TAGS]>> {
        self.first_emissions_plain(df, feats)
    }

    #[inline(always)]
    fn first_emissions_plain(&self, df: &DocFeatures, feats: &mut Vec<u64>) -> Vec<Vec<[f32; N_TAGS]>> {
        // A document repeats its words, and the features of a word alone (about 12 of a token's
        // 30) are the same on each of its tokens: their weights are summed once per distinct
        // word, and each token adds only its context's features to its word's sums.
        let word_sums: Vec<Row> = df
            .words
            .iter()
            .map(|w| {
                feats.clear();
                word_features(w, feats);
                self.first.sums(feats)
            })
            .collect();
        let mut word_of = &df.word_of[..];
        let mut ems = Vec::with_capacity(df.infos.len());
        for (inf, ctx) in df.infos.iter().zip(&df.ctx) {
            let gaz = self.gazetteer.mark(inf);
            let (ids, rest) = word_of.split_at(inf.len());
            word_of = rest;
            let em: Vec<[f32; N_TAGS]> = ids
                .iter()
                .enumerate()
                .map(|(i, &w)| {
                    feats.clear();
                    context_features(inf, ctx, &gaz, i, feats);
                    self.first.score_from(&word_sums[w as usize], feats)
                })
                .collect();
            ems.push(em);
        }
        ems
    }

    /// The model as gzip-compressed bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, NerError> {
        let mut raw: Vec<u8> = Vec::new();
        raw.extend_from_slice(MAGIC);
        raw.extend_from_slice(&(self.gazetteer.entries.len() as u32).to_le_bytes());
        for (name, mask) in &self.gazetteer.entries {
            raw.push(*mask);
            let b = name.as_bytes();
            raw.extend_from_slice(&(b.len().min(u16::MAX as usize) as u16).to_le_bytes());
            raw.extend_from_slice(&b[..b.len().min(u16::MAX as usize)]);
        }
        for lin in [&self.first, &self.second] {
            write_linear(&mut raw, lin);
        }
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&raw).map_err(|e| NerError::Model(e.to_string()))?;
        enc.finish().map_err(|e| NerError::Model(e.to_string()))
    }

    pub fn from_bytes(gz: &[u8]) -> Result<NerModel, NerError> {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(gz).read_to_end(&mut raw).map_err(|e| NerError::Model(format!("not a gzip model: {e}")))?;
        let mut r = Reader { b: &raw, p: 0 };
        if r.take(MAGIC.len())? != MAGIC {
            return Err(NerError::Model("not a presswork NER model (bad magic)".into()));
        }
        let n = r.u32()? as usize;
        let mut entries = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let mask = r.take(1)?[0];
            let len = r.u16()? as usize;
            let name = std::str::from_utf8(r.take(len)?).map_err(|e| NerError::Model(e.to_string()))?.to_string();
            entries.push((name, mask));
        }
        let gazetteer = Gazetteer::from_entries(entries);
        let first = read_linear(&mut r)?;
        let second = read_linear(&mut r)?;
        Ok(NerModel::new(gazetteer, first, second))
    }
}

/// Weights are stored sparse: per feature the key (delta-coded), a bit mask of non-zero tags and
/// one i16 per set bit, in units of `scale`.
fn write_linear(raw: &mut Vec<u8>, lin: &Linear) {
    raw.extend_from_slice(&lin.scale.to_le_bytes());
    for row in lin.trans.iter() {
        for v in row {
            raw.extend_from_slice(&v.to_le_bytes());
        }
    }
    for v in lin.start.iter().chain(lin.end.iter()) {
        raw.extend_from_slice(&v.to_le_bytes());
    }
    let rows = lin.rows();
    raw.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    let mut prev = 0u32;
    for (k, w) in rows {
        raw.extend_from_slice(&(k.wrapping_sub(prev)).to_le_bytes());
        prev = k;
        let mask = w.iter().enumerate().fold(0u32, |m, (t, &x)| if x != 0 { m | 1 << t } else { m });
        raw.extend_from_slice(&mask.to_le_bytes()[..3]);
        for x in w.iter().filter(|&&x| x != 0) {
            raw.extend_from_slice(&x.to_le_bytes());
        }
    }
}

fn read_linear(r: &mut Reader) -> Result<Linear, NerError> {
    let scale = r.f32()?;
    let mut trans = [[0f32; N_TAGS]; N_TAGS];
    for row in trans.iter_mut() {
        for v in row.iter_mut() {
            *v = r.f32()?;
        }
    }
    let mut start = [0f32; N_TAGS];
    let mut end = [0f32; N_TAGS];
    for v in start.iter_mut().chain(end.iter_mut()) {
        *v = r.f32()?;
    }
    let n = r.u32()? as usize;
    let mut rows = Vec::with_capacity(n.min(1 << 24));
    let mut prev = 0u32;
    for _ in 0..n {
        let k = prev.wrapping_add(r.u32()?);
        prev = k;
        let m = r.take(3)?;
        let mask = m[0] as u32 | (m[1] as u32) << 8 | (m[2] as u32) << 16;
        let mut w = [0i16; N_TAGS];
        for (t, x) in w.iter_mut().enumerate() {
            if mask & (1 << t) != 0 {
                *x = r.u16()? as i16;
            }
        }
        rows.push((k, w));
    }
    Ok(Linear::from_rows(rows, scale, trans, start, end))
}

struct Reader<'a> {
    b: &'a [u8],
    p: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], NerError> {
        if self.p + n > self.b.len() {
            return Err(NerError::Model("model file is truncated".into()));
        }
        let s = &self.b[self.p..self.p + n];
        self.p += n;
        Ok(s)
    }
    fn u16(&mut self) -> Result<u16, NerError> {
        let s = self.take(2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Result<u32, NerError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn f32(&mut self) -> Result<f32, NerError> {
        Ok(f32::from_bits(self.u32()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_time_transitions_match_rules() {
        for (a, row) in ALLOWED.iter().enumerate() {
            for (b, &ok) in row.iter().enumerate() {
                assert_eq!(ok, allowed(a, b), "{a}->{b}");
            }
        }
        // B-PER -> L-PER allowed, O -> I-PER not, B-PER -> O not.
        assert!(allowed(1, 3));
        assert!(!allowed(0, 2));
        assert!(!allowed(1, 0));
    }

    /// Seeded random scores in [-10, 10) for the Viterbi tests (xorshift64).
    struct RandomScores(u64);

    impl RandomScores {
        fn next(&mut self) -> f32 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % 2000) as f32 / 100.0 - 10.0
        }

        fn emissions(&mut self, n: usize) -> Vec<[f32; N_TAGS]> {
            (0..n).map(|_| std::array::from_fn(|_| self.next())).collect()
        }

        /// Transition, start and end scores.
        fn model(&mut self) -> ([[f32; N_TAGS]; N_TAGS], [f32; N_TAGS], [f32; N_TAGS]) {
            let trans = std::array::from_fn(|_| std::array::from_fn(|_| self.next()));
            let (mut st, mut en) = ([0f32; N_TAGS], [0f32; N_TAGS]);
            for t in 0..N_TAGS {
                st[t] = self.next();
                en[t] = self.next();
            }
            (trans, st, en)
        }
    }

    /// Decoding with buffers reused across sentences of varying lengths (longer, shorter, empty)
    /// gives what decoding each with fresh buffers gives.
    #[test]
    fn viterbi_into_reuses_buffers_exactly() {
        let mut rnd = RandomScores(987654321);
        let (trans, st, en) = rnd.model();
        let (mut scores, mut tags) = (Vec::new(), Vec::new());
        for n in [7, 30, 2, 0, 1, 12, 40, 3] {
            let em = rnd.emissions(n);
            viterbi_into(&em, &trans, &st, &en, &mut scores, &mut tags);
            assert_eq!(tags, viterbi(&em, &trans, &st, &en), "n = {n}");
        }
    }

    /// The AVX build of the forward pass gives the plain build's path scores bit for bit (the
    /// random scores are in hundredths, so sums tie often).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx_forward_pass_equals_the_plain_one() {
        if !std::arch::is_x86_feature_detected!("avx") {
            return;
        }
        let mut rnd = RandomScores(4242);
        for n in [1, 2, 5, 17, 60] {
            let em = rnd.emissions(n);
            let (trans, _, _) = rnd.model();
            let first: Vec<[f32; N_TAGS]> = vec![rnd.emissions(1)[0]; n];
            let (mut plain, mut avx) = (first.clone(), first);
            forward_plain(&em, &trans, &mut plain);
            // SAFETY: the CPU supports AVX (checked above).
            unsafe { forward_avx(&em, &trans, &mut avx) };
            let bits = |v: &[[f32; N_TAGS]]| v.iter().map(|r| r.map(f32::to_bits)).collect::<Vec<_>>();
            assert_eq!(bits(&plain), bits(&avx), "n = {n}");
        }
    }

    /// Viterbi's hand-written predecessor sets agree with exhaustive search over well-formed
    /// sequences.
    #[test]
    fn viterbi_is_exact() {
        let mut rnd = RandomScores(12345);
        for n in 1..=3 {
            let em = rnd.emissions(n);
            let (trans, st, en) = rnd.model();
            let got = viterbi(&em, &trans, &st, &en);
            let score = |seq: &[usize]| {
                let mut s = st[seq[0]] + en[seq[n - 1]];
                for i in 0..n {
                    s += em[i][seq[i]];
                    if i > 0 {
                        s += trans[seq[i - 1]][seq[i]];
                    }
                }
                s
            };
            let mut best = (f32::MIN, Vec::new());
            let total = N_TAGS.pow(n as u32);
            for code in 0..total {
                let seq: Vec<usize> = (0..n).map(|i| code / N_TAGS.pow(i as u32) % N_TAGS).collect();
                let ok = allowed_start(seq[0]) && allowed_end(seq[n - 1]) && seq.windows(2).all(|w| allowed(w[0], w[1]));
                if ok && score(&seq) > best.0 {
                    best = (score(&seq), seq);
                }
            }
            assert_eq!(got, best.1, "n={n}");
        }
    }

    /// Random documents over a small vocabulary of names, capitals, affixes, digits and
    /// punctuation, so words repeat within a document as they do in news.
    fn random_documents(seed: u64) -> Vec<Vec<Vec<&'static str>>> {
        let vocab = [
            "The", "the", "said", "Putin", "PUTIN", "putin", "New", "York", "Times", "Bank", "of", "England", "in", "Kyiv",
            "Zelensky", "met", "on", "Monday", ",", ".", "\"", "(", ")", "1996", "U.S.", "Army", "NATO", "talks", "Кремль",
            "Ébola", "McDonald's", "e-mail", "3rd", "and", "a", "Germany", "German", "European", "Union", "minister",
        ];
        let mut x = seed;
        let mut next = move |m: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % m as u64) as usize
        };
        (0..40).map(|_| (0..next(12)).map(|_| (0..next(30)).map(|_| vocab[next(vocab.len())]).collect()).collect()).collect()
    }

    /// First-pass emissions from per-word sums plus context features (by the AVX2 build where
    /// the CPU has it) are those of each token's full feature list by the plain `score`.
    #[test]
    fn word_sums_give_the_full_scores() {
        use crate::ner::features::token_features;
        let model = crate::ner::embedded_model().unwrap();
        for doc in random_documents(0x2545F4914F6CDD1D) {
            let df = DocFeatures::new(&doc);
            let got = model.first_emissions(&df, &mut Vec::new());
            assert_eq!(got.len(), doc.len());
            for (si, inf) in df.infos.iter().enumerate() {
                let gaz = model.gazetteer.mark(inf);
                let mut feats = Vec::new();
                for i in 0..inf.len() {
                    feats.clear();
                    token_features(inf, &df.ctx[si], &gaz, i, &mut feats);
                    let want = model.first.score(&feats);
                    assert_eq!(got[si][i].map(f32::to_bits), want.map(f32::to_bits), "{:?} token {i}", doc[si]);
                }
            }
        }
    }

    #[test]
    fn table_finds_every_key() {
        let keys: Vec<u32> = (1..1000u32).map(|i| i.wrapping_mul(2654435761)).collect();
        let weights: Vec<f32> = (0..keys.len() * N_TAGS).map(|i| (i % 7) as f32 - 3.0).collect();
        let z = [[0f32; N_TAGS]; N_TAGS];
        let lin = Linear::new(keys.clone(), weights, z, [0.0; N_TAGS], [0.0; N_TAGS]);
        for (i, &k) in keys.iter().enumerate() {
            let w = lin.get(k).unwrap();
            for (t, &q) in w.0.iter().take(N_TAGS).enumerate() {
                assert!((q as f32 * lin.scale - ((i * N_TAGS + t) % 7) as f32 + 3.0).abs() < 1e-3);
            }
        }
        assert!(lin.get(7).is_none());
    }
}
