//! Regexes with word boundaries that stay on the fast (DFA) engines for all news text.
//!
//! The regex crate's DFAs cannot evaluate a Unicode `\b` next to a non-ASCII byte, so on text
//! with curly quotes or dashes a pattern with `\b` falls back to the slow PikeVM over the whole
//! text. [`WordRegex`] holds the pattern with ASCII word boundaries `(?-u:\b)` (compiled at once)
//! and as written (compiled on first need), and picks the ASCII form whenever it is exact:
//!
//! - When a text has no non-ASCII *word* character (curly quotes, dashes and NBSP are not word
//!   characters), Unicode `\b` and ASCII `(?-u:\b)` agree at every position, so the ASCII form
//!   finds exactly the same matches ([`WordScan`], [`WordRegex::on`]).
//! - When it has some (a "café", a "Zelenskyy" spelt in Cyrillic), [`WordText`] also keeps a
//!   *masked* copy with every non-ASCII word character replaced by as many `_` as it has bytes.
//!   `_` is an ASCII word character, so ASCII `\b` on the masked copy agrees with Unicode `\b` on
//!   the original at every character boundary, and byte offsets do not move. That is exact for
//!   a pattern that can never consume a masked character nor `_` ([`WordRegex`] checks the
//!   pattern for that): then no match runs through a masked character, every match of either
//!   form lies on text both copies share, and the searches see the same characters and the same
//!   boundaries. The characters such a pattern *can* consume beyond ASCII are decimal digits
//!   (`\d` is Unicode) and the two non-ASCII case variants of ASCII letters (KELVIN SIGN for `k`,
//!   LONG S for `s`, under `(?i)`); a text with any of those is searched with the Unicode form.
//!
//! A pattern that may consume a masked character searches its ASCII form only on texts without
//! non-ASCII word characters, so that form also has ASCII letter classes (`\p{Lu}` ->
//! `[[:upper:]]`, exact there: see [`crate::bounded_regex`]), which compile for a fraction of
//! the cost.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::{Arc, LazyLock, OnceLock};

use regex::{CaptureMatches, Captures, Match, Matches, Regex};

use crate::bounded_regex::ascii_words_pattern;

/// One pattern compiled with ASCII word boundaries, and (lazily) as written.
#[derive(Debug, Clone)]
pub struct WordRegex {
    pattern: String,
    /// Shared by clones, so that one made before the first need does not compile it again.
    unicode: Arc<OnceLock<Regex>>,
    ascii: Regex,
    /// Whether the ASCII form finds the same matches on a [`WordText`]'s masked copy.
    maskable: bool,
}

impl WordRegex {
    pub fn new(pattern: &str) -> Result<Self, regex::Error> {
        // The Unicode form is compiled when a text first needs it: most runs never do, and it
        // differs from the ASCII form only in its `\b` escapes and a bounded number of letter
        // classes, so it compiles too.
        let maskable = consumes_no_masked_char(pattern);
        // A pattern that may consume a non-ASCII word character searches its ASCII form only on
        // texts with none (never masked ones), so its letter classes can be ASCII there too:
        // much cheaper to compile ([`crate::bounded_regex`]).
        let ascii_pattern = match maskable {
            true => ascii_boundaries(pattern),
            false => ascii_words_pattern(pattern).unwrap_or_else(|| ascii_boundaries(pattern)),
        };
        let ascii = Regex::new(&ascii_pattern)?;
        Ok(WordRegex { pattern: pattern.to_string(), unicode: Arc::default(), ascii, maskable })
    }

    /// The regex to run on a text whose [`WordScan`] is `scan`: same matches, faster when it can.
    pub fn on(&self, scan: WordScan) -> &Regex {
        if scan.ascii_words { &self.ascii } else { self.unicode() }
    }

    /// The pattern as written (Unicode word boundaries).
    pub fn unicode(&self) -> &Regex {
        self.unicode.get_or_init(|| Regex::new(&self.pattern).expect("compiled once with ASCII boundaries"))
    }

    /// Whether searches of a text with non-ASCII word characters stay on the ASCII form (the
    /// pattern consumes no character [`WordText`] masks).
    pub fn masks(&self) -> bool {
        self.maskable
    }

