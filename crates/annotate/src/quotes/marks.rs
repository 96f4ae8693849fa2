//! Finding direct quotations by their quotation marks.
//!
//! Double marks only open and close a quotation (curly “ ”, straight ", low „, guillemets « »);
//! single marks (‘ ’ ') are left alone because in English news they are nearly always apostrophes
//! or quotes nested inside a double-quoted passage, which then simply stay part of the outer
//! quote. A paragraph that opens a quotation without closing it continues into the next paragraph
//! when that one opens with a mark again (the news convention for a quote of several paragraphs).

/// One quotation found in the text; byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteSpan {
    /// The opening mark.
    pub open: usize,
    /// The content inside the marks, trimmed of whitespace.
    pub start: usize,
    pub end: usize,
    /// Just after the closing mark (or the end of the last paragraph for an unclosed quote).
    pub close_end: usize,
    /// The quote was never closed: it runs to the end of its paragraph.
    pub unclosed: bool,
    /// Number of paragraphs the quote runs over.
    pub paragraphs: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Open,
    Close,
    Either,
}

fn mark_kind(c: char) -> Option<Mark> {
    match c {
        '“' | '„' | '«' => Some(Mark::Open),
        '”' | '»' => Some(Mark::Close),
        '"' | '‟' | '″' => Some(Mark::Either),
        _ => None,
    }
}

/// Whether a straight mark at this position opens (by the characters around it).
fn straight_opens(prev: Option<char>, next: Option<char>) -> Option<bool> {
    let prev_space = prev.is_none_or(|c| c.is_whitespace() || "([{—–-/:;,".contains(c));
    let next_space = next.is_none_or(|c| c.is_whitespace());
    match (prev_space, next_space) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        (false, false) => {
            // "word"word or "...": a close when punctuation follows.
            if next.is_some_and(|c| c.is_alphanumeric()) { None } else { Some(false) }
        }
        (true, true) => None,
    }
}

