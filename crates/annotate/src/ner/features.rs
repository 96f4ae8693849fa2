//! Feature extraction for the entity tagger: every feature is a 64-bit hash of a template id and
//! the values it conjoins, computed from per-token hashes so tagging allocates almost nothing.
//!
//! Templates cover the word (exact, lower-cased with digits folded), its shape, prefixes and
//! suffixes, a ±2 window of words and shapes, gazetteer matches (names learned from the training
//! split) and document-level evidence (is the word seen lower-case, or capitalised mid-sentence,
//! elsewhere in the same document; how the first pass tagged the same word elsewhere).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Hasher for keys that are already well-mixed hashes: one multiply instead of SipHash.
#[derive(Default, Clone, Copy)]
pub struct PremixedHasher(u64);

impl Hasher for PremixedHasher {
    /// String keys (the per-document word table) are taken eight bytes at a time. Nothing
    /// stores or iterates these hashes, so only their spread matters, not their values.
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(29) ^ x).wrapping_mul(0x9E3779B97F4A7C15);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            let x = u64::from_le_bytes(last) ^ (rest.len() as u64) << 59;
            self.0 = (self.0.rotate_left(29) ^ x).wrapping_mul(0x9E3779B97F4A7C15);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0 ^ x).wrapping_mul(0x9E3779B97F4A7C15);
    }
    fn write_u32(&mut self, x: u32) {
        self.write_u64(x as u64)
    }
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 31)
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<PremixedHasher>>;
pub type FastSet<K> = HashSet<K, BuildHasherDefault<PremixedHasher>>;

/// Tag set: O plus B/I/L/U for each of the four labels (BILOU).
pub const N_TAGS: usize = 17;
pub const LABELS: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];

/// FNV-style byte hash with a final mix; deterministic across runs and platforms.
#[inline]
pub const fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ceb9fe1a85ec53);
    h ^ (h >> 33)
}

const FNV_OFFSET: u64 = 0xcbf29ce484222325;
const FNV_PRIME: u64 = 0x100000001b3;

#[inline]
fn fnv_char(h: u64, c: char) -> u64 {
    let mut h = h;
    let mut v = c as u32;
    loop {
        h = (h ^ (v & 0xff) as u64).wrapping_mul(FNV_PRIME);
        v >>= 8;
        if v == 0 {
            break;
        }
    }
    h
}

pub fn hash_str(s: &str) -> u64 {
    let mut h = FNV_OFFSET;
    for b in s.bytes() {
        h = (h ^ b as u64).wrapping_mul(FNV_PRIME);
    }
    mix(h)
}

#[inline]
pub const fn feat1(template: u64, a: u64) -> u64 {
    mix(template.wrapping_mul(0x9e3779b97f4a7c15) ^ a)
}

#[inline]
pub fn feat2(template: u64, a: u64, b: u64) -> u64 {
    mix(feat1(template, a).wrapping_add(b.rotate_left(17)))
}

/// Lower-cased form with every digit folded to '0', the identity most features use.
pub fn norm_hash(w: &str) -> u64 {
    let mut h = FNV_OFFSET;
    for c in w.chars() {
        let c = if c.is_ascii_digit() { '0' } else { c };
        if c.is_ascii() {
            h = (h ^ c.to_ascii_lowercase() as u64).wrapping_mul(FNV_PRIME);
        } else {
            for l in c.to_lowercase() {
                h = fnv_char(h, l);
            }
        }
    }
    mix(h)
}

/// Compressed word shape: "Putin" -> "Xx", "U.S." -> "X.X.", "1996-08-22" -> "0-0-0".
fn shape_hash(w: &str) -> (u64, u8) {
    let mut h = FNV_OFFSET;
    let mut last = 0u8;
    let mut flags = 0u8;
    for c in w.chars() {
        let k = if c.is_uppercase() {
            flags |= 1;
            b'X'
        } else if c.is_lowercase() {
            flags |= 2;
            b'x'
        } else if c.is_numeric() {
            flags |= 4;
            b'0'
        } else if c.is_ascii() {
            flags |= 8;
            c as u8
        } else {
            flags |= 8;
            b'*'
        };
        if k != last || !(k == b'X' || k == b'x' || k == b'0') {
            h = (h ^ k as u64).wrapping_mul(FNV_PRIME);
        }
        last = k;
    }
    (mix(h), flags)
}