    /// The regex and haystack to search for `text`'s matches; offsets into the haystack are
    /// offsets into `text.as_str()`, and every match's text is the same in both.
    pub fn search<'r, 'h>(&'r self, text: &'h WordText<'_>) -> (&'r Regex, &'h str) {
        match text.mode {
            Mode::AsciiWords => (&self.ascii, text.text),
            Mode::Masked if self.maskable => (&self.ascii, &text.masked),
            Mode::Masked | Mode::Unicode => (self.unicode(), text.text),
        }
    }

    /// Whether [`search`](Self::search) runs the ASCII form for `text`. Its matches then hold no
    /// non-ASCII letter (the text has none, or they are masked and the pattern consumes none),
    /// so ASCII case-insensitive tests of a match's words see them as the regex did.
    pub fn searches_ascii(&self, text: &WordText<'_>) -> bool {
        match text.mode {
            Mode::AsciiWords => true,
            Mode::Masked => self.maskable,
            Mode::Unicode => false,
        }
    }

    pub fn find_iter<'r, 'h>(&'r self, text: &'h WordText<'_>) -> Matches<'r, 'h> {
        let (re, hay) = self.search(text);
        re.find_iter(hay)
    }

    pub fn captures_iter<'r, 'h>(&'r self, text: &'h WordText<'_>) -> CaptureMatches<'r, 'h> {
        let (re, hay) = self.search(text);
        re.captures_iter(hay)
    }

    pub fn find<'h>(&self, text: &'h WordText<'_>) -> Option<Match<'h>> {
        let (re, hay) = self.search(text);
        re.find(hay)
    }

    pub fn captures<'h>(&self, text: &'h WordText<'_>) -> Option<Captures<'h>> {
        let (re, hay) = self.search(text);
        re.captures(hay)
    }

    pub fn is_match(&self, text: &WordText<'_>) -> bool {
        let (re, hay) = self.search(text);
        re.is_match(hay)
    }
}

/// Whether a text's word characters are all ASCII (then ASCII word boundaries are exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordScan {
    ascii_words: bool,
}

impl WordScan {
    pub fn of(text: &str) -> Self {
        WordScan { ascii_words: text.is_ascii() || only_common_non_word(text) || !NON_ASCII_WORD.is_match(text) }
    }

    /// Whether every word character of the text is ASCII.
    pub fn ascii_words(&self) -> bool {
        self.ascii_words
    }
}

/// Non-ASCII characters of news text that are not word characters: quotes, dashes, spaces.
const COMMON_NON_WORD: &[char] = &['‘', '’', '“', '”', '—', '–', '\u{a0}', '…', '€', '£', '•', '·', '«', '»'];

/// Whether every non-ASCII character of `text` is in [`COMMON_NON_WORD`]: then it has no
/// non-ASCII word character, found without the regex scan (a Unicode class, many instructions
/// per byte) that most English news would otherwise need only for its curly quotes and dashes.
/// ASCII runs are skipped eight bytes at a time: [`BoundedRegex`](crate::bounded_regex::BoundedRegex)
/// scans every text it searches, and decoding each character cost ~6 instructions a byte.
fn only_common_non_word(text: &str) -> bool {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        while let Some(chunk) = bytes.get(i..i + 8) {
            if u64::from_le_bytes(chunk.try_into().expect("eight bytes")) & HIGH_BITS != 0 {
                break;
            }
            i += 8;
        }
        match bytes.get(i) {
            None => return true,
            Some(b) if b.is_ascii() => i += 1,
            // Only ASCII bytes and whole characters were skipped: `i` is a character boundary.
            Some(_) => {
                let c = text[i..].chars().next().expect("a character starts here");
                if !COMMON_NON_WORD.contains(&c) {
                    return false;
                }
                i += c.len_utf8();
            }
        }
    }
}

static NON_ASCII_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\w&&[^\x00-\x7F]]").expect("valid class"));

/// A text prepared for [`WordRegex`] searches: scanned once, masked when that keeps searches on
/// the ASCII form (see the module docs).
#[derive(Debug, Clone)]
pub struct WordText<'t> {
    text: &'t str,
    /// `text` with non-ASCII word characters masked; only read in [`Mode::Masked`].
    masked: Cow<'t, str>,
    mode: Mode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// No non-ASCII word character: the ASCII form is exact on the text itself.
    AsciiWords,
    /// Non-ASCII word characters, all of which the masked copy hides.
    Masked,
    /// A non-ASCII word character that a pattern could consume: the Unicode form only.
    Unicode,
}

