//! Aligned text: a block's working text (raw text with the repairs made so far) whose every code
//! point knows which raw code points it stands for.
//!
//! Repairs run before boilerplate classification and each step runs on its own, so the only state
//! the steps share is the document's `edits` list: the working text of a block is always rebuilt as
//! "raw block text with its repair edits applied". A rule proposes [`Change`]s in working-text
//! coordinates; [`AlignedText::commit`] turns them into edit rows in raw coordinates, merging a
//! change with earlier edits it touches so edits never overlap and `before` is always exactly
//! `raw_text[raw_start..raw_end]`.

use std::borrow::Cow;

use pipeline::text::ascii_prefix_len;
use pipeline::{EditKind, EditRow};

/// A proposed change to a block's working text, in byte offsets of that working text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
    pub rule: &'static str,
    pub kind: EditKind,
}

impl Change {
    pub fn repair(start: usize, end: usize, replacement: impl Into<String>, rule: &'static str) -> Self {
        Change { start, end, replacement: replacement.into(), rule, kind: EditKind::Repair }
    }

    pub fn flag(start: usize, end: usize, suggestion: impl Into<String>, rule: &'static str) -> Self {
        Change { start, end, replacement: suggestion.into(), rule, kind: EditKind::Flag }
    }
}

/// Where a working-text code point comes from: raw code points `start..end` (document offsets),
/// either itself (`edit == None`) or as part of the `after` text of a repair edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Origin {
    start: usize,
    end: usize,
    edit: Option<usize>,
}

/// One block's working text. `raw` is the block's raw text, starting at document code point
/// `raw_base`; `edits` are the block's repair edits, sorted and non-overlapping.
#[derive(Debug, Clone)]
pub struct AlignedText {
    raw: String,
    /// Byte offset in `raw` of each raw code point, plus `raw.len()`: raw code points are copied
    /// and sliced as byte ranges, not one character at a time.
    raw_byte_of: Vec<usize>,
    raw_base: usize,
    edits: Vec<EditRow>,
    text: String,
    /// Byte offset of each working code point, plus the text length.
    byte_of: Vec<usize>,
    origins: Vec<Origin>,
    /// Working code-point range of each edit's `after` text.
    edit_chars: Vec<(usize, usize)>,
}

impl AlignedText {
    /// Builds the working text of a block from its raw text and its repair edits (flags and edits
    /// outside the block are ignored).
    pub fn new(raw_block: &str, raw_base: usize, edits: &[EditRow]) -> Self {
        let raw_byte_of = char_offsets(raw_block);
        let end = raw_base + raw_byte_of.len() - 1;
        let mut own: Vec<EditRow> = edits
            .iter()
            .filter(|e| e.kind == EditKind::Repair && e.raw_start >= raw_base && e.raw_end <= end)
            .cloned()
            .collect();
        sort_edits(&mut own);
        let mut at = AlignedText {
            raw: raw_block.to_string(),
            raw_byte_of,
            raw_base,
            edits: own,
            text: String::new(),
            byte_of: Vec::new(),
            origins: Vec::new(),
            edit_chars: Vec::new(),
        };
        at.rebuild();
        at
    }

    /// Number of raw code points.
    fn raw_chars(&self) -> usize {
        self.raw_byte_of.len() - 1
    }