/// Per-token values the templates combine.
#[derive(Clone, Copy, Default)]
pub struct TokenInfo {
    pub exact: u64,
    pub norm: u64,
    pub shape: u64,
    pub prefix: [u64; 4],
    pub suffix: [u64; 4],
    pub first_upper: bool,
    pub all_upper: bool,
}

impl TokenInfo {
    pub fn of(w: &str) -> TokenInfo {
        if w.is_ascii() { TokenInfo::of_ascii(w.as_bytes()) } else { TokenInfo::of_any(w) }
    }

    /// [`TokenInfo::of`] for an ASCII word: the exact, lower-case and shape hashes in one pass
    /// over its bytes (the same byte sequences the general path hashes; see the test).
    fn of_ascii(b: &[u8]) -> TokenInfo {
        let (mut exact, mut norm, mut shape) = (FNV_OFFSET, FNV_OFFSET, FNV_OFFSET);
        let mut last = 0u8;
        let mut flags = 0u8;
        for &c in b {
            exact = (exact ^ c as u64).wrapping_mul(FNV_PRIME);
            let n = if c.is_ascii_digit() { b'0' } else { c.to_ascii_lowercase() };
            norm = (norm ^ n as u64).wrapping_mul(FNV_PRIME);
            let (k, flag) = match c {
                b'A'..=b'Z' => (b'X', 1),
                b'a'..=b'z' => (b'x', 2),
                b'0'..=b'9' => (b'0', 4),
                _ => (c, 8),
            };
            flags |= flag;
            // Runs of one letter class or of digits hash once.
            if k != last || flag == 8 {
                shape = (shape ^ k as u64).wrapping_mul(FNV_PRIME);
            }
            last = k;
        }
        let (prefix, suffix) = ascii_affixes(b);
        TokenInfo {
            exact: mix(exact),
            norm: mix(norm),
            shape: mix(shape),
            prefix,
            suffix,
            first_upper: b.first().is_some_and(u8::is_ascii_uppercase),
            all_upper: flags & 1 != 0 && flags & 2 == 0,
        }
    }

    /// [`TokenInfo::of`] for any word.
    fn of_any(w: &str) -> TokenInfo {
        let (shape, flags) = shape_hash(w);
        let mut prefix = [0u64; 4];
        let mut suffix = [0u64; 4];
        if w.is_ascii() {
            (prefix, suffix) = ascii_affixes(w.as_bytes());
        } else {
            let mut h = FNV_OFFSET;
            for (i, c) in w.chars().take(4).enumerate() {
                h = fnv_char(h, c.to_lowercase().next().unwrap_or(c));
                prefix[i] = mix(h);
            }
            let mut h = FNV_OFFSET;
            for (i, c) in w.chars().rev().take(4).enumerate() {
                h = fnv_char(h, c.to_lowercase().next().unwrap_or(c));
                suffix[i] = mix(h);
            }
        }
        let first_upper = w.chars().next().is_some_and(char::is_uppercase);
        TokenInfo {
            exact: hash_str(w),
            norm: norm_hash(w),
            shape,
            prefix,
            suffix,
            first_upper,
            all_upper: flags & 1 != 0 && flags & 2 == 0,
        }
    }
}

/// What the first pass said about a word across the document: how often each label was tagged on
/// tokens with the same exact form.
#[derive(Clone, Copy, Default)]
pub struct DocVotes {
    pub counts: [u16; 4],
    pub total: u16,
    /// The first pass's own tag for this token.
    pub own: u8,
}

/// Document-level context of a token.
#[derive(Clone, Copy, Default)]
pub struct DocContext {
    /// The lower-cased form appears as an all-lower-case token in the document.
    pub lower_seen: bool,
    /// The same word appears capitalised at a non-initial position of a sentence that is not
    /// all capitals.
    pub cap_mid_seen: bool,
    /// The sentence is written in capitals (a headline).
    pub caps_sentence: bool,
}

