//! Code-point offsets. Rust slices strings by byte; the datasets promise code points, because that
//! is what `str[start:end]` means in Python, where users slice.

/// Converts byte offsets of one text to code-point offsets and back.
///
/// Only the non-ASCII code points are stored (news text is mostly ASCII: a few curly quotes and
/// dashes per paragraph); between two of them every byte is one code point, so offsets there
/// follow by counting. For pure-ASCII text both directions are the identity and nothing is stored.
#[derive(Debug, Clone)]
pub struct CharMap {
    /// Every non-ASCII code point of the text, in order.
    wide: Vec<Wide>,
    len_bytes: usize,
    len_chars: usize,
}

/// One non-ASCII code point: where it starts in bytes and in code points, and its length.
#[derive(Debug, Clone, Copy)]
struct Wide {
    byte: u32,
    ch: u32,
    len: u32,
}

impl Wide {
    fn end_byte(&self) -> usize {
        (self.byte + self.len) as usize
    }
}

impl CharMap {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut wide = Vec::new();
        let (mut i, mut ch) = (0usize, 0usize);
        loop {
            let run = ascii_prefix_len(&bytes[i..]);
            i += run;
            ch += run;
            if i >= bytes.len() {
                break;
            }
            // A lead byte's leading ones give the code point's length.
            let len = bytes[i].leading_ones();
            wide.push(Wide { byte: i as u32, ch: ch as u32, len });
            i += len as usize;
            ch += 1;
        }
        CharMap { wide, len_bytes: text.len(), len_chars: ch }
    }

    /// Code-point offset of a byte offset that lies on a char boundary (or the end of the text).
    /// A byte inside a code point rounds down to that code point; past the end gives the end.
    pub fn char_of(&self, byte: usize) -> usize {
        let byte = byte.min(self.len_bytes);
        // The last non-ASCII code point that starts at or before `byte`; ASCII after it.
        match self.wide.partition_point(|w| w.byte as usize <= byte).checked_sub(1).map(|i| self.wide[i]) {
            None => byte,
            Some(w) if byte < w.end_byte() => w.ch as usize,
            Some(w) => w.ch as usize + 1 + (byte - w.end_byte()),
        }
    }

    /// Byte offset of a code-point offset (clamped to the end of the text).
    pub fn byte_of(&self, ch: usize) -> usize {
        let ch = ch.min(self.len_chars);
        // The last non-ASCII code point before `ch`; ASCII from its end up to `ch`.
        match self.wide.partition_point(|w| (w.ch as usize) < ch).checked_sub(1).map(|i| self.wide[i]) {
            None => ch,
            Some(w) => w.end_byte() + (ch - w.ch as usize - 1),
        }
    }

    /// Number of code points in the text.
    pub fn len_chars(&self) -> usize {
        self.len_chars
    }
}

