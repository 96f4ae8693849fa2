//! Step `typography`: quote marks that do not pair and spaces before punctuation.
//!
//! - an opening ‘ used as an apostrophe ("won‘t", "Ukraine‘s", "‘90s") becomes ’;
//! - a space before , . ; : ! ? or before a closing ” goes;
//! - an opening “ left dangling at the end of a quotation (`preparations. “`) becomes ”.
//!
//! Apostrophes, possessives and real nested quotes (‘forgotten’ inside “...”) are left as they
//! are: a ‘ is only an apostrophe when it follows a letter or digit, which an opening quote never
//! does.

use pipeline::{CorpusKnowledge, DocStep, Document, StepError};

use crate::aligned::Change;
use crate::workspace::repair_blocks;

pub struct TypographyStep;

impl DocStep for TypographyStep {
    fn name(&self) -> &'static str {
        "typography"
    }

    fn apply(&self, doc: &mut Document, _corpus: &CorpusKnowledge) -> Result<(), StepError> {
        repair_blocks(doc, |_, text| typography_changes(text));
        Ok(())
    }
}

pub(crate) fn is_closing_quote(c: char) -> bool {
    matches!(c, '”' | '’' | '"' | '\'' | '»')
}

fn is_sentence_punct(c: char) -> bool {
    matches!(c, ',' | ';' | ':' | '.' | '!' | '?')
}

/// Per code point: whether a double quotation is open just before it (“ opens, ” closes, a
/// straight " toggles).
pub(crate) fn open_double_quotes(chars: &[char]) -> Vec<bool> {
    let mut open = false;
    let mut out = Vec::with_capacity(chars.len());
    for &c in chars {
        out.push(open);
        match c {
            '“' => open = true,
            '”' => open = false,
            '"' => open = !open,
            _ => {}
        }
    }
    out
}

/// Whether any rule of [`typography_changes`] can fire: each needs a ‘, a space right before
/// sentence punctuation or a ”, or a “ as the last visible character. Most paragraphs have none
/// of these and are settled by this scan alone.
fn may_change(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Over every pair of bytes, a fold (`|` and `&`, no early exit) compiles to SIMD; stopping at
    // the first hit (`any`) cost a branch or two a byte.
    let space_before_punct = || {
        let next = bytes.get(1..).unwrap_or_default();
        bytes.iter().zip(next).fold(false, |any, (&a, &b)| any | ((a == b' ') & matches!(b, b',' | b';' | b':' | b'.' | b'!' | b'?')))
    };
    text.contains('‘') || text.trim_end().ends_with('“') || text.contains(" ”") || space_before_punct()
}