/// Computes token infos and document context for a document given as sentences of words.
pub struct DocFeatures {
    pub infos: Vec<Vec<TokenInfo>>,
    pub ctx: Vec<Vec<DocContext>>,
    /// The document's distinct words' infos, in order of first occurrence.
    pub words: Vec<TokenInfo>,
    /// Every token's index in `words`, in document order (sentence after sentence).
    pub word_of: Vec<u32>,
}

impl DocFeatures {
    pub fn new(sents: &[Vec<&str>]) -> DocFeatures {
        // A document repeats its words ("the", "said", its names): each distinct word's hashes
        // are computed once and copied to its other tokens.
        let n_tokens: usize = sents.iter().map(Vec::len).sum();
        // The word's character tests the document context needs, also once per distinct word.
        const ALPHA: u8 = 1;
        const LOWER_WORD: u8 = 2;
        let classes = |w: &str| {
            let alpha = if w.chars().any(char::is_alphabetic) { ALPHA } else { 0 };
            let lower = w.chars().next().is_some_and(char::is_lowercase) && !w.chars().any(char::is_uppercase);
            alpha | if lower { LOWER_WORD } else { 0 }
        };
        let mut by_word: HashMap<&str, u32, BuildHasherDefault<PremixedHasher>> =
            HashMap::with_capacity_and_hasher(n_tokens / 2, Default::default());
        let mut words: Vec<TokenInfo> = Vec::with_capacity(n_tokens / 2);
        let mut classes_of: Vec<u8> = Vec::with_capacity(n_tokens / 2);
        // Every token's word and classes, in document order.
        let mut word_of: Vec<u32> = Vec::with_capacity(n_tokens);
        let mut word_classes: Vec<u8> = Vec::with_capacity(n_tokens);
        let infos: Vec<Vec<TokenInfo>> = sents
            .iter()
            .map(|s| {
                s.iter()
                    .map(|&w| {
                        let id = *by_word.entry(w).or_insert_with(|| {
                            words.push(TokenInfo::of(w));
                            classes_of.push(classes(w));
                            (words.len() - 1) as u32
                        }) as usize;
                        word_of.push(id as u32);
                        word_classes.push(classes_of[id]);
                        words[id]
                    })
                    .collect()
            })
            .collect();
        // What the document shows of each lower-cased form: LOWER_SEEN | CAP_MID_SEEN bits, in one
        // table so a token's context costs one lookup.
        const LOWER_SEEN: u8 = 1;
        const CAP_MID_SEEN: u8 = 2;
        let mut seen: FastMap<u64, u8> = FastMap::with_capacity_and_hasher(n_tokens / 2, Default::default());
        let mut caps_sent = Vec::with_capacity(sents.len());
        let mut rest = &word_classes[..];
        for (s, inf) in sents.iter().zip(&infos) {
            let (cls, r) = rest.split_at(s.len());
            rest = r;
            let n_alpha = cls.iter().filter(|&&c| c & ALPHA != 0).count();
            let n_caps = inf.iter().zip(cls).filter(|&(t, &c)| t.all_upper && c & ALPHA != 0).count();
            let caps = n_alpha >= 2 && n_caps * 10 >= n_alpha * 8;
            caps_sent.push(caps);
            for (i, (t, &c)) in inf.iter().zip(cls).enumerate() {
                if c & LOWER_WORD != 0 {
                    *seen.entry(t.norm).or_default() |= LOWER_SEEN;
                } else if i > 0 && !caps && t.first_upper && !is_after_opening(s, i) {
                    *seen.entry(t.norm).or_default() |= CAP_MID_SEEN;
                }
            }
        }
        let ctx = infos
            .iter()
            .zip(&caps_sent)
            .map(|(inf, &caps)| {
                inf.iter()
                    .map(|t| {
                        let seen = seen.get(&t.norm).copied().unwrap_or(0);
                        DocContext {
                            lower_seen: seen & LOWER_SEEN != 0,
                            cap_mid_seen: seen & CAP_MID_SEEN != 0,
                            caps_sentence: caps,
                        }
                    })
                    .collect()
            })
            .collect();
        DocFeatures { infos, ctx, words, word_of }
    }
}