impl<'t> WordText<'t> {
    pub fn new(text: &'t str) -> Self {
        // Runs of them, so that a text in another script is a few matches per word, not per char.
        static RUN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\w&&[^\x00-\x7F]]+").expect("valid class"));
        // Non-ASCII characters a maskable pattern can still consume: see the module docs.
        static CONSUMABLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[[\d&&[^\x00-\x7F]]\x{17F}\x{212A}]").expect("valid class"));
        let plain = WordText { text, masked: Cow::Borrowed(text), mode: Mode::AsciiWords };
        if text.is_ascii() || only_common_non_word(text) {
            return plain;
        }
        let mut masked = String::new();
        let mut last = 0;
        for m in RUN.find_iter(text) {
            if CONSUMABLE.is_match(m.as_str()) {
                return WordText { mode: Mode::Unicode, ..plain };
            }
            if masked.is_empty() {
                masked.reserve(text.len());
            }
            masked.push_str(&text[last..m.start()]);
            masked.extend(std::iter::repeat_n('_', m.len()));
            last = m.end();
        }
        if last == 0 {
            return plain;
        }
        masked.push_str(&text[last..]);
        WordText { text, masked: Cow::Owned(masked), mode: Mode::Masked }
    }

    /// Whether every word character of the text is ASCII (then every [`WordRegex`] searches it
    /// with its ASCII form: [`WordRegex::searches_ascii`] holds).
    pub fn ascii_words(&self) -> bool {
        self.mode == Mode::AsciiWords
    }

    /// The text as given.
    pub fn as_str(&self) -> &'t str {
        self.text
    }

    /// The part `range` of the text, prepared the same way (`range` on character boundaries).
    pub fn slice(&self, range: Range<usize>) -> WordText<'_> {
        let masked = match self.mode {
            Mode::Masked => Cow::Borrowed(&self.masked[range.clone()]),
            _ => Cow::Borrowed(&self.text[range.clone()]),
        };
        WordText { text: &self.text[range], masked, mode: self.mode }
    }
}