pub fn typography_changes(text: &str) -> Vec<Change> {
    if !may_change(text) {
        return Vec::new();
    }
    let idx: Vec<(usize, char)> = text.char_indices().collect();
    let chars: Vec<char> = idx.iter().map(|x| x.1).collect();
    let byte = |i: usize| idx.get(i).map_or(text.len(), |x| x.0);
    let open = open_double_quotes(&chars);
    let last_visible = chars.iter().rposition(|c| !c.is_whitespace());
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // ‘ right after a letter or digit, or eliding the century of a decade: an apostrophe.
        if c == '‘' {
            let after_word = i > 0 && chars[i - 1].is_alphanumeric();
            let decade = (i == 0 || !chars[i - 1].is_alphanumeric())
                && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())
                && chars.get(i + 2).is_some_and(|c| c.is_ascii_digit())
                && chars.get(i + 3).is_none_or(|c| *c == 's' || !c.is_alphanumeric());
            if after_word || decade {
                out.push(Change::repair(byte(i), byte(i + 1), "’", "typography.apostrophe"));
            }
            i += 1;
            continue;
        }
        if c == ' ' {
            let mut j = i;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            if i > 0 && j < chars.len() {
                let prev = chars[i - 1];
                let next = chars[j];
                let after_next = chars.get(j + 1).copied();
                let prev_is_word_end = prev.is_alphanumeric()
                    || (matches!(prev, ')' | '”' | '’') && i >= 2 && chars[i - 2].is_alphanumeric());
                // Space before sentence punctuation that ends a word's clause. Not before an
                // ellipsis or a decimal (".5"), and not after punctuation (that is an orphan mark,
                // handled by mt_artifacts).
                if is_sentence_punct(next)
                    && prev_is_word_end
                    && after_next.is_none_or(|a| a.is_whitespace() || is_closing_quote(a))
                    && !(next == '.' && (after_next == Some('.') || (after_next == Some(' ') && chars.get(j + 2) == Some(&'.'))))
                {
                    out.push(Change::repair(byte(i), byte(j), "", "typography.space_before_punct"));
                } else if next == '”'
                    && open[j]
                    && (prev.is_alphanumeric() || is_sentence_punct(prev))
                    && after_next.is_none_or(|a| a.is_whitespace() || is_sentence_punct(a))
                {
                    out.push(Change::repair(byte(i), byte(j), "", "typography.space_before_closing_quote"));
                }
            }
            i = j;
            continue;
        }
        // “ with nothing after it, inside an open quotation: the closing mark, turned the wrong way.
        if c == '“' && open[i] {
            let rest_blank = last_visible == Some(i);
            if rest_blank && i > 0 {
                let mut s = i;
                while s > 0 && chars[s - 1] == ' ' {
                    s -= 1;
                }
                if s > 0 && (is_sentence_punct(chars[s - 1]) || chars[s - 1].is_alphanumeric()) {
                    out.push(Change::repair(byte(s), byte(i + 1), "”", "typography.closing_quote_direction"));
                }
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aligned::AlignedText;

    fn fix(t: &str) -> String {
        let mut at = AlignedText::new(t, 0, &[]);
        at.commit(&typography_changes(t));
        at.text().to_string()
    }

    #[test]
    fn the_prefilter_passes_every_text_with_a_change() {
        for t in ["won‘t", "Hi , there", "said .", "“Fine ”", "“We are ready. “", "x ?", "a  ;"] {
            assert!(may_change(t) && !typography_changes(t).is_empty(), "{t:?}");
        }
        assert!(!may_change("“They won’t,” he said. “Fine.”"));
        // The pair fold against the plain search for a space before sentence punctuation.
        let plain = |t: &str| {
            t.contains('‘')
                || t.trim_end().ends_with('“')
                || t.contains(" ”")
                || t.as_bytes().windows(2).any(|w| w[0] == b' ' && matches!(w[1], b',' | b';' | b':' | b'.' | b'!' | b'?'))
        };
        let pieces = ["a", "Zq", " ", "  ", ",", ";", ":", ".", "!", "?", "-", "‘", "“", "”", "é"];
        for t in crate::test_texts::random_texts(&pieces, 8).take(20_000) {
            assert_eq!(may_change(&t), plain(&t), "{t:?}");
        }
    }

    #[test]
    fn apostrophes() {
        assert_eq!(fix("“They won‘t do that.”"), "“They won’t do that.”");
        assert_eq!(fix("without Ukraine‘s participation"), "without Ukraine’s participation");
        assert_eq!(fix("the students‘ union"), "the students’ union");
        assert_eq!(fix("in the ‘90s"), "in the ’90s");
    }

    #[test]
    fn real_quotes_and_apostrophes_stay() {
        for t in [
            "Perspective: Ukraine’s ‘forgotten’ soldiers",
            "“to show that Biden ‘heroically’ prevented it,” he said.",
            "rock ‘n’ roll",
            "“We can,” Putin said. “It’s the main thing.”",
            "the 1990s and ’80s",
            "He said: “Go.” Then left.",
            "Wait . . . what",
            "from 0 .5 to 1",
            "“Our experts say,” Danilov said. “There is a period of time.”",
            "“In particular, they talked",
        ] {
            assert!(typography_changes(t).is_empty(), "{t:?}: {:?}", typography_changes(t));
        }
    }

    #[test]
    fn spaces_before_punctuation_and_closing_quotes() {
        assert_eq!(fix("sanctions , he said ; then : yes ?"), "sanctions, he said; then: yes?");
        assert_eq!(fix("“It is over .”"), "“It is over.”");
        assert_eq!(fix("“It is over. ” he said"), "“It is over.” he said");
        assert_eq!(fix(&fix("“it is said ” ,")), "“it is said”,");
    }

    #[test]
    fn dangling_opening_mark_at_the_end_closes() {
        assert_eq!(
            fix("Danilov said. “There is a period of time required for the preparations. “"),
            "Danilov said. “There is a period of time required for the preparations.”"
        );
        // A quotation that runs on into the next paragraph keeps its opening mark.
        assert!(typography_changes("He wrote: “").is_empty());
    }
}