/// After a quote or bracket a capital says nothing about names.
fn is_after_opening(s: &[&str], i: usize) -> bool {
    i > 0 && matches!(s[i - 1], "\"" | "(" | "'" | "``" | "-" | "--" | ":")
}

const T_BIAS: u64 = 1;
const T_EXACT: u64 = 2;
const T_NORM: u64 = 3;
const T_SHAPE: u64 = 4;
const T_PREFIX: u64 = 5; // .. 8
const T_SUFFIX: u64 = 9; // .. 12
const T_WIN: u64 = 20; // + offset index
const T_SHAPE_WIN: u64 = 30;
const T_BIGRAM_L: u64 = 40;
const T_BIGRAM_R: u64 = 41;
const T_SHAPE_BI_L: u64 = 42;
const T_SHAPE_BI_R: u64 = 43;
const T_FIRST: u64 = 44;
const T_GAZ: u64 = 50;
const T_DOC: u64 = 60;
const T_VOTE: u64 = 70;
const T_EXACT_L: u64 = 80;
const T_EXACT_R: u64 = 81;
const T_TRIGRAM: u64 = 82;
const T_NORM_SHAPE_CTX: u64 = 83;

const PAD: u64 = 0x5eed_0000_0000_0001;
const PAD_END: u64 = 0x5eed_0000_0000_0002;

/// Appends the feature hashes of token `i` of a sentence to `out`: its word's own features, then
/// those of its context.
pub fn token_features(infos: &[TokenInfo], ctx: &[DocContext], gaz: &[u32], i: usize, out: &mut Vec<u64>) {
    word_features(&infos[i], out);
    context_features(infos, ctx, gaz, i, out);
}

/// Appends the features that depend on the word alone (bias, word, shape, affixes), so are the
/// same on every token of the word.
pub fn word_features(t: &TokenInfo, out: &mut Vec<u64>) {
    // The features every token has go in as whole blocks, so most of a token's features cost no
    // capacity check of their own; the order is the order they were always pushed in.
    const BIAS: u64 = feat1(T_BIAS, 0);
    out.extend_from_slice(&[BIAS, feat1(T_EXACT, t.exact), feat1(T_NORM, t.norm), feat1(T_SHAPE, t.shape)]);
    for k in 0..4 {
        if t.prefix[k] != 0 {
            out.push(feat1(T_PREFIX + k as u64, t.prefix[k]));
        }
        if t.suffix[k] != 0 {
            out.push(feat1(T_SUFFIX + k as u64, t.suffix[k]));
        }
    }
}

