//! Name lists learned from the training split: every entity string seen with its labels, matched
//! against a sentence exactly and lower-cased. The tagger reads matches as features, not answers.


use super::features::{FastMap, TokenInfo, mix};

/// Longest name, in tokens, the lists keep.
pub const MAX_LEN: usize = 6;

#[derive(Debug, Default, Clone)]
pub struct Gazetteer {
    /// Every entry as (tokens joined by ' ', label mask), kept for saving the model.
    pub entries: Vec<(String, u8)>,
    /// Hash of a word sequence -> label mask of the names it spells, plus [`LONGER`] when it
    /// opens a longer name; exact words and lower-cased words.
    exact: FastMap<u64, u8>,
    lower: FastMap<u64, u8>,
}

/// Bit of a sequence's mask: some longer name starts with this sequence, so a match may go on.
const LONGER: u8 = 0x80;

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
            for (k, t) in infos.iter().enumerate() {
                he = seq(he, t.exact);
                hl = seq(hl, t.norm);
                let (e, l) = if k + 1 == infos.len() { (*mask, *mask) } else { (LONGER, LONGER) };
                *g.exact.entry(he).or_default() |= e;
                *g.lower.entry(hl).or_default() |= l;
            }
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
        for (table, shift, lower) in [(&self.exact, 0u32, false), (&self.lower, 16u32, true)] {
            for i in 0..n {
                // Lower-case matching is for names in capitals or odd case, not for common
                // words that happen to be part of some name.
                if lower && !infos[i].first_upper {
                    continue;
                }
                let mut h = 0u64;
                for j in i..n.min(i + MAX_LEN) {
                    h = seq(h, if lower { infos[j].norm } else { infos[j].exact });
                    // No name is, or starts with, these words: none is longer either.
                    let Some(&mask) = table.get(&h) else { break };
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
                    if mask & LONGER == 0 {
                        break;
                    }
                }
            }
        }
        bits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::features::FastSet;

    /// The plain definition of [`Gazetteer::mark`]: from every token, extend the match while each
    /// word occurs in some name, and mark every sequence that is a name.
    fn mark_reference(g: &Gazetteer, infos: &[TokenInfo]) -> Vec<u32> {
        let mut names: [FastMap<u64, u8>; 2] = Default::default();
        let mut words: [FastSet<u64>; 2] = Default::default();
        for (name, mask) in &g.entries {
            let ws: Vec<TokenInfo> = name.split(' ').map(TokenInfo::of).collect();
            let (mut he, mut hl) = (0u64, 0u64);
            for t in &ws {
                he = seq(he, t.exact);
                hl = seq(hl, t.norm);
                words[0].insert(t.exact);
                words[1].insert(t.norm);
            }
            *names[0].entry(he).or_default() |= mask;
            *names[1].entry(hl).or_default() |= mask;
        }
        let n = infos.len();
        let mut bits = vec![0u32; n];
        for (pass, shift) in [(0usize, 0u32), (1, 16)] {
            for i in 0..n {
                let mut h = 0u64;
                for j in i..n.min(i + MAX_LEN) {
                    let t = if pass == 1 { infos[j].norm } else { infos[j].exact };
                    if (pass == 1 && !infos[j].first_upper && j == i) || !words[pass].contains(&t) {
                        break;
                    }
                    h = seq(h, t);
                    if let Some(&mask) = names[pass].get(&h) {
                        for l in 0..4 {
                            if mask & (1 << l) != 0 {
                                let base = shift + 4 * l;
                                if j == i {
                                    bits[i] |= 1 << (base + 3);
                                } else {
                                    bits[i] |= 1 << base;
                                    for b in &mut bits[i + 1..j] {
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

    #[test]
    fn mark_matches_the_reference_on_random_sentences() {
        let entries: Vec<(String, u8)> = [
            ("New York", 4u8), ("New York Times", 2), ("New York Stock Exchange", 2), ("York", 4), ("Bank of England", 2),
            ("England", 4), ("of", 8), ("The Hague", 4), ("Vladimir Putin", 1), ("Putin", 1), ("A B C D E F", 8), ("New", 8),
        ]
        .iter()
        .map(|(n, m)| (n.to_string(), *m))
        .collect();
        let g = Gazetteer::from_entries(entries);
        let vocab = [
            "New", "new", "NEW", "York", "york", "YORK", "Times", "Stock", "Exchange", "Bank", "of", "OF", "England", "The", "the",
            "Hague", "Vladimir", "Putin", "PUTIN", "said", "A", "B", "C", "D", "E", "F", "a", ".",
        ];
        let mut seed = 0x9E3779B97F4A7C15u64;
        for _ in 0..2000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 14) as usize;
            let mut x = seed;
            let infos: Vec<TokenInfo> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    TokenInfo::of(vocab[(x >> 33) as usize % vocab.len()])
                })
                .collect();
            assert_eq!(g.mark(&infos), mark_reference(&g, &infos));
        }
    }
}
