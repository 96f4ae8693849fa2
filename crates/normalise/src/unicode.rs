//! Step `unicode`: canonical composition (NFC), stray control and zero-width characters, and
//! non-breaking or exotic spaces turned into plain spaces.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
use unicode_normalization::char::canonical_combining_class;

use pipeline::{CorpusKnowledge, DocStep, Document, StepError};

use crate::aligned::Change;
use crate::workspace::repair_blocks;

pub struct UnicodeStep;

impl DocStep for UnicodeStep {
    fn name(&self) -> &'static str {
        "unicode"
    }

    fn apply(&self, doc: &mut Document, _corpus: &CorpusKnowledge) -> Result<(), StepError> {
        repair_blocks(doc, |_, text| unicode_changes(text));
        Ok(())
    }
}

/// Spaces that should read as a plain space in running text.
fn is_odd_space(c: char) -> bool {
    matches!(c, '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}')
}

/// Invisible characters that carry nothing in prose. Joiners (U+200C/D) are left alone where a
/// neighbour is outside ASCII: they shape emoji sequences and several scripts.
fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}' | '\u{ad}' | '\u{180e}')
}

fn is_stray_control(c: char) -> bool {
    c.is_control() && c != '\t'
}

/// No character below U+0300 (the first combining diacritical mark) has a non-zero canonical
/// combining class or fails the NFC quick check.
const FIRST_COMBINING: char = '\u{300}';

fn combining_class(c: char) -> u8 {
    if c < FIRST_COMBINING { 0 } else { canonical_combining_class(c) }
}