/// Appends the rest of token `i`'s features: its neighbours, gazetteer matches and document
/// context.
pub fn context_features(infos: &[TokenInfo], ctx: &[DocContext], gaz: &[u32], i: usize, out: &mut Vec<u64>) {
    let t = &infos[i];
    let n = infos.len();
    let norm_at = |j: isize| -> u64 {
        if j < 0 {
            PAD
        } else if j as usize >= n {
            PAD_END
        } else {
            infos[j as usize].norm
        }
    };
    let shape_at = |j: isize| -> u64 {
        if j < 0 {
            PAD
        } else if j as usize >= n {
            PAD_END
        } else {
            infos[j as usize].shape
        }
    };
    let ii = i as isize;
    let (pn, nn) = (norm_at(ii - 1), norm_at(ii + 1));
    let (ps, ns) = (shape_at(ii - 1), shape_at(ii + 1));
    out.extend_from_slice(&[
        // The ±2 window of words and ±1 of shapes.
        feat1(T_WIN, norm_at(ii - 2)),
        feat1(T_WIN + 1, pn),
        feat1(T_WIN + 2, nn),
        feat1(T_WIN + 3, norm_at(ii + 2)),
        feat1(T_SHAPE_WIN, ps),
        feat1(T_SHAPE_WIN + 1, ns),
        feat2(T_BIGRAM_L, pn, t.norm),
        feat2(T_BIGRAM_R, t.norm, nn),
        feat2(T_TRIGRAM, pn, nn),
        feat2(T_SHAPE_BI_L, ps, t.shape),
        feat2(T_SHAPE_BI_R, t.shape, ns),
        feat2(T_NORM_SHAPE_CTX, pn, t.shape),
        feat2(T_NORM_SHAPE_CTX + 1, nn, t.shape),
    ]);
    // Suffix of the neighbours: "-ian", "-ese" before, "-ed", "-ing" after.
    if i > 0 && infos[i - 1].suffix[2] != 0 {
        out.push(feat1(T_NORM_SHAPE_CTX + 2, infos[i - 1].suffix[2]));
    }
    if i + 1 < n && infos[i + 1].suffix[2] != 0 {
        out.push(feat1(T_NORM_SHAPE_CTX + 3, infos[i + 1].suffix[2]));
    }
    if i > 0 {
        out.push(feat1(T_EXACT_L, infos[i - 1].exact));
    }
    if i + 1 < n {
        out.push(feat1(T_EXACT_R, infos[i + 1].exact));
    }
    if i == 0 {
        out.push(feat1(T_FIRST, t.shape));
    }
    // Gazetteer: 4 bits (B, I, L, U) per label, exact-case matches in the low 16 bits and
    // lower-case matches in the high 16.
    let g = gaz[i];
    if g != 0 {
        for bit in 0..32u64 {
            if g & (1 << bit) != 0 {
                out.push(feat1(T_GAZ, bit));
            }
        }
        out.push(feat2(T_GAZ + 1, g as u64, t.shape));
    }
    let c = &ctx[i];
    if t.first_upper {
        let code = (c.lower_seen as u64) | (c.cap_mid_seen as u64) << 1 | (c.caps_sentence as u64) << 2 | ((i == 0) as u64) << 3;
        out.push(feat1(T_DOC, code));
        out.push(feat2(T_DOC + 1, code, t.shape));
    } else if c.caps_sentence {
        out.push(feat1(T_DOC + 2, t.shape));
    }
}

/// Appends the second-pass features of token `i`: the first pass's votes for its word and its
/// neighbours' words elsewhere in the document.
pub fn vote_features(infos: &[TokenInfo], votes: &[DocVotes], i: usize, out: &mut Vec<u64>) {
    let t = &infos[i];
    let n = infos.len();
    let ii = i as isize;
    {
        let v = &votes[i];
        if v.total > 0 {
            let (best, &cnt) = v.counts.iter().enumerate().max_by_key(|(k, c)| (**c, 4 - *k)).unwrap_or((0, &0));
            let own = v.own as u64;
            if cnt > 0 {
                let frac = (cnt as u32 * 4 / v.total as u32).min(4) as u64;
                out.push(feat2(T_VOTE, best as u64, frac));
                out.push(feat2(T_VOTE + 1, best as u64, t.shape));
                out.push(feat2(T_VOTE + 5, best as u64 * 8 + frac, own));
            } else {
                out.push(feat1(T_VOTE + 2, (v.total.min(3)) as u64));
                out.push(feat2(T_VOTE + 6, (v.total.min(3)) as u64, own));
            }
        }
        // Votes of the neighbours: an entity continues across tokens.
        for (k, off) in [-1isize, 1].iter().enumerate() {
            let j = ii + off;
            if j >= 0 && (j as usize) < n {
                let vj = &votes[j as usize];
                if vj.total > 0 {
                    let (best, &cnt) = vj.counts.iter().enumerate().max_by_key(|(k, c)| (**c, 4 - *k)).unwrap_or((0, &0));
                    out.push(feat2(T_VOTE + 3 + k as u64, best as u64, (cnt > 0) as u64));
                    out.push(feat2(T_VOTE + 7 + k as u64, best as u64 * 2 + (cnt > 0) as u64, v.own as u64));
                }
            }
        }
    }
}


/// Label of a BILOU tag (None for O) and its position (0 B, 1 I, 2 L, 3 U).
#[inline]
pub fn tag_parts(tag: usize) -> Option<(usize, usize)> {
    if tag == 0 { None } else { Some(((tag - 1) / 4, (tag - 1) % 4)) }
}