/// Length of the ASCII prefix of `bytes`, read eight bytes at a time (a byte is ASCII when its
/// top bit is clear).
pub fn ascii_prefix_len(bytes: &[u8]) -> usize {
    const TOP_BITS: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut i = 0;
    for chunk in &mut chunks {
        let top = u64::from_le_bytes(chunk.try_into().expect("eight bytes")) & TOP_BITS;
        if top != 0 {
            return i + (top.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + chunks.remainder().iter().take_while(|b| b.is_ascii()).count()
}

/// The code points `start..end` of `text`, as Python's `text[start:end]` gives them.
pub fn slice_chars(text: &str, start: usize, end: usize) -> &str {
    let map = CharMap::new(text);
    &text[map.byte_of(start)..map.byte_of(end.max(start))]
}

/// Dashes, curly quotes, bullets and the ellipsis (U+2010 to U+2027): neither whitespace nor
/// alphanumeric (a test checks each).
const GENERAL_PUNCTUATION: std::ops::RangeInclusive<char> = '\u{2010}'..='\u{2027}';

/// Number of whitespace-separated words.
pub fn count_words(text: &str) -> usize {
    count_words_up_to(text, usize::MAX)
}

/// [`count_words`], but the scan stops once `limit` (at least 1) words are found and returns `limit`:
/// enough for "at least n words" questions, which long paragraphs answer in their first words.
pub fn count_words_up_to(text: &str, limit: usize) -> usize {
    // A word counts at its first alphanumeric character, and the next whitespace starts a new
    // word (same as `split_whitespace` + `any(is_alphanumeric)`). So the scan looks for only one
    // kind of ASCII byte at a time: alphanumeric outside a word, whitespace inside one; every
    // other ASCII byte is stepped over, and non-ASCII characters are decoded and judged.
    const ALNUM: u8 = 1;
    const SPACE: u8 = 2;
    const NON_ASCII: u8 = 4;
    static CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            t[b] = if !c.is_ascii() {
                NON_ASCII
            } else if c.is_ascii_alphanumeric() {
                ALNUM
            } else if matches!(c, b'\t'..=b'\r' | b' ') {
                // The ASCII characters of `char::is_whitespace` (which, unlike
                // `u8::is_ascii_whitespace`, include the vertical tab).
                SPACE
            } else {
                0
            };
            b += 1;
        }
        t
    };
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut in_word = false;
    let mut i = 0;
    loop {
        let wanted = NON_ASCII | if in_word { SPACE } else { ALNUM };
        let Some(p) = bytes[i..].iter().position(|&b| CLASS[b as usize] & wanted != 0) else { break };
        i += p;
        if bytes[i].is_ascii() {
            // Alphanumeric outside a word opens one; whitespace inside one closes it.
            words += usize::from(!in_word);
            if words == limit {
                break;
            }
            in_word = !in_word;
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().expect("a char starts at every non-continuation byte");
        if GENERAL_PUNCTUATION.contains(&c) {
            // The commonest non-ASCII characters of news text, judged without Unicode tables.
        } else if c.is_whitespace() {
            in_word = false;
        } else if !in_word && c.is_alphanumeric() {
            words += 1;
            if words == limit {
                break;
            }
            in_word = true;
        }
        i += c.len_utf8();
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_identity() {
        let m = CharMap::new("Putin said.");
        assert_eq!(m.char_of(5), 5);
        assert_eq!(m.byte_of(5), 5);
        assert_eq!(m.len_chars(), 11);
    }

    #[test]
    fn multibyte_round_trips() {
        let t = "“We can” — Кремль 😀 é";
        let m = CharMap::new(t);
        for (ci, (b, _)) in t.char_indices().enumerate() {
            assert_eq!(m.char_of(b), ci);
            assert_eq!(m.byte_of(ci), b);
        }
        assert_eq!(m.len_chars(), t.chars().count());
        assert_eq!(m.byte_of(m.len_chars()), t.len());
        assert_eq!(slice_chars(t, 1, 7), "We can");
    }

    #[test]
    fn sparse_map_matches_a_dense_one() {
        for t in ["", "a", "é", "éa", "aé", "😀😀", "“We can” — Кремль 😀 é.", "x\u{a0}y\u{200b}z abcdefghijklmnop’qrstuvwxyz", "Кремль"] {
            let m = CharMap::new(t);
            let mut dense: Vec<usize> = t.char_indices().map(|(b, _)| b).collect();
            dense.push(t.len());
            assert_eq!(m.len_chars(), dense.len() - 1, "{t:?}");
            for b in 0..t.len() + 3 {
                let want = match dense.binary_search(&b) {
                    Ok(i) => i,
                    Err(i) => i.saturating_sub(1),
                };
                assert_eq!(m.char_of(b), want, "{t:?} byte {b}");
            }
            for c in 0..dense.len() + 3 {
                assert_eq!(m.byte_of(c), dense[c.min(dense.len() - 1)], "{t:?} char {c}");
            }
        }
        for t in ["", "abc", "abcdefgh", "abcdefghé", "abcdefgé", "é"] {
            assert_eq!(ascii_prefix_len(t.as_bytes()), t.bytes().take_while(u8::is_ascii).count());
        }
    }

    #[test]
    fn words_ignore_punctuation_tokens() {
        assert_eq!(count_words("MOSCOW — The Kremlin, 100,000 troops."), 5);
        for t in ["", " ", "a", "—", " a\u{a0}b\u{2003}Кремль\x0bx\x1cy — “z” 😀 ½ é\r\n\t.", "٢٠٢١ ,, x,"] {
            let want = t.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
            assert_eq!(count_words(t), want, "{t:?}");
        }
        for c in GENERAL_PUNCTUATION {
            assert!(!c.is_whitespace() && !c.is_alphanumeric(), "{c:?}");
        }
        // Every ASCII character, alone and between words.
        for b in 0u8..128 {
            let c = b as char;
            for t in [c.to_string(), format!("a{c}b"), format!("{c}a{c}")] {
                let want = t.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
                assert_eq!(count_words(&t), want, "{t:?}");
            }
        }
    }

    #[test]
    fn counting_up_to_a_limit_stops_there() {
        for t in ["", "a", " a\u{a0}b\u{2003}Кремль\x0bx\x1cy — “z” 😀 ½ é\r\n\t.", "one two, three. Кремль é", "٢٠٢١ ,, x,"] {
            let all = count_words(t);
            for limit in 1..all + 3 {
                assert_eq!(count_words_up_to(t, limit), all.min(limit), "{t:?} {limit}");
            }
        }
    }
}