pub fn unicode_changes(text: &str) -> Vec<Change> {
    let mut out = Vec::new();
    // ASCII without control characters (tab aside) has nothing to repair: NFC, odd spaces and
    // zero-width characters are all outside ASCII.
    if text.bytes().all(|b| (b' '..0x7f).contains(&b) || b == b'\t') {
        return out;
    }
    let bytes = text.as_bytes();
    let is_plain = |b: u8| (b' '..0x7f).contains(&b) || b == b'\t';
    let mut b = 0;
    while b < text.len() {
        // Printable ASCII or a tab followed by ASCII: nothing to repair (most of any text,
        // settled byte by byte without decoding characters).
        if is_plain(bytes[b]) && bytes.get(b + 1).is_none_or(u8::is_ascii) {
            b += 1;
            continue;
        }
        let c = text[b..].chars().next().expect("b is on a char boundary");
        let next_b = b + c.len_utf8();
        let next = text[next_b..].chars().next();
        // The same, followed by any character that does not combine.
        if (c == '\t' || (' '..='~').contains(&c)) && next.is_none_or(|x| x < FIRST_COMBINING) {
            b = next_b;
            continue;
        }
        if is_odd_space(c) {
            out.push(Change::repair(b, next_b, " ", "unicode.nbsp"));
            b = next_b;
            continue;
        }
        if is_zero_width(c) {
            out.push(Change::repair(b, next_b, "", "unicode.zero_width"));
            b = next_b;
            continue;
        }
        if matches!(c, '\u{200c}' | '\u{200d}') {
            let prev_ascii = text[..b].chars().next_back().is_none_or(|x| x.is_ascii());
            let next_ascii = next.is_none_or(|x| x.is_ascii());
            if prev_ascii && next_ascii {
                out.push(Change::repair(b, next_b, "", "unicode.zero_width"));
            }
            b = next_b;
            continue;
        }
        if is_stray_control(c) {
            out.push(Change::repair(b, next_b, "", "unicode.control"));
            b = next_b;
            continue;
        }
        // A base character and the combining marks after it compose (or not) as one unit.
        let mut end_b = next_b;
        for x in text[next_b..].chars() {
            if combining_class(x) == 0 {
                break;
            }
            end_b += x.len_utf8();
        }
        let unit = &text[b..end_b];
        // The quick check proves most units NFC already without composing them.
        if !unit.is_ascii() && is_nfc_quick(unit.chars()) != IsNormalized::Yes {
            let nfc: String = unit.nfc().collect();
            if nfc != unit {
                out.push(Change::repair(b, end_b, nfc, "unicode.nfc"));
            }
        }
        b = end_b;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aligned::AlignedText;

    /// The character-by-character definition [`unicode_changes`] must match.
    fn reference(text: &str) -> Vec<Change> {
        let mut out = Vec::new();
        // ASCII without control characters (tab aside) has nothing to repair: NFC, odd spaces and
        // zero-width characters are all outside ASCII.
        if text.bytes().all(|b| (b' '..0x7f).contains(&b) || b == b'\t') {
            return out;
        }
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (b, c) = chars[i];
            // Printable ASCII or a tab, not followed by a combining mark: nothing to repair (the
            // common case, settled without the checks and table lookups below).
            if (c == '\t' || (' '..='~').contains(&c)) && chars.get(i + 1).is_none_or(|x| x.1 < FIRST_COMBINING) {
                i += 1;
                continue;
            }
            let next_b = chars.get(i + 1).map_or(text.len(), |x| x.0);
            if is_odd_space(c) {
                out.push(Change::repair(b, next_b, " ", "unicode.nbsp"));
                i += 1;
                continue;
            }
            if is_zero_width(c) {
                out.push(Change::repair(b, next_b, "", "unicode.zero_width"));
                i += 1;
                continue;
            }
            if matches!(c, '\u{200c}' | '\u{200d}') {
                let prev_ascii = i == 0 || chars[i - 1].1.is_ascii();
                let next_ascii = chars.get(i + 1).is_none_or(|x| x.1.is_ascii());
                if prev_ascii && next_ascii {
                    out.push(Change::repair(b, next_b, "", "unicode.zero_width"));
                }
                i += 1;
                continue;
            }
            if is_stray_control(c) {
                out.push(Change::repair(b, next_b, "", "unicode.control"));
                i += 1;
                continue;
            }
            // A base character and the combining marks after it compose (or not) as one unit.
            let mut j = i + 1;
            while j < chars.len() && combining_class(chars[j].1) != 0 {
                j += 1;
            }
            let end_b = chars.get(j).map_or(text.len(), |x| x.0);
            let unit = &text[b..end_b];
            // The quick check proves most units NFC already without composing them.
            if !unit.is_ascii() && is_nfc_quick(unit.chars()) != IsNormalized::Yes {
                let nfc: String = unit.nfc().collect();
                if nfc != unit {
                    out.push(Change::repair(b, end_b, nfc, "unicode.nfc"));
                }
            }
            i = j;
        }
        out
    }

    fn fix(t: &str) -> String {
        let mut at = AlignedText::new(t, 0, &[]);
        at.commit(&unicode_changes(t));
        at.text().to_string()
    }

    #[test]
    fn repairs_what_it_should() {
        assert_eq!(fix("to\u{a0}the"), "to the");
        assert_eq!(fix("te\u{302}te-a\u{300}-te\u{302}te"), "tête-à-tête");
        assert_eq!(fix("Kre\u{200b}mlin\u{feff}"), "Kremlin");
        assert_eq!(fix("co\u{ad}operation"), "cooperation");
        assert_eq!(fix("a\u{7}b\u{0}c\u{85}d"), "abcd");
        assert_eq!(fix("x\u{202f}y\u{3000}z"), "x y z");
        assert_eq!(fix("ab\u{200d}cd"), "abcd");
    }

    #[test]
    fn nothing_below_the_first_combining_mark_combines_or_recomposes() {
        for c in (0..0x300u32).filter_map(char::from_u32) {
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
        }
    }

    #[test]
    fn leaves_what_is_right() {
        for t in ["tête-à-tête", "Кремль “said” — 😀", "👩\u{200d}💻 works", "tab\tstays for whitespace", "e\u{301}\u{323}"] {
            let got = fix(t);
            let want: String = t.nfc().collect();
            assert_eq!(got, want, "{t:?}");
        }
        assert!(unicode_changes("plain ASCII text.").is_empty());
    }

    #[test]
    fn byte_scan_finds_what_the_character_scan_finds() {
        let pieces = [
            "a", "Z", " ", "\t", ".", "~", "\u{7f}", "\u{0}", "\n", "é", "e", "\u{301}", "\u{323}", "\u{a0}", "\u{200b}", "\u{200c}",
            "\u{200d}", "\u{feff}", "\u{ad}", "\u{85}", "Кремль", "“", "’", "😀", "\u{3000}", "\u{2029}", "ᄀ", "\u{1161}", "Å", "A\u{30a}",
        ];
        for t in crate::test_texts::random_texts(&pieces, 12).take(20_000) {
            assert_eq!(unicode_changes(&t), reference(&t), "{t:?}");
        }
        for t in ["tête-à-tête", "Кремль “said” — 😀", "👩\u{200d}💻 works", "ab\u{200d}cd", "e\u{301}\u{323}", "plain ASCII text."] {
            assert_eq!(unicode_changes(t), reference(t), "{t:?}");
        }
    }
}
