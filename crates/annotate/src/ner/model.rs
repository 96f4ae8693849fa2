//! The trained tagger: two linear BILOU taggers (a first pass, and a second pass that also sees how
//! the first pass tagged the same words elsewhere in the document), the gazetteer, and the
//! gzip-compressed binary format the model is committed in.

use std::io::{Read, Write};

use super::NerError;
use super::features::{DocFeatures, DocVotes, N_TAGS, doc_votes, spans_of, token_features};
use super::gazetteer::Gazetteer;

const MAGIC: &[u8; 8] = b"PWNER01\n";

/// Feature hash -> weight row, open addressing with linear probing (keys are already hashes).
#[derive(Debug, Clone, Default)]
pub struct FeatureTable {
    slots: Vec<(u32, u32)>,
    mask: usize,
}

const EMPTY: u32 = u32::MAX;

impl FeatureTable {
    pub fn new(keys: &[u32]) -> FeatureTable {
        let cap = (keys.len() * 2).next_power_of_two().max(16);
        let mut slots = vec![(0u32, EMPTY); cap];
        let mask = cap - 1;
        for (row, &k) in keys.iter().enumerate() {
            let mut p = slot_of(k) & mask;
            while slots[p].1 != EMPTY && slots[p].0 != k {
                p = (p + 1) & mask;
            }
            slots[p] = (k, row as u32);
        }
        FeatureTable { slots, mask }
    }

    #[inline]
    pub fn get(&self, k: u32) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mut p = slot_of(k) & self.mask;
        loop {
            let (key, row) = self.slots[p];
            if row == EMPTY {
                return None;
            }
            if key == k {
                return Some(row as usize);
            }
            p = (p + 1) & self.mask;
        }
    }
}

#[inline]
fn slot_of(k: u32) -> usize {
    ((k as u64).wrapping_mul(0x9E3779B97F4A7C15) >> 32) as usize
}

#[inline]
pub fn key32(h: u64) -> u32 {
    (h ^ (h >> 32)) as u32
}

/// One linear tagger: emission weights per feature, tag transitions, start and end scores.
#[derive(Debug, Clone)]
pub struct Linear {
    pub keys: Vec<u32>,
    pub table: FeatureTable,
    /// Row-major: N_TAGS weights per feature.
    pub weights: Vec<f32>,
    pub trans: [[f32; N_TAGS]; N_TAGS],
    pub start: [f32; N_TAGS],
    pub end: [f32; N_TAGS],
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
    pub fn new(keys: Vec<u32>, weights: Vec<f32>, trans: [[f32; N_TAGS]; N_TAGS], start: [f32; N_TAGS], end: [f32; N_TAGS]) -> Linear {
        let table = FeatureTable::new(&keys);
        Linear { keys, table, weights, trans, start, end }
    }

    /// Adds the emission scores of a token's features into `row`.
    #[inline]
    pub fn score_into(&self, feats: &[u64], row: &mut [f32; N_TAGS]) {
        for &f in feats {
            if let Some(r) = self.table.get(key32(f)) {
                let w = &self.weights[r * N_TAGS..r * N_TAGS + N_TAGS];
                for t in 0..N_TAGS {
                    row[t] += w[t];
                }
            }
        }
    }

    /// Best well-formed tag sequence for the emission scores.
    pub fn viterbi(&self, em: &[[f32; N_TAGS]]) -> Vec<usize> {
        viterbi(em, &self.trans, &self.start, &self.end)
    }
}

pub fn viterbi(em: &[[f32; N_TAGS]], trans: &[[f32; N_TAGS]; N_TAGS], start: &[f32; N_TAGS], end: &[f32; N_TAGS]) -> Vec<usize> {
    let n = em.len();
    if n == 0 {
        return Vec::new();
    }
    const NEG: f32 = -1e30;
    let mut back = vec![[0u8; N_TAGS]; n];
    let mut cur = [NEG; N_TAGS];
    for t in 0..N_TAGS {
        if allowed_start(t) {
            cur[t] = em[0][t] + start[t];
        }
    }
    for i in 1..n {
        let mut next = [NEG; N_TAGS];
        for b in 0..N_TAGS {
            let mut best = NEG;
            let mut arg = 0u8;
            for a in 0..N_TAGS {
                if cur[a] <= NEG || !ALLOWED[a][b] {
                    continue;
                }
                let s = cur[a] + trans[a][b];
                if s > best {
                    best = s;
                    arg = a as u8;
                }
            }
            if best > NEG {
                next[b] = best + em[i][b];
                back[i][b] = arg;
            }
        }
        cur = next;
    }
    let mut best = NEG;
    let mut arg = 0;
    for t in 0..N_TAGS {
        if allowed_end(t) && cur[t] > NEG {
            let s = cur[t] + end[t];
            if s > best {
                best = s;
                arg = t;
            }
        }
    }
    let mut tags = vec![0; n];
    tags[n - 1] = arg;
    for i in (1..n).rev() {
        tags[i - 1] = back[i][tags[i]] as usize;
    }
    tags
}

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
    pub second: Linear,
}