    fn rebuild(&mut self) {
        let mut text = String::with_capacity(self.raw.len());
        let mut byte_of = Vec::with_capacity(self.raw_byte_of.len());
        let mut origins = Vec::with_capacity(self.raw_chars());
        let mut edit_chars = Vec::with_capacity(self.edits.len());
        let mut pos = self.raw_base; // next raw code point not yet emitted
        // Raw code points `from..to` (document offsets) as they are: one byte slice, their offsets
        // shifted and their origins in one go each (no character decoded or pushed one by one).
        let push_raw = |text: &mut String, byte_of: &mut Vec<usize>, origins: &mut Vec<Origin>, from: usize, to: usize| {
            let (a, b) = (from - self.raw_base, to - self.raw_base);
            let (start, at) = (self.raw_byte_of[a], text.len());
            byte_of.extend(self.raw_byte_of[a..b].iter().map(|&x| x - start + at));
            text.push_str(&self.raw[start..self.raw_byte_of[b]]);
            origins.extend((from..to).map(|p| Origin { start: p, end: p + 1, edit: None }));
        };
        for (i, e) in self.edits.iter().enumerate() {
            let s = e.raw_start.max(pos);
            push_raw(&mut text, &mut byte_of, &mut origins, pos, s);
            let first = origins.len();
            for c in e.after.chars() {
                byte_of.push(text.len());
                text.push(c);
                origins.push(Origin { start: e.raw_start, end: e.raw_end, edit: Some(i) });
            }
            edit_chars.push((first, origins.len()));
            pos = e.raw_end.max(s);
        }
        push_raw(&mut text, &mut byte_of, &mut origins, pos, self.raw_base + self.raw_chars());
        byte_of.push(text.len());
        self.text = text;
        self.origins = origins;
        self.edit_chars = edit_chars;
        self.byte_of = byte_of;
    }

    /// Working code points `a..b`.
    fn working(&self, a: usize, b: usize) -> &str {
        &self.text[self.byte_of[a]..self.byte_of[b]]
    }

    /// The working text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The block's repair edits, sorted.
    pub fn edits(&self) -> &[EditRow] {
        &self.edits
    }

