//! Step `whitespace`: doubled spaces and tabs inside a line become one space; whitespace left at a
//! block's edges (after invisible characters were removed) goes.
//!
//! Trailing spaces on raw lines and runs of blank lines never reach a block (blocks are trimmed
//! non-blank lines, and the clean text separates blocks by exactly one blank line), so paragraph
//! breaks are kept by construction and need no edit rows.

use pipeline::text::ascii_prefix_len;
use pipeline::{CorpusKnowledge, DocStep, Document, StepError};

use crate::aligned::Change;
use crate::workspace::repair_blocks;

pub struct WhitespaceStep;

impl DocStep for WhitespaceStep {
    fn name(&self) -> &'static str {
        "whitespace"
    }

    fn apply(&self, doc: &mut Document, _corpus: &CorpusKnowledge) -> Result<(), StepError> {
        repair_blocks(doc, |_, text| whitespace_changes(text));
        Ok(())
    }
}

pub fn whitespace_changes(text: &str) -> Vec<Change> {
    if only_single_spaces_inside(text) {
        return Vec::new(); // most blocks: nothing to trim or collapse
    }
    changes_run_by_run(text)
}

/// The changes, run of white space by run (the definition: [`whitespace_changes`] only skips the
/// texts where this finds nothing).
fn changes_run_by_run(text: &str) -> Vec<Change> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((b, c)) = it.next() {
        if !c.is_whitespace() {
            continue;
        }
        let mut end = b + c.len_utf8();
        let mut all_spaces = c == ' ';
        while let Some(&(b2, c2)) = it.peek() {
            if !c2.is_whitespace() {
                break;
            }
            all_spaces &= c2 == ' ';
            end = b2 + c2.len_utf8();
            it.next();
        }
        if b == 0 || end == text.len() {
            out.push(Change::repair(b, end, "", "whitespace.trim"));
        } else if all_spaces && end - b > 1 {
            // Delete the extra spaces only, so the row says exactly what went.
            out.push(Change::repair(b + 1, end, "", "whitespace.collapse"));
        } else if !all_spaces {
            out.push(Change::repair(b, end, " ", "whitespace.collapse"));
        }
    }
    out
}

/// Whether all the white space of `text` is single plain spaces between other characters, so
/// that [`whitespace_changes`] has nothing to do. Settled without decoding ASCII: one vectorised
/// pass for ASCII white space other than a space, a substring search for two spaces, and eight
/// bytes at a time over ASCII to reach the few other characters, which are decoded.
fn only_single_spaces_inside(text: &str) -> bool {
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        return false;
    }
    let bytes = text.as_bytes();
    // `char::is_whitespace` in ASCII: space and \t \n \x0B \x0C \r. A fold (no early exit)
    // compiles to SIMD.
    if bytes.iter().fold(false, |any, &b| any | (b'\t'..=b'\r').contains(&b)) || text.contains("  ") {
        return false;
    }
    let mut at = 0;
    while at < bytes.len() {
        at += ascii_prefix_len(&bytes[at..]);
        if let Some(c) = text[at..].chars().next() {
            if c.is_whitespace() {
                return false;
            }
            at += c.len_utf8();
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aligned::AlignedText;

    fn fix(t: &str) -> String {
        let mut at = AlignedText::new(t, 0, &[]);
        at.commit(&whitespace_changes(t));
        at.text().to_string()
    }

    #[test]
    fn collapses_runs_and_tabs() {
        assert_eq!(fix("according to  the readout"), "according to the readout");
        assert_eq!(fix("a\tb \t c"), "a b c");
        assert_eq!(fix(" lead and trail  "), "lead and trail");
    }

    #[test]
    fn the_quick_check_admits_every_text_with_changes() {
        let pieces = ["a", "Zq", ".", " ", " ", "  ", "\t", "\n", "\x0b", "\x0c", "\r", "\u{85}", "\u{a0}", "\u{2003}", "\u{3000}", "’", "—", "é", "\u{200b}", "Кремль"];
        for t in crate::test_texts::random_texts(&pieces, 10).take(20_000) {
            let changes = changes_run_by_run(&t);
            assert_eq!(only_single_spaces_inside(&t), changes.is_empty(), "{t:?}: {changes:?}");
            assert_eq!(whitespace_changes(&t), changes, "{t:?}");
        }
    }

    #[test]
    fn single_spaces_untouched() {
        assert!(whitespace_changes("One space — between “words”.").is_empty());
        assert!(whitespace_changes("").is_empty());
    }
}
