//! Code-point offsets. Rust slices strings by byte; the datasets promise code points, because that
//! is what `str[start:end]` means in Python, where users slice.

/// Converts byte offsets of one text to code-point offsets and back.
///
/// For pure-ASCII text (most English news) both directions are the identity and nothing is stored.
#[derive(Debug, Clone)]
pub struct CharMap {
    /// Byte offset of every code point, plus the text length at the end; empty when ASCII.
    byte_of_char: Vec<u32>,
    len_bytes: usize,
}

impl CharMap {
    pub fn new(text: &str) -> Self {
        let byte_of_char = if text.is_ascii() {
            Vec::new()
        } else {
            // Runs of ASCII are one code point per byte: their offsets go in as whole ranges, and
            // only the other characters are looked at one by one (their lead byte's leading ones
            // give their length).
            let bytes = text.as_bytes();
            let mut v: Vec<u32> = Vec::with_capacity(text.chars().count() + 1);
            let mut i = 0;
            while i < bytes.len() {
                let run_end = bytes[i..].iter().position(|b| !b.is_ascii()).map_or(bytes.len(), |p| i + p);
                v.extend(i as u32..run_end as u32);
                if run_end < bytes.len() {
                    v.push(run_end as u32);
                    i = run_end + bytes[run_end].leading_ones() as usize;
                } else {
                    i = run_end;
                }
            }
            v.push(text.len() as u32);
            v
        };
        CharMap { byte_of_char, len_bytes: text.len() }
    }

    /// Code-point offset of a byte offset that lies on a char boundary (or the end of the text).
    pub fn char_of(&self, byte: usize) -> usize {
        if self.byte_of_char.is_empty() {
            return byte.min(self.len_bytes);
        }
        match self.byte_of_char.binary_search(&(byte as u32)) {
            Ok(i) => i,
            // Not a boundary: round down to the code point that contains it.
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset of a code-point offset (clamped to the end of the text).
    pub fn byte_of(&self, ch: usize) -> usize {
        if self.byte_of_char.is_empty() {
            return ch.min(self.len_bytes);
        }
        self.byte_of_char[ch.min(self.byte_of_char.len() - 1)] as usize
    }

    /// Number of code points in the text.
    pub fn len_chars(&self) -> usize {
        if self.byte_of_char.is_empty() { self.len_bytes } else { self.byte_of_char.len() - 1 }
    }
}

/// The code points `start..end` of `text`, as Python's `text[start:end]` gives them.
pub fn slice_chars(text: &str, start: usize, end: usize) -> &str {
    let map = CharMap::new(text);
    &text[map.byte_of(start)..map.byte_of(end.max(start))]
}

/// Number of whitespace-separated words.
pub fn count_words(text: &str) -> usize {
    // One pass over the chars: a word counts at its first alphanumeric character, and the next
    // whitespace starts a new word (same as `split_whitespace` + `any(is_alphanumeric)`).
    let mut words = 0;
    let mut counted = false;
    for c in text.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                words += usize::from(!counted);
                counted = true;
            } else if c.is_whitespace() {
                counted = false;
            }
        } else if c.is_whitespace() {
            counted = false;
        } else if !counted && c.is_alphanumeric() {
            words += 1;
            counted = true;
        }
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
    fn words_ignore_punctuation_tokens() {
        assert_eq!(count_words("MOSCOW — The Kremlin, 100,000 troops."), 5);
        for t in ["", " ", "a", "—", " a\u{a0}b\u{2003}Кремль\x0bx\x1cy — “z” 😀 ½ é\r\n\t.", "٢٠٢١ ,, x,"] {
            let want = t.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
            assert_eq!(count_words(t), want, "{t:?}");
        }
    }
}
