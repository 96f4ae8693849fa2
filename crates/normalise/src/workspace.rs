//! The document state the normalise steps share: raw blocks (one per non-blank raw line) in
//! `doc.blocks`, repairs in `doc.edits`, and the clean text assembled from both.
//!
//! Every step opens the same state and leaves it consistent, so any subset of steps, in any
//! order, yields a valid document: blocks exist, edits are sorted and exact, and `doc.text` is the
//! kept blocks' working text joined by blank lines.

use std::collections::BTreeSet;

use pipeline::text::CharMap;
use pipeline::{BlockKind, BlockRow, Document, EditKind, EditRow};

use crate::aligned::{AlignedText, Change, sort_edits, working_text, working_text_cow};

/// Passes of one rule over a block before it must have settled.
const MAX_PASSES: usize = 4;

/// Rule name of blocks no classifier has looked at.
pub const DEFAULT_BLOCK_RULE: &str = "default_body";

/// Splits the raw text into blocks, all body, unless a step has already done so. A block is a
/// trimmed non-blank line, or several when the text is hard-wrapped: a line that stops mid-sentence
/// continues on the next line when that one starts in lower case, or, in a document whose lines
/// are all cut near one width (at most [`WRAP_MAX_WIDTH`]), whatever it starts with.
pub fn ensure_blocks(doc: &mut Document) {
    if !doc.blocks.is_empty() {
        return;
    }
    // Trimmed non-blank lines: code-point start and end, raw line number, text.
    let mut lines: Vec<(usize, usize, usize, &str)> = Vec::new();
    let mut pos = 0usize;
    for (number, line) in doc.raw_text.split('\n').enumerate() {
        let n = line.chars().count();
        let lead = line.chars().take_while(|c| c.is_whitespace()).count();
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            lines.push((pos + lead, pos + lead + trimmed.chars().count(), number, trimmed));
        }
        pos += n + 1;
    }
    let widths: Vec<usize> = lines.iter().map(|l| l.1 - l.0).collect();
    let max_width = widths.iter().copied().max().unwrap_or(0);
    let wrapped = lines.len() >= 4
        && max_width <= WRAP_MAX_WIDTH
        && widths.iter().filter(|&&w| w * 10 >= max_width * 7).count() * 2 >= lines.len();
    let raw_chars = CharMap::new(&doc.raw_text);
    let mut i = 0;
    while i < lines.len() {
        let (start, mut end, mut number, mut last) = (lines[i].0, lines[i].1, lines[i].2, lines[i].3);
        while i + 1 < lines.len() && lines[i + 1].2 == number + 1 && continues(last, lines[i + 1].3, wrapped) {
            i += 1;
            (end, number, last) = (lines[i].1, lines[i].2, lines[i].3);
        }
        let text = doc.raw_text[raw_chars.byte_of(start)..raw_chars.byte_of(end)].to_string();
        doc.blocks.push(BlockRow {
            doc_id: doc.doc_id.clone(),
            index: doc.blocks.len(),
            raw_start: start,
            raw_end: end,
            kind: BlockKind::Body,
            kept: true,
            rule: DEFAULT_BLOCK_RULE.to_string(),
            text,
        });
        i += 1;
    }
}

/// Widest line of a document that is hard-wrapped (e-mail and terminal text wrap at 72 to 80).
pub const WRAP_MAX_WIDTH: usize = 100;

/// Shortest line that can be a hard-wrapped piece of a paragraph.
pub const WRAP_MIN_CHARS: usize = 40;

/// Whether `next` continues the sentence `line` broke off (hard-wrapped text).
fn continues(line: &str, next: &str, wrapped_document: bool) -> bool {
    let unfinished = !line.trim_end_matches(['”', '’', '"', '\'', ')']).ends_with(['.', '!', '?', ':', '…']);
    unfinished
        && line.chars().count() >= WRAP_MIN_CHARS
        && (wrapped_document || next.chars().next().is_some_and(char::is_lowercase))
}

/// 0-based raw line number of each block (lines split on '\n'), for matching ingest's line roles.
pub fn block_line_numbers(doc: &Document) -> Vec<usize> {
    let map = CharMap::new(&doc.raw_text);
    let mut starts: Vec<usize> = vec![0];
    // `match_indices` finds the newlines with memchr instead of decoding every character.
    for (b, _) in doc.raw_text.match_indices('\n') {
        starts.push(map.char_of(b) + 1);
    }
    doc.blocks
        .iter()
        .map(|bl| starts.partition_point(|&s| s <= bl.raw_start).saturating_sub(1))
        .collect()
}