    fn char_of_byte(&self, byte: usize) -> usize {
        match self.byte_of.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Raw (document) code-point span that working code points `a..b` stand for; for an empty
    /// range, the insertion point.
    fn raw_span(&self, a: usize, b: usize) -> (usize, usize) {
        if a < b {
            let s = self.origins[a..b].iter().map(|o| o.start).min().unwrap_or(0);
            let e = self.origins[a..b].iter().map(|o| o.end).max().unwrap_or(s);
            (s, e)
        } else if a < self.origins.len() {
            let p = self.origins[a].start;
            (p, p)
        } else if a > 0 {
            let p = self.origins[a - 1].end;
            (p, p)
        } else {
            (self.raw_base + self.raw_chars(), self.raw_base + self.raw_chars())
        }
    }

    fn raw_slice(&self, s: usize, e: usize) -> String {
        self.raw[self.raw_byte_of[s - self.raw_base]..self.raw_byte_of[e - self.raw_base]].to_string()
    }

    /// Applies `changes` (byte offsets into [`Self::text`], sorted by start, non-overlapping; any
    /// that are not are dropped). Repairs become edits of this block; flags are returned as rows
    /// without changing the text. Returns the flag rows (doc_id left empty for the caller).
    pub fn commit(&mut self, changes: &[Change]) -> Vec<EditRow> {
        let mut flags = Vec::new();
        // Changes in code points, validated.
        let mut ok: Vec<(usize, usize, &Change)> = Vec::new();
        let mut last_end = 0usize;
        for c in changes {
            if c.start > c.end || c.end > self.text.len() || !self.text.is_char_boundary(c.start) || !self.text.is_char_boundary(c.end) {
                continue;
            }
            let (a, b) = (self.char_of_byte(c.start), self.char_of_byte(c.end));
            if !ok.is_empty() && a < last_end {
                continue;
            }
            if c.kind == EditKind::Flag {
                flags.push(self.flag_row(a, b, c));
                continue;
            }
            if a == b && c.replacement.is_empty() {
                continue;
            }
            last_end = b;
            ok.push((a, b, c));
        }
        if ok.is_empty() {
            return flags;
        }

        // Group changes with the old edits they touch; a group becomes one edit row.
        struct Group<'c> {
            span: (usize, usize),
            edits: Vec<usize>,
            changes: Vec<(usize, usize, &'c Change)>,
        }
        let mut groups: Vec<Group> = Vec::new();
        for (a, b, c) in ok {
            let span = self.raw_span(a, b);
            let mut touched: Vec<usize> = self.origins[a..b].iter().filter_map(|o| o.edit).collect();
            // An insertion between two characters of one earlier edit's text belongs to that edit.
            if a == b && a > 0 && a < self.origins.len() && self.origins[a - 1].edit.is_some() && self.origins[a - 1].edit == self.origins[a].edit {
                touched.extend(self.origins[a].edit);
            }
            touched.extend(self.edits_near(span).filter(|&i| overlaps(span, (self.edits[i].raw_start, self.edits[i].raw_end))));
            touched.sort_unstable();
            touched.dedup();
            let mut span = span;
            for &i in &touched {
                span = (span.0.min(self.edits[i].raw_start), span.1.max(self.edits[i].raw_end));
            }
            let joins = groups.last().is_some_and(|g| {
                touched.iter().any(|i| g.edits.contains(i)) || overlaps(g.span, span)
            });
            if joins {
                let g = groups.last_mut().expect("checked above");
                g.span = (g.span.0.min(span.0), g.span.1.max(span.1));
                g.edits.extend(touched);
                g.edits.sort_unstable();
                g.edits.dedup();
                g.changes.push((a, b, c));
            } else {
                groups.push(Group { span, edits: touched, changes: vec![(a, b, c)] });
            }
        }

        let mut removed: Vec<bool> = vec![false; self.edits.len()];
        let mut added: Vec<EditRow> = Vec::new();
        for g in groups {
            // Working code points the group's row covers: the changes plus the old edits' text.
            let mut x = g.changes[0].0;
            let mut y = g.changes[g.changes.len() - 1].1;
            for &i in &g.edits {
                let (s, e) = self.edit_chars[i];
                if e > s {
                    x = x.min(s);
                    y = y.max(e);
                }
            }
            let mut after = String::new();
            let mut cur = x;
            for &(a, b, c) in &g.changes {
                after.push_str(self.working(cur, a));
                after.push_str(&c.replacement);
                cur = b;
            }
            after.push_str(self.working(cur, y));
            let mut rules: Vec<String> = Vec::new();
            for &i in &g.edits {
                removed[i] = true;
                for r in self.edits[i].rule.split('+') {
                    if !rules.iter().any(|x| x == r) {
                        rules.push(r.to_string());
                    }
                }
            }
            for &(_, _, c) in &g.changes {
                if !rules.iter().any(|x| x == c.rule) {
                    rules.push(c.rule.to_string());
                }
            }
            let before = self.raw_slice(g.span.0, g.span.1);
            if before == after {
                continue; // the repairs cancel out: the raw text stands
            }
            added.push(EditRow {
                doc_id: String::new(),
                rule: rules.join("+"),
                kind: EditKind::Repair,
                raw_start: g.span.0,
                raw_end: g.span.1,
                before,
                after,
            });
        }
        let mut edits: Vec<EditRow> =
            self.edits.drain(..).zip(removed).filter(|(_, r)| !r).map(|(e, _)| e).collect();
        edits.extend(added);
        sort_edits(&mut edits);
        self.edits = edits;
        self.rebuild();
        flags
    }

    /// Indices of the edits that may overlap a raw span (edits are sorted and disjoint).
    fn edits_near(&self, span: (usize, usize)) -> std::ops::Range<usize> {
        let lo = self.edits.partition_point(|e| e.raw_end < span.0);
        let hi = self.edits.partition_point(|e| e.raw_start <= span.1);
        lo..hi.max(lo)
    }

    fn flag_row(&self, a: usize, b: usize, c: &Change) -> EditRow {
        let (s, e) = self.raw_span(a, b);
        // Widen to whole earlier edits so `before` is raw text and `after` the full suggestion.
        let (mut s2, mut e2) = (s, e);
        let (mut x, mut y) = (a, b);
        for i in self.edits_near((s, e)) {
            let ed = &self.edits[i];
            if overlaps((s, e), (ed.raw_start, ed.raw_end)) {
                s2 = s2.min(ed.raw_start);
                e2 = e2.max(ed.raw_end);
                let (cs, ce) = self.edit_chars[i];
                if ce > cs {
                    x = x.min(cs);
                    y = y.max(ce);
                }
            }
        }
        let mut after = self.working(x, a).to_string();
        after.push_str(&c.replacement);
        after.push_str(self.working(b, y));
        EditRow {
            doc_id: String::new(),
            rule: c.rule.to_string(),
            kind: EditKind::Flag,
            raw_start: s2,
            raw_end: e2,
            before: self.raw_slice(s2, e2),
            after,
        }
    }
}

/// Whether two raw spans share code points; an empty span counts when it lies strictly inside the
/// other, or when both are empty at the same point (two insertions there must become one row).
fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    if a.0 == a.1 && b.0 == b.1 {
        return a.0 == b.0;
    }
    if a.0 == a.1 {
        return b.0 < a.0 && a.0 < b.1;
    }
    if b.0 == b.1 {
        return a.0 < b.0 && b.0 < a.1;
    }
    a.0 < b.1 && b.0 < a.1
}