#[inline]
pub fn make_tag(label: usize, pos: usize) -> usize {
    1 + label * 4 + pos
}

/// Spans (start, end exclusive, label) from a BILOU tag sequence; ill-formed runs are repaired the
/// lenient way (a run of one label's tags is one entity).
pub fn spans_of(tags: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        match tag_parts(tags[i]) {
            None => i += 1,
            Some((lab, pos)) => {
                let start = i;
                i += 1;
                if pos == 0 || pos == 1 {
                    while i < tags.len() {
                        match tag_parts(tags[i]) {
                            Some((l2, p2)) if l2 == lab && (p2 == 1 || p2 == 2) => {
                                i += 1;
                                if p2 == 2 {
                                    break;
                                }
                            }
                            _ => break,
                        }
                    }
                }
                out.push((start, i, lab));
            }
        }
    }
    out
}

/// BILOU tags for spans over `n` tokens.
pub fn tags_of(n: usize, spans: &[(usize, usize, usize)]) -> Vec<usize> {
    let mut tags = vec![0; n];
    for &(s, e, l) in spans {
        if e - s == 1 {
            tags[s] = make_tag(l, 3);
        } else {
            tags[s] = make_tag(l, 0);
            for t in tags.iter_mut().take(e - 1).skip(s + 1) {
                *t = make_tag(l, 1);
            }
            tags[e - 1] = make_tag(l, 2);
        }
    }
    tags
}

/// First-pass votes for every token: labels the first pass gave to tokens of the same exact form
/// elsewhere in the document (the token itself excluded).
pub fn doc_votes(infos: &[Vec<TokenInfo>], tags: &[Vec<usize>]) -> Vec<Vec<DocVotes>> {
    let mut by_word: FastMap<u64, DocVotes> = FastMap::default();
    let mut own: Vec<Vec<Option<usize>>> = Vec::with_capacity(infos.len());
    for (inf, tg) in infos.iter().zip(tags) {
        let mut o = Vec::with_capacity(inf.len());
        for (t, &tag) in inf.iter().zip(tg) {
            let lab = tag_parts(tag).map(|(l, _)| l);
            if t.first_upper {
                let e = by_word.entry(t.norm).or_default();
                e.total = e.total.saturating_add(1);
                if let Some(l) = lab {
                    e.counts[l] = e.counts[l].saturating_add(1);
                }
            }
            o.push(lab);
        }
        own.push(o);
    }
    infos
        .iter()
        .zip(&own)
        .zip(tags)
        .map(|((inf, o), tg)| {
            inf.iter()
                .zip(o)
                .zip(tg)
                .map(|((t, lab), &tag)| {
                    if !t.first_upper {
                        return DocVotes::default();
                    }
                    let mut v = by_word.get(&t.norm).copied().unwrap_or_default();
                    v.own = tag as u8;
                    v.total -= 1;
                    if let Some(l) = lab {
                        v.counts[*l] -= 1;
                    }
                    v
                })
                .collect()
        })
        .collect()
}