/// Working text of every block (raw with repairs applied), in block order.
pub fn working_texts(doc: &Document) -> Vec<String> {
    let ranges = edit_ranges(doc);
    doc.blocks
        .iter()
        .zip(ranges)
        .map(|(b, (lo, hi))| working_text(&b.text, b.raw_start, &doc.edits[lo..hi]))
        .collect()
}

/// For each block, the range of `doc.edits` (sorted) that lie inside it.
fn edit_ranges(doc: &Document) -> Vec<(usize, usize)> {
    doc.blocks
        .iter()
        .map(|b| {
            let lo = doc.edits.partition_point(|e| e.raw_start < b.raw_start);
            let hi = doc.edits.partition_point(|e| e.raw_start <= b.raw_end);
            (lo, hi.max(lo))
        })
        .collect()
}

/// Runs a repair rule over every block: `rule(block_index, working_text)` proposes changes, which
/// become repair or flag rows. Keeps `doc.edits` sorted and reassembles the clean text.
pub fn repair_blocks(doc: &mut Document, rule: impl FnMut(usize, &str) -> Vec<Change>) {
    repair_edits(doc, rule);
    assemble(doc);
}

/// [`repair_blocks`] without reassembling the clean text, for a step that runs several rules in
/// a row: rules read the blocks' working text (blocks and edits), never `doc.text`, so the step
/// assembles once at the end (each assembly, and the paragraph count of each changed text, cost
/// about as much as a rule) and must do so before it returns.
pub(crate) fn repair_edits(doc: &mut Document, mut rule: impl FnMut(usize, &str) -> Vec<Change>) {
    ensure_blocks(doc);
    sort_edits(&mut doc.edits);
    let ranges = edit_ranges(doc);
    let mut out: Vec<EditRow> = Vec::with_capacity(doc.edits.len());
    let mut taken = vec![false; doc.edits.len()];
    for (i, (b, &(lo, hi))) in doc.blocks.iter().zip(&ranges).enumerate() {
        for t in &mut taken[lo..hi] {
            *t = true;
        }
        // Most blocks need no change: run the rule on the plain working text first and build the
        // alignment only when there is something to commit (same result, far less work).
        let first = rule(i, &working_text_cow(&b.text, b.raw_start, &doc.edits[lo..hi]));
        if first.is_empty() {
            if lo == hi {
                continue; // no edits to carry over (most blocks): spares counting the characters
            }
            let end = b.raw_start + b.text.chars().count();
            let mut own: Vec<EditRow> = doc.edits[lo..hi]
                .iter()
                .filter(|e| e.kind == EditKind::Repair && e.raw_start >= b.raw_start && e.raw_end <= end)
                .cloned()
                .collect();
            sort_edits(&mut own); // what AlignedText::new(..).edits() holds
            out.extend(own);
            out.extend(doc.edits[lo..hi].iter().filter(|e| e.kind == EditKind::Flag).cloned());
            continue;
        }
        let mut at = AlignedText::new(&b.text, b.raw_start, &doc.edits[lo..hi]);
        let mut pending = Some(first);
        // Rules look at the text once per pass; a repair can expose another one (a space left
        // before a comma once a quote moved), so passes repeat until nothing changes. That makes
        // every step idempotent.
        let mut flags: Vec<EditRow> = Vec::new();
        let mut seen: BTreeSet<(String, usize, usize)> = BTreeSet::new();
        for _ in 0..MAX_PASSES {
            let changes = match pending.take() {
                Some(c) => c, // the first pass, already run on this same text
                None => rule(i, at.text()),
            };
            let repairs = changes.iter().any(|c| c.kind == EditKind::Repair);
            for f in at.commit(&changes) {
                if seen.insert((f.rule.clone(), f.raw_start, f.raw_end)) {
                    flags.push(f);
                }
            }
            if !repairs {
                break;
            }
        }
        out.extend(at.edits().iter().cloned());
        out.extend(flags);
        // Earlier flags inside the block are kept as they were.
        out.extend(doc.edits[lo..hi].iter().filter(|e| e.kind == EditKind::Flag).cloned());
    }
    // Edits outside every block (none are made by this crate) are kept untouched.
    out.extend(doc.edits.iter().zip(&taken).filter(|(_, t)| !**t).map(|(e, _)| e.clone()));
    for e in &mut out {
        e.doc_id.clone_from(&doc.doc_id);
    }
    sort_edits(&mut out);
    out.dedup();
    doc.edits = out;
}

