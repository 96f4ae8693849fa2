//! Regexes with word boundaries that stay on the fast (DFA) engines for most news text.
//!
//! The regex crate's DFAs cannot evaluate a Unicode `\b` next to a non-ASCII byte, so on text
//! with curly quotes or dashes a pattern with `\b` falls back to the slow PikeVM over the whole
//! text. When a text has no non-ASCII *word* character (curly quotes, dashes and NBSP are not
//! word characters), Unicode `\b` and ASCII `(?-u:\b)` agree at every position, so the ASCII
//! form finds exactly the same matches. [`WordRegex`] holds both and picks per text.

use std::sync::LazyLock;

use regex::Regex;

/// One pattern compiled twice: as written, and with ASCII word boundaries.
#[derive(Debug, Clone)]
pub struct WordRegex {
    unicode: Regex,
    ascii: Regex,
}

impl WordRegex {
    pub fn new(pattern: &str) -> Result<Self, regex::Error> {
        Ok(WordRegex { unicode: Regex::new(pattern)?, ascii: Regex::new(&ascii_boundaries(pattern))? })
    }

    /// The regex to run on a text whose [`WordScan`] is `scan`: same matches, faster when it can.
    pub fn on(&self, scan: WordScan) -> &Regex {
        if scan.ascii_words { &self.ascii } else { &self.unicode }
    }

    /// The pattern as written (Unicode word boundaries).
    pub fn unicode(&self) -> &Regex {
        &self.unicode
    }
}

/// Whether a text's word characters are all ASCII (then ASCII word boundaries are exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordScan {
    ascii_words: bool,
}

impl WordScan {
    pub fn of(text: &str) -> Self {
        static NON_ASCII_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\w&&[^\x00-\x7F]]").expect("valid class"));
        WordScan { ascii_words: text.is_ascii() || !NON_ASCII_WORD.is_match(text) }
    }
}

/// `\b` -> `(?-u:\b)`, leaving every other escape as it is.
fn ascii_boundaries(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 16);
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('b') => out.push_str(r"(?-u:\b)"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_only_word_boundaries() {
        assert_eq!(ascii_boundaries(r"\bMay\s+\d\b\\b"), r"(?-u:\b)May\s+\d(?-u:\b)\\b");
    }

    #[test]
    fn scan_tells_non_ascii_letters_from_punctuation() {
        assert!(WordScan::of("Putin’s “talks” — now").ascii_words);
        assert!(!WordScan::of("Zelenskyy in Kyiv, café").ascii_words);
        assert!(!WordScan::of("Путин said").ascii_words);
    }

    #[test]
    fn both_forms_agree_where_the_scan_allows_the_ascii_one() {
        let r = WordRegex::new(r"(?i)\b(?:now|may)\b").unwrap();
        for text in ["Now “now” — may’s nowhere", "now\u{a0}may…now", "café now", "Éric may"] {
            let scan = WordScan::of(text);
            let a: Vec<_> = r.on(scan).find_iter(text).map(|m| m.range()).collect();
            let u: Vec<_> = r.unicode().find_iter(text).map(|m| m.range()).collect();
            assert_eq!(a, u, "{text}");
        }
        // Where they would differ, the scan keeps the Unicode form.
        let text = "émay";
        assert!(r.on(WordScan::of(text)).find(text).is_none());
    }
}