/// Hashes of an ASCII word's lower-cased prefixes and suffixes of 1 to 4 bytes.
fn ascii_affixes(b: &[u8]) -> ([u64; 4], [u64; 4]) {
    fn hashes<'a>(bytes: impl Iterator<Item = &'a u8>) -> [u64; 4] {
        let mut out = [0u64; 4];
        let mut h = FNV_OFFSET;
        for (i, &c) in bytes.take(4).enumerate() {
            h = (h ^ c.to_ascii_lowercase() as u64).wrapping_mul(FNV_PRIME);
            out[i] = mix(h);
        }
        out
    }
    (hashes(b.iter()), hashes(b.iter().rev()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(t: &TokenInfo) -> (u64, u64, u64, [u64; 4], [u64; 4], bool, bool) {
        (t.exact, t.norm, t.shape, t.prefix, t.suffix, t.first_upper, t.all_upper)
    }

    /// Infos shared between a document's tokens of one word are each token's own infos.
    #[test]
    fn document_infos_are_per_token_infos() {
        let text = "The U.S. said the US and the U.S. Army said . Putin , putin and PUTIN met Zelensky in Kyiv . Кремль said Кремль";
        let words: Vec<&str> = text.split(' ').collect();
        let sents: Vec<Vec<&str>> = words.split(|w| *w == ".").map(|s| s.to_vec()).collect();
        let df = DocFeatures::new(&sents);
        let mut word_of = df.word_of.iter();
        for (s, inf) in sents.iter().zip(&df.infos) {
            assert_eq!(s.len(), inf.len());
            for (w, t) in s.iter().zip(inf) {
                assert_eq!(fields(t), fields(&TokenInfo::of(w)), "{w}");
                assert_eq!(fields(&df.words[*word_of.next().unwrap() as usize]), fields(t), "{w}");
            }
        }
        assert!(word_of.next().is_none());
        let distinct: HashSet<&str> = words.iter().filter(|w| **w != ".").copied().collect();
        assert_eq!(df.words.len(), distinct.len());
    }

    /// The document context (computed from per-word character classes) is what the tests on each
    /// token's own text give.
    #[test]
    fn document_context_matches_per_token_tests() {
        let text = "The U.S. said the US and the U.S. Army said . PUTIN AND NATO MET IN KYIV . \" Putin , putin and PUTIN met Zelensky in Kyiv . Кремль said кремль 1996 -- Ébola . ( Said 42 ) x";
        let words: Vec<&str> = text.split(' ').collect();
        let sents: Vec<Vec<&str>> = words.split(|w| *w == ".").map(|s| s.to_vec()).collect();
        let df = DocFeatures::new(&sents);
        let infos: Vec<Vec<TokenInfo>> = sents.iter().map(|s| s.iter().map(|w| TokenInfo::of(w)).collect()).collect();
        let alpha = |w: &str| w.chars().any(char::is_alphabetic);
        let caps: Vec<bool> = sents
            .iter()
            .zip(&infos)
            .map(|(s, inf)| {
                let n_alpha = s.iter().filter(|w| alpha(w)).count();
                let n_caps = inf.iter().zip(s).filter(|(t, w)| t.all_upper && alpha(w)).count();
                n_alpha >= 2 && n_caps * 10 >= n_alpha * 8
            })
            .collect();
        let (mut lower, mut cap_mid) = (HashSet::new(), HashSet::new());
        for ((s, inf), &c) in sents.iter().zip(&infos).zip(&caps) {
            for (i, (w, t)) in s.iter().zip(inf).enumerate() {
                if w.chars().next().is_some_and(char::is_lowercase) && !w.chars().any(char::is_uppercase) {
                    lower.insert(t.norm);
                } else if i > 0 && !c && t.first_upper && !is_after_opening(s, i) {
                    cap_mid.insert(t.norm);
                }
            }
        }
        assert!(caps.contains(&true) && !lower.is_empty() && !cap_mid.is_empty());
        for ((inf, ctx), &c) in infos.iter().zip(&df.ctx).zip(&caps) {
            for (t, x) in inf.iter().zip(ctx) {
                assert_eq!(
                    (x.lower_seen, x.cap_mid_seen, x.caps_sentence),
                    (lower.contains(&t.norm), cap_mid.contains(&t.norm), c)
                );
            }
        }
    }

    /// The one-pass ASCII path gives what the general path gives.
    #[test]
    fn ascii_token_info_matches_the_general_path() {
        for w in ["", "a", "Putin", "U.S.", "1996-08-22", "NATO", "McDonald's", "iPhone12", "--", "\"", "x", "AbCdEfG", "e-mail", "3rd"] {
            let (a, g) = (TokenInfo::of_ascii(w.as_bytes()), TokenInfo::of_any(w));
            assert_eq!((a.exact, a.norm, a.shape, a.prefix, a.suffix), (g.exact, g.norm, g.shape, g.prefix, g.suffix), "{w}");
            assert_eq!((a.first_upper, a.all_upper), (g.first_upper, g.all_upper), "{w}");
        }
    }
}
