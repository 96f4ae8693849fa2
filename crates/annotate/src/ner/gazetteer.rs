//! Name lists learned from the training split: every entity string seen with its labels, matched
//! against a sentence exactly and lower-cased. The tagger reads matches as features, not answers.


use super::features::{FastMap, FastSet, TokenInfo, mix};

/// Longest name, in tokens, the lists keep.
pub const MAX_LEN: usize = 6;

#[derive(Debug, Default, Clone)]
pub struct Gazetteer {
    /// Every entry as (tokens joined by ' ', label mask), kept for saving the model.
    pub entries: Vec<(String, u8)>,
    exact: FastMap<u64, u8>,
    lower: FastMap<u64, u8>,
    exact_tokens: FastSet<u64>,
    lower_tokens: FastSet<u64>,
}

#[inline]
fn seq(h: u64, t: u64) -> u64 {
    mix(h.wrapping_mul(0x2545f4914f6cdd1d) ^ t)
}

impl Gazetteer {
    pub fn from_entries(entries: Vec<(String, u8)>) -> Gazetteer {
        let mut g = Gazetteer::default();
        for (name, mask) in &entries {
            let words: Vec<&str> = name.split(' ').collect();
            if words.is_empty() || words.len() > MAX_LEN {
                continue;
            }
            let infos: Vec<TokenInfo> = words.iter().map(|w| TokenInfo::of(w)).collect();
            let (mut he, mut hl) = (0u64, 0u64);
            for t in &infos {
                he = seq(he, t.exact);
                hl = seq(hl, t.norm);
                g.exact_tokens.insert(t.exact);
                g.lower_tokens.insert(t.norm);
            }
            *g.exact.entry(he).or_default() |= mask;
            *g.lower.entry(hl).or_default() |= mask;
        }
        g.entries = entries;
        g
    }

    /// Builds the lists from labelled sentences: spans are (start, end, label index).
    pub fn learn<'a>(items: impl Iterator<Item = (&'a [&'a str], &'a [(usize, usize, usize)])>) -> Gazetteer {
        let mut map: std::collections::BTreeMap<String, u8> = std::collections::BTreeMap::new();
        for (words, spans) in items {
            for &(s, e, l) in spans {
                if e - s <= MAX_LEN {
                    *map.entry(words[s..e].join(" ")).or_default() |= 1 << l;
                }
            }
        }
        Gazetteer::from_entries(map.into_iter().collect())
    }

    /// Match bits per token: for each label, B/I/L/U position of a matching name (bits
    /// `label*4+pos`, plus 16 for a lower-case match).
    pub fn mark(&self, infos: &[TokenInfo]) -> Vec<u32> {
        let n = infos.len();
        let mut bits = vec![0u32; n];
        if self.entries.is_empty() {
            return bits;
        }
        for (table, tokens, shift, lower) in
            [(&self.exact, &self.exact_tokens, 0u32, false), (&self.lower, &self.lower_tokens, 16u32, true)]
        {
            for i in 0..n {
                let mut h = 0u64;
                for j in i..n.min(i + MAX_LEN) {
                    let t = if lower { infos[j].norm } else { infos[j].exact };
                    // Lower-case matching is for names in capitals or odd case, not for
                    // common words that happen to be part of some name.
                    if (lower && !infos[j].first_upper && j == i) || !tokens.contains(&t) {
                        break;
                    }
                    h = seq(h, t);
                    if let Some(&mask) = table.get(&h) {
                        for l in 0..4 {
                            if mask & (1 << l) != 0 {
                                let base = shift + 4 * l;
                                if j == i {
                                    bits[i] |= 1 << (base + 3);
                                } else {
                                    bits[i] |= 1 << base;
                                    for b in bits.iter_mut().take(j).skip(i + 1) {
                                        *b |= 1 << (base + 1);
                                    }
                                    bits[j] |= 1 << (base + 2);
                                }
                            }
                        }
                    }
                }
            }
        }
        bits
    }
}