/// Sets `doc.text` (and paragraphs) to the kept blocks' working text, one paragraph per block.
pub fn assemble(doc: &mut Document) {
    ensure_blocks(doc);
    let ranges = edit_ranges(doc);
    // Most of the time the text comes out as long as it was: growing the string block by block
    // cost more than the copying.
    let mut clean = String::with_capacity(doc.text.len());
    for (b, (lo, hi)) in doc.blocks.iter().zip(ranges) {
        if !b.kept {
            continue;
        }
        let t = working_text_cow(&b.text, b.raw_start, &doc.edits[lo..hi]);
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        if !clean.is_empty() {
            clean.push_str("\n\n");
        }
        clean.push_str(t);
    }
    // Most steps change nothing in most documents. `set_text` keeps `paragraphs` in step with
    // `text`, so an unchanged text has its paragraphs already; recounting them after every step
    // (about 11 times a document) cost ~0.8% of a run.
    if clean != doc.text {
        doc.set_text(clean);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use pipeline::{DocStep, Metadata, SourceInfo};

    pub fn doc(raw: &str) -> Document {
        let source = SourceInfo::in_memory("t.txt", raw);
        Document::new("d1".into(), source, raw.to_string(), Metadata::default())
    }

    #[test]
    fn blocks_are_trimmed_non_blank_lines() {
        let mut d = doc("Title\u{a0}\n\n\n  Body one.\r\nBody two. \n \u{a0}\n");
        ensure_blocks(&mut d);
        let texts: Vec<&str> = d.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["Title", "Body one.", "Body two."]);
        assert_eq!(block_line_numbers(&d), [0, 3, 4]);
        assemble(&mut d);
        assert_eq!(d.text, "Title\n\nBody one.\n\nBody two.");
        assert_eq!(d.paragraphs.len(), 3);
        d.check_spans().unwrap();
    }

    #[test]
    fn hard_wrapped_lines_join_into_one_block() {
        // A document wrapped at one width: unfinished lines continue whatever the next starts with.
        let raw = "Kremlin sees talks\n\nThe Kremlin expects a swift start to talks with the\nUnited States on the confrontation over Ukraine after\nthe two presidents both accused the other of military\nescalation in the region. Officials said so.\n\nPutin called the talks open and constructive amid fears\nof an invasion.\n";
        let mut d = doc(raw);
        ensure_blocks(&mut d);
        let texts: Vec<&str> = d.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts.len(), 3, "{texts:?}");
        assert!(texts[1].starts_with("The Kremlin") && texts[1].ends_with("Officials said so."));
        crate::whitespace::WhitespaceStep.apply(&mut d, &pipeline::CorpusKnowledge::default()).unwrap();
        assert!(d.text.contains("talks with the United States on the confrontation"));
        d.check_spans().unwrap();
        // Long unwrapped lines: only a lower-case continuation joins; a title line never does.
        let long = "x".repeat(150);
        let raw = format!("Talks have begun with the US over Ukraine crisis, but the Kremlin\nTalks on several key issues have begun.\nThe leaders met for a long time and talked about the\ncrisis in the east. {long}\n");
        let mut d = doc(&raw);
        ensure_blocks(&mut d);
        assert_eq!(d.blocks.len(), 3, "{:?}", d.blocks);
    }

    #[test]
    fn empty_and_blank_documents() {
        for raw in ["", "\n\n", " \u{a0} \n"] {
            let mut d = doc(raw);
            assemble(&mut d);
            assert!(d.blocks.is_empty());
            assert_eq!(d.text, "");
        }
    }

    #[test]
    fn repairs_land_in_raw_offsets() {
        let mut d = doc("Кремль\n\nwon‘t  go");
        repair_blocks(&mut d, |_, t| {
            t.find('‘').map(|b| vec![Change::repair(b, b + '‘'.len_utf8(), "’", "x")]).unwrap_or_default()
        });
        assert_eq!(d.text, "Кремль\n\nwon’t  go");
        assert_eq!(d.edits[0].raw_start, 11);
        d.check_spans().unwrap();
    }
}