/// Whether `p` can consume only characters [`WordText`] never masks (and never `_`), judged
/// conservatively from its text: every escape is `\b`, `\d`, `\s` or escaped ASCII punctuation; no
/// `.` and no negated class; `_` is not written nor inside an ASCII range; and every non-ASCII
/// character written is a caseless non-word character that ends no range.
fn consumes_no_masked_char(p: &str) -> bool {
    let cs: Vec<char> = p.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        match c {
            // A group's flags or name ("(?-i:", "(?P<day>") consume nothing.
            '(' if cs.get(i + 1) == Some(&'?') => {
                while i + 1 < cs.len() && !matches!(cs[i], ':' | ')' | '>') {
                    i += 1;
                }
            }
            '\\' => match cs.get(i + 1) {
                Some('b' | 'd' | 's') => i += 1,
                Some(n) if n.is_ascii_punctuation() => i += 1,
                _ => return false,
            },
            '.' | '_' => return false,
            '[' if cs.get(i + 1) == Some(&'^') => return false,
            '-' if i > 0 && i + 1 < cs.len() => {
                let (lo, hi) = (cs[i - 1], cs[i + 1]);
                if !lo.is_ascii() || !hi.is_ascii() || (lo <= '_' && '_' <= hi) {
                    return false;
                }
            }
            c if !c.is_ascii() => {
                let mut buf = [0; 4];
                let caseless = c.to_lowercase().eq(std::iter::once(c)) && c.to_uppercase().eq(std::iter::once(c));
                if NON_ASCII_WORD.is_match(c.encode_utf8(&mut buf)) || !caseless {
                    return false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    true
}

/// `\b` -> `(?-u:\b)`, leaving every other escape as it is. (`\d` -> `[0-9]` would be exact too, as
/// the ASCII form never sees a non-ASCII digit, but measured slower: a ten-byte class lets the
/// regex crate build digit prefilters that fire at every number.)
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

    #[test]
    fn patterns_that_may_consume_masked_characters_are_not_masked() {
        for p in [r"\b\w+\b", r"\b\p{Lu}\p{Lu}\p{Ll}{2,}\b", r"a.b", r"[^x]\b", r"\bé", r"[a-é]", r"[A-z]", r"\b_x", r"\bΣ"] {
            assert!(!consumes_no_masked_char(p), "{p}");
        }
        for p in [r"(?i)\b(?:now|may)\b", r"\b\d{1,2}(?:st|nd)?[\s-]+\$[ECMP][SD]T['’]\b", r"\s?½|€|—\b", r"[0-5]\d|[- ]x", r"(?-i:x)(?P<day>\d)"] {
            assert!(consumes_no_masked_char(p), "{p}");
        }
    }

    #[test]
    fn common_non_word_characters_are_not_word_characters() {
        for c in COMMON_NON_WORD {
            assert!(!c.is_ascii() && !NON_ASCII_WORD.is_match(&c.to_string()), "{c:?}");
        }
        assert!(only_common_non_word("Putin’s “talks” — now\u{a0}…"));
        assert!(!only_common_non_word("“café”"));
    }

    #[test]
    fn common_non_word_scan_agrees_with_the_plain_definition() {
        let plain = |t: &str| t.chars().filter(|c| !c.is_ascii()).all(|c| COMMON_NON_WORD.contains(&c));
        let pieces = ["a", "Putin said ", "’", "“", "—", "\u{a0}", "…", "é", "€", "Київ", "\u{212A}", "12345678", " ", "«", "\u{2019}x"];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20000 {
            let mut t = String::new();
            for _ in 0..(seed >> 60) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                // Mostly common pieces, so that both answers come up.
                let k = (seed >> 33) as usize % (pieces.len() * 4);
                t.push_str(pieces[if k < pieces.len() { k } else { k % 7 }]);
            }
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            assert_eq!(only_common_non_word(&t), plain(&t), "{t:?}");
        }
    }

    #[test]
    fn mask_hides_exactly_the_non_ascii_word_characters() {
        let t = WordText::new("Zelenskyy’s café — Київ 2021");
        assert_eq!(t.mode, Mode::Masked);
        assert_eq!(t.masked, "Zelenskyy’s caf__ — ________ 2021");
        assert_eq!(WordText::new("“now” — ½").mode, Mode::AsciiWords);
        // Digits of other scripts and the case variants of ASCII letters stay visible.
        for t in ["café ٢٠٢١", "café 5 \u{212A}m", "ſeven"] {
            assert_eq!(WordText::new(t).mode, Mode::Unicode, "{t}");
        }
    }

    #[test]
    fn the_characters_a_maskable_pattern_consumes_are_never_masked() {
        // The module docs' claim, checked over all of Unicode: outside ASCII, `\s`, `\d` and
        // case-insensitive ASCII letters match no masked character (all but the latter two are
        // not word characters at all).
        let masked = Regex::new(r"^[\w&&[^\x00-\x7F]]$").unwrap();
        let consumable = Regex::new(r"^[[\d&&[^\x00-\x7F]]\x{17F}\x{212A}]$").unwrap();
        let classes = Regex::new(r"(?i)^[\s\d0-9a-z]$").unwrap();
        let mut buf = [0; 4];
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            let s = c.encode_utf8(&mut buf);
            if masked.is_match(s) && !consumable.is_match(s) {
                assert!(!classes.is_match(s), "{c:?}");
            }
        }
    }

    #[test]
    fn masked_search_equals_unicode_search() {
        let pats = [r"(?i)\b(?:now|may|kilo|so)\b", r"\b\d{1,2}\s+(?:May|June)\b", r"(?i)\bthe\s+\w?x?(?:past|next)\s+(?:days?|weeks?)\b"];
        let pieces = ["now", "may", " ", "café", "Київ", "’", "—", "5", "May", "the", "past", "days", "é", "\u{a0}", "kilo", "so", "_", "x", "٢", "\u{212A}", "ſ", "\n"];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for p in pats {
            let r = WordRegex::new(p).unwrap();
            for _ in 0..2000 {
                let mut t = String::new();
                for _ in 0..(seed % 16) {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    t.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
                }
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let wt = WordText::new(&t);
                let got: Vec<_> = r.captures_iter(&wt).map(|c| c.iter().map(|m| m.map(|m| (m.range(), m.as_str().to_string()))).collect::<Vec<_>>()).collect();
                let want: Vec<_> = r.unicode().captures_iter(&t).map(|c| c.iter().map(|m| m.map(|m| (m.range(), m.as_str().to_string()))).collect::<Vec<_>>()).collect();
                assert_eq!(got, want, "{p} on {t:?}");
                let mid = t.char_indices().nth(t.chars().count() / 2).map_or(0, |(i, _)| i);
                let (s, whole) = (wt.slice(mid..t.len()), &t[mid..]);
                assert_eq!(r.find_iter(&s).map(|m| m.range()).collect::<Vec<_>>(), r.unicode().find_iter(whole).map(|m| m.range()).collect::<Vec<_>>());
            }
        }
    }
}