/// Quotations in `text`, given its paragraphs as byte ranges, in text order.
pub fn find_quotes(text: &str, paragraphs: &[(usize, usize)]) -> Vec<QuoteSpan> {
    let mut out = Vec::new();
    // An open quote carried over from earlier paragraphs: (open mark byte, content start, paragraphs).
    let mut carried: Option<(usize, usize, usize)> = None;
    // Whether the open quote was opened with a straight mark.
    let mut open_straight = false;
    for (pi, &(ps, pe)) in paragraphs.iter().enumerate() {
        let para = &text[ps..pe];
        let first_mark = para.trim_start().chars().next().and_then(mark_kind);
        let mut open: Option<(usize, usize, usize)> = None;
        if let Some(c) = carried.take() {
            if matches!(first_mark, Some(Mark::Open) | Some(Mark::Either)) {
                // Continue: the reopening mark of this paragraph is skipped below.
                open = Some((c.0, c.1, c.2 + 1));
            } else {
                // Not continued: the quote ran to the end of its paragraph without a mark.
                let prev_end = paragraphs[pi - 1].1;
                push(text, &mut out, c.0, c.1, prev_end, prev_end, true, c.2);
            }
        }
        let mut skip_first = open.is_some();
        let mut nested = 0usize;
        let bytes = para.as_bytes();
        let mut idx = 0;
        while idx < bytes.len() {
            // Every mark is '"' or starts with the lead byte 0xC2 ('«', '»') or 0xE2 (the
            // others): any other byte, continuation bytes included, is stepped over undecoded.
            if !matches!(bytes[idx], b'"' | 0xC2 | 0xE2) {
                idx += 1;
                continue;
            }
            let c = para[idx..].chars().next().expect("a char starts at a lead byte");
            let (at, after_idx) = (idx, idx + c.len_utf8());
            idx = after_idx;
            let Some(kind) = mark_kind(c) else { continue };
            if skip_first {
                skip_first = false;
                continue;
            }
            let b = ps + at;
            let prev = para[..at].chars().next_back();
            let next = para[after_idx..].chars().next();
            let opens = match kind {
                Mark::Open => true,
                // A closing mark typed for an opening one (”Fear. I am ...” at a paragraph start).
                Mark::Close => open.is_none() && prev.is_none_or(char::is_whitespace) && next.is_some_and(char::is_alphanumeric),
                Mark::Either => {
                    // 6'2" or a 55" screen: an inch mark, unless it closes an open quote.
                    if open.is_none() && prev.is_some_and(|p| p.is_ascii_digit() || p == '\'') {
                        continue;
                    }
                    match straight_opens(prev, next) {
                        Some(o) => o,
                        None => open.is_none(),
                    }
                }
            };
            let after = b + c.len_utf8();
            let straight_mark = kind == Mark::Either;
            if open.is_some() && straight_mark != open_straight {
                // A mark of the other style inside a quote: a nested quote ("… “As you know …?” …"),
                // or, with nothing nested open, a closing typed in the other style.
                if opens {
                    nested += 1;
                    continue;
                }
                if nested > 0 {
                    nested -= 1;
                    continue;
                }
            }
            if opens {
                open_straight = straight_mark;
                nested = 0;
                // A new opening while one is open: the earlier mark was stray; start again.
                open = Some((b, after, 1));
            } else if let Some((o, s, n)) = open.take() {
                push(text, &mut out, o, s, b, after, false, n);
            }
        }
        carried = open;
    }
    if let (Some(c), Some(&(_, pe))) = (carried, paragraphs.last()) {
        push(text, &mut out, c.0, c.1, pe, pe, true, c.2);
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn push(text: &str, out: &mut Vec<QuoteSpan>, open: usize, s: usize, e: usize, close_end: usize, unclosed: bool, paragraphs: usize) {
    let seg = &text[s..e];
    let trimmed = seg.trim();
    if trimmed.chars().any(char::is_alphanumeric) {
        let start = s + (seg.len() - seg.trim_start().len());
        out.push(QuoteSpan { open, start, end: start + trimmed.len(), close_end, unclosed, paragraphs });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(t: &str) -> Vec<String> {
        let paras = crate::quotes::byte_paragraphs(t);
        find_quotes(t, &paras).into_iter().map(|q| t[q.start..q.end].to_string()).collect()
    }

    #[test]
    fn curly_and_straight_marks() {
        assert_eq!(quotes("He called it “open, substantive and constructive” on Wednesday."), vec![
            "open, substantive and constructive"
        ]);
        assert_eq!(quotes(r#""It is a lie," he said. "A total lie.""#), vec!["It is a lie,", "A total lie."]);
    }

    #[test]
    fn nested_single_quotes_and_apostrophes_stay_inside() {
        assert_eq!(quotes("“He told me ‘no way’ and it won‘t change,” she said."), vec![
            "He told me ‘no way’ and it won‘t change,"
        ]);
        assert!(quotes("It won‘t happen, and Putin’s aides didn’t say so.").is_empty());
    }

    #[test]
    fn closing_mark_typed_as_opening() {
        assert_eq!(quotes("”Fear. I am afraid.” ― Edwin Monroy"), vec!["Fear. I am afraid."]);
        assert_eq!(quotes("He said “no” and” then"), vec!["no"]);
    }

    #[test]
    fn other_style_marks_nest() {
        assert_eq!(quotes(r#""He asked: “Are you well?” Then he left." Next."#), vec!["He asked: “Are you well?” Then he left."]);
        assert_eq!(quotes(r#"“He said "no" to me,” she said."#), vec![r#"He said "no" to me,"#]);
        assert_eq!(quotes(r#"sort "work-related” emails from “personal messages.”"#), vec!["work-related", "personal messages."]);
    }

    #[test]
    fn inch_marks_are_not_quotes() {
        assert!(quotes(r#"He is 6'2" tall and bought a 55" TV."#).is_empty());
    }

    #[test]
    fn quote_over_several_paragraphs() {
        let t = "“First part of it.\n\n“Second part,” he said.\n\nNext.";
        let paras = crate::quotes::byte_paragraphs(t);
        let q = find_quotes(t, &paras);
        assert_eq!(q.len(), 1);
        assert_eq!(&t[q[0].start..q[0].end], "First part of it.\n\n“Second part,");
        assert_eq!(q[0].paragraphs, 2);
    }

    #[test]
    fn unclosed_quote_runs_to_paragraph_end() {
        let t = "He said “this never ends\n\nNew paragraph.";
        let paras = crate::quotes::byte_paragraphs(t);
        let q = find_quotes(t, &paras);
        assert_eq!(q.len(), 1);
        assert!(q[0].unclosed);
        assert_eq!(&t[q[0].start..q[0].end], "this never ends");
    }
}