/// The working text of a block, as [`AlignedText::new`]`(..).text()` gives it, without building
/// the alignment: `assemble` needs only the text, after every step, for every block.
pub fn working_text(raw_block: &str, raw_base: usize, edits: &[EditRow]) -> String {
    working_text_cow(raw_block, raw_base, edits).into_owned()
}

/// [`working_text`], borrowing the raw block when no repair touches it (most blocks).
pub fn working_text_cow<'a>(raw_block: &'a str, raw_base: usize, edits: &[EditRow]) -> Cow<'a, str> {
    if edits.is_empty() {
        return Cow::Borrowed(raw_block);
    }
    let end = raw_base + raw_block.chars().count();
    let mut own: Vec<&EditRow> =
        edits.iter().filter(|e| e.kind == EditKind::Repair && e.raw_start >= raw_base && e.raw_end <= end).collect();
    if own.is_empty() {
        return Cow::Borrowed(raw_block);
    }
    own.sort_by_key(|e| (e.raw_start, e.raw_end, e.kind as u8)); // as sort_edits (stable)
    let mut text = String::with_capacity(raw_block.len());
    // `pos` is a code point of the document, `byte` its offset in `raw_block`: raw text between
    // edits is copied as byte slices.
    let mut pos = raw_base;
    let mut byte = 0;
    for e in own {
        let s = e.raw_start.max(pos);
        let s_byte = skip_chars(raw_block, byte, s - pos);
        text.push_str(&raw_block[byte..s_byte]);
        text.push_str(&e.after);
        let next = e.raw_end.max(s);
        byte = skip_chars(raw_block, s_byte, next - s);
        pos = next;
    }
    text.push_str(&raw_block[byte..]);
    Cow::Owned(text)
}

/// The byte offset `n` code points after byte offset `from` of `s` (both on char boundaries;
/// the end of `s` when it has fewer). Runs of ASCII, one byte a code point, are stepped over
/// eight bytes at a time; other characters one at a time.
fn skip_chars(s: &str, from: usize, mut n: usize) -> usize {
    let bytes = s.as_bytes();
    let mut at = from;
    while n > 0 && at < bytes.len() {
        let run = ascii_prefix_len(&bytes[at..bytes.len().min(at + n)]);
        at += run;
        n -= run;
        if n > 0 && at < bytes.len() {
            at += s[at..].chars().next().expect("on a char boundary").len_utf8();
            n -= 1;
        }
    }
    at
}

/// Byte offset of each code point of `s`, plus `s.len()`.
fn char_offsets(s: &str) -> Vec<usize> {
    if s.is_ascii() {
        return (0..=s.len()).collect(); // one byte a code point (most blocks): nothing to decode
    }
    // A code point starts at every byte that is not a UTF-8 continuation byte (0b10xx_xxxx):
    // one test a byte, no decoding.
    let mut offsets = Vec::with_capacity(s.len() + 1);
    offsets.extend(s.bytes().enumerate().filter(|&(_, b)| b & 0xc0 != 0x80).map(|(i, _)| i));
    offsets.push(s.len());
    offsets
}