/// Entity spans (start token, end token exclusive, label index) of one sentence.
pub type SentSpans = Vec<(usize, usize, usize)>;

impl NerModel {
    /// Tags one document given as sentences of words; returns spans per sentence.
    pub fn tag_document(&self, sents: &[Vec<&str>]) -> Vec<SentSpans> {
        let df = DocFeatures::new(sents);
        let gaz: Vec<Vec<u32>> = df.infos.iter().map(|inf| self.gazetteer.mark(inf)).collect();
        let mut feats: Vec<u64> = Vec::with_capacity(64);
        let mut em: Vec<[f32; N_TAGS]> = Vec::new();
        let mut first_tags = Vec::with_capacity(sents.len());
        for (si, inf) in df.infos.iter().enumerate() {
            em.clear();
            for i in 0..inf.len() {
                feats.clear();
                token_features(inf, &df.ctx[si], &gaz[si], None, i, &mut feats);
                let mut row = [0f32; N_TAGS];
                self.first.score_into(&feats, &mut row);
                em.push(row);
            }
            first_tags.push(self.first.viterbi(&em));
        }
        let votes = doc_votes(&df.infos, &first_tags);
        let mut out = Vec::with_capacity(sents.len());
        for (si, inf) in df.infos.iter().enumerate() {
            em.clear();
            for i in 0..inf.len() {
                feats.clear();
                token_features(inf, &df.ctx[si], &gaz[si], Some(&votes[si]), i, &mut feats);
                let mut row = [0f32; N_TAGS];
                self.second.score_into(&feats, &mut row);
                em.push(row);
            }
            out.push(spans_of(&self.second.viterbi(&em)));
        }
        out
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
        Ok(NerModel { gazetteer, first, second })
    }
}

/// Weights are stored sparse and quantised: per feature the key, a bit mask of non-zero tags and
/// one i16 per set bit, in units of `scale`.
fn write_linear(raw: &mut Vec<u8>, lin: &Linear) {
    let max = lin.weights.iter().fold(0f32, |m, w| m.max(w.abs()));
    let scale = if max > 0.0 { max / 32000.0 } else { 1.0 };
    raw.extend_from_slice(&scale.to_le_bytes());
    for row in lin.trans.iter() {
        for v in row {
            raw.extend_from_slice(&v.to_le_bytes());
        }
    }
    for v in lin.start.iter().chain(lin.end.iter()) {
        raw.extend_from_slice(&v.to_le_bytes());
    }
    // Sorted keys compress better and make the file deterministic.
    let mut order: Vec<usize> = (0..lin.keys.len()).collect();
    order.sort_by_key(|&i| lin.keys[i]);
    let mut rows: Vec<(u32, u32, Vec<i16>)> = Vec::new();
    for i in order {
        let w = &lin.weights[i * N_TAGS..(i + 1) * N_TAGS];
        let mut mask = 0u32;
        let mut vals = Vec::new();
        for (t, &x) in w.iter().enumerate() {
            let q = (x / scale).round() as i32;
            if q != 0 {
                mask |= 1 << t;
                vals.push(q.clamp(-32767, 32767) as i16);
            }
        }
        if mask != 0 {
            rows.push((lin.keys[i], mask, vals));
        }
    }
    raw.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    let mut prev = 0u32;
    for (k, mask, vals) in rows {
        raw.extend_from_slice(&(k.wrapping_sub(prev)).to_le_bytes());
        prev = k;
        raw.extend_from_slice(&mask.to_le_bytes()[..3]);
        for v in vals {
            raw.extend_from_slice(&v.to_le_bytes());
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
    let mut keys = Vec::with_capacity(n.min(1 << 24));
    let mut weights = Vec::with_capacity(n.min(1 << 24) * N_TAGS);
    let mut prev = 0u32;
    for _ in 0..n {
        let k = prev.wrapping_add(r.u32()?);
        prev = k;
        let m = r.take(3)?;
        let mask = m[0] as u32 | (m[1] as u32) << 8 | (m[2] as u32) << 16;
        keys.push(k);
        for t in 0..N_TAGS {
            if mask & (1 << t) != 0 {
                weights.push(r.u16()? as i16 as f32 * scale);
            } else {
                weights.push(0.0);
            }
        }
    }
    Ok(Linear::new(keys, weights, trans, start, end))
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
        for a in 0..N_TAGS {
            for b in 0..N_TAGS {
                assert_eq!(ALLOWED[a][b], allowed(a, b), "{a}->{b}");
            }
        }
        // B-PER -> L-PER allowed, O -> I-PER not, B-PER -> O not.
        assert!(allowed(1, 3));
        assert!(!allowed(0, 2));
        assert!(!allowed(1, 0));
    }

    #[test]
    fn table_finds_every_key() {
        let keys: Vec<u32> = (0..1000u32).map(|i| i.wrapping_mul(2654435761)).collect();
        let t = FeatureTable::new(&keys);
        for (i, &k) in keys.iter().enumerate() {
            assert_eq!(t.get(k), Some(i));
        }
        assert_eq!(t.get(7), None);
    }
}