/// Raw order; an insertion sorts before a replacement starting at the same point, as it reads.
pub fn sort_edits(edits: &mut [EditRow]) {
    edits.sort_by_key(|e| (e.raw_start, e.raw_end, e.kind as u8));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(raw: &str, base_edits: &[EditRow], changes: &[Change]) -> AlignedText {
        let mut at = AlignedText::new(raw, 0, base_edits);
        at.commit(changes);
        at
    }

    #[test]
    fn working_text_equals_the_aligned_text() {
        let raw = "Biden  said .. it was “fine”,Putin said";
        let changes = [Change::repair(5, 7, " ", "t.a"), Change::repair(12, 14, ".", "t.b"), Change::repair(31, 31, " ", "t.c")];
        let at = apply(raw, &[], &changes);
        assert_ne!(at.text(), raw);
        assert_eq!(working_text(raw, 0, at.edits()), at.text());
        assert_eq!(working_text(raw, 0, &[]), raw);
        // An edit outside the block is ignored by both.
        let mut other = at.edits().to_vec();
        other[0].raw_start += 100;
        other[0].raw_end += 100;
        assert_eq!(working_text(raw, 0, &other), AlignedText::new(raw, 0, &other).text());
    }

    fn check(at: &AlignedText, raw: &str) {
        let chars: Vec<char> = raw.chars().collect();
        for e in at.edits() {
            let s: String = chars[e.raw_start..e.raw_end].iter().collect();
            assert_eq!(s, e.before);
        }
    }

    #[test]
    fn single_change_maps_to_raw() {
        let raw = "Ukraine‘s army";
        let at = apply(raw, &[], &[Change::repair(7, 10, "’", "t")]);
        assert_eq!(at.text(), "Ukraine’s army");
        assert_eq!(at.edits().len(), 1);
        assert_eq!((at.edits()[0].raw_start, at.edits()[0].raw_end), (7, 8));
        check(&at, raw);
    }

    #[test]
    fn change_over_earlier_edit_merges() {
        let raw = "to\u{a0} the";
        let mut at = AlignedText::new(raw, 0, &[]);
        at.commit(&[Change::repair(2, 4, " ", "unicode")]);
        assert_eq!(at.text(), "to  the");
        // Collapse both spaces into one: touches the earlier edit.
        at.commit(&[Change::repair(2, 4, " ", "ws")]);
        assert_eq!(at.text(), "to the");
        assert_eq!(at.edits().len(), 1);
        let e = &at.edits()[0];
        assert_eq!((e.raw_start, e.raw_end, e.before.as_str(), e.after.as_str()), (2, 4, "\u{a0} ", " "));
        assert_eq!(e.rule, "unicode+ws");
        check(&at, raw);
        // Rebuilding from the edits gives the same working text.
        assert_eq!(AlignedText::new(raw, 0, at.edits()).text(), "to the");
    }

    #[test]
    fn deletion_then_insertion_and_cancelling() {
        let raw = "a. . b";
        let mut at = AlignedText::new(raw, 0, &[]);
        at.commit(&[Change::repair(2, 4, "", "del")]);
        assert_eq!(at.text(), "a. b");
        at.commit(&[Change::repair(2, 2, " .", "ins")]);
        assert_eq!(at.text(), "a. . b");
        check(&at, raw);
        assert_eq!(AlignedText::new(raw, 0, at.edits()).text(), "a. . b");
        // Undoing a replacement inside its own span restores raw: no edit left.
        let mut at = AlignedText::new("x‘s", 0, &[]);
        at.commit(&[Change::repair(1, 4, "’", "t")]);
        at.commit(&[Change::repair(1, 4, "‘", "u")]);
        assert!(at.edits().is_empty(), "{:?}", at.edits());
    }

    #[test]
    fn multibyte_offsets_and_base() {
        let raw = "Кремль  said";
        let mut at = AlignedText::new(raw, 100, &[]);
        let b = raw.find("  ").unwrap();
        at.commit(&[Change::repair(b, b + 2, " ", "ws")]);
        assert_eq!(at.text(), "Кремль said");
        assert_eq!((at.edits()[0].raw_start, at.edits()[0].raw_end), (106, 108));
    }

    #[test]
    fn flags_do_not_change_text_and_bad_changes_are_dropped() {
        let raw = "BIden said";
        let mut at = AlignedText::new(raw, 0, &[]);
        let flags = at.commit(&[Change::flag(0, 5, "Biden", "f"), Change::repair(3, 99, "", "bad")]);
        assert_eq!(at.text(), raw);
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].before, "BIden");
        assert_eq!(flags[0].after, "Biden");
    }

    proptest::proptest! {
        /// Any sequence of passes keeps the invariants: edits sorted and disjoint, `before` is the
        /// raw text, and rebuilding from the edits alone gives the working text.
        #[test]
        fn passes_keep_edits_exact(
            raw in "[ab. ‘”é]{0,24}",
            passes in proptest::collection::vec(proptest::collection::vec((0usize..30, 0usize..4, "[xy ]{0,3}"), 0..5), 1..5),
        ) {
            let mut at = AlignedText::new(&raw, 7, &[]);
            for pass in passes {
                let chars: Vec<(usize, char)> = at.text().char_indices().collect();
                let n = chars.len();
                let byte = |i: usize| chars.get(i).map_or(at.text().len(), |x| x.0);
                let mut changes = Vec::new();
                let mut next_free = 0;
                let mut spans: Vec<(usize, usize, String)> = pass.into_iter().map(|(s, l, r)| (s % (n + 1), l, r)).collect();
                spans.sort();
                for (s, l, r) in spans {
                    if s < next_free { continue; }
                    let e = (s + l).min(n);
                    changes.push(Change::repair(byte(s), byte(e), r, "p"));
                    next_free = e.max(s + 1);
                }
                let mut expected = String::new();
                let mut cur = 0;
                for c in &changes {
                    expected.push_str(&at.text()[cur..c.start]);
                    expected.push_str(&c.replacement);
                    cur = c.end;
                }
                expected.push_str(&at.text()[cur..]);
                at.commit(&changes);
                proptest::prop_assert_eq!(at.text(), expected.as_str());
                let rawc: Vec<char> = raw.chars().collect();
                let mut last_end = 7;
                for e in at.edits() {
                    proptest::prop_assert!(e.raw_start >= last_end || (e.raw_start == e.raw_end && e.raw_start == last_end));
                    proptest::prop_assert_eq!(rawc[e.raw_start - 7..e.raw_end - 7].iter().collect::<String>(), e.before.clone());
                    last_end = e.raw_end;
                }
                let rebuilt = AlignedText::new(&raw, 7, at.edits());
                proptest::prop_assert_eq!(rebuilt.text(), at.text());
                // The offsets built from raw byte ranges are those of the characters.
                let offsets: Vec<usize> = at.text().char_indices().map(|(b, _)| b).chain([at.text().len()]).collect();
                proptest::prop_assert_eq!(&at.byte_of, &offsets);
                proptest::prop_assert_eq!(at.origins.len(), offsets.len() - 1);
            }
        }
    }

    #[test]
    fn two_changes_one_pass() {
        let raw = "a ,b ;c";
        let at = apply(raw, &[], &[Change::repair(1, 2, "", "x"), Change::repair(4, 5, "", "x")]);
        assert_eq!(at.text(), "a,b;c");
        assert_eq!(at.edits().len(), 2);
        check(&at, raw);
    }

    #[test]
    fn char_offsets_are_those_of_char_indices() {
        let pieces = ["a", "bc", " ", "é", "Кремль", "“", "😀", "\u{301}", "\u{7f}", "\u{80}", "\u{7ff}", "\u{800}", "\u{ffff}", "\u{10000}"];
        for t in crate::test_texts::random_texts(&pieces, 10).take(5_000) {
            let want: Vec<usize> = t.char_indices().map(|(b, _)| b).chain([t.len()]).collect();
            assert_eq!(char_offsets(&t), want, "{t:?}");
        }
    }

    #[test]
    fn skipping_chars_equals_stepping_through_them() {
        let reference = |s: &str, from: usize, n: usize| s[from..].char_indices().nth(n).map_or(s.len(), |(b, _)| from + b);
        let pieces = ["a", "bc", " ", "defghijkl", "é", "Кремль", "“", "😀", "\u{301}", "x.y"];
        for t in crate::test_texts::random_texts(&pieces, 10).take(5_000) {
            let chars = t.chars().count();
            for from in t.char_indices().map(|(b, _)| b).chain([t.len()]) {
                for n in 0..chars + 3 {
                    assert_eq!(skip_chars(&t, from, n), reference(&t, from, n), "{t:?} {from} {n}");
                }
            }
        }
    }
}
