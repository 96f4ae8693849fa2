//! Sentence segmentation for news text: rule-based, abbreviation- and quote-aware.
//!
//! [`split_sentences`] gives byte ranges over any text (blank lines are paragraph breaks);
//! [`SentenceSplitter`] is the `sentences` step, which splits each of `doc.paragraphs` so that no
//! sentence crosses a paragraph boundary and pushes [`SentenceRow`]s in code points.
//!
//! Why rules and not a model: news sentence ends are overwhelmingly `.`, `?`, `!` or an ellipsis
//! followed by space and a capital; the hard cases are a short, closed list (titles such as "Mr.",
//! initials such as "Vladimir V. Putin", dotted acronyms such as "U.S.", month and state
//! abbreviations, quotes that close after the full stop), which rules handle exactly.

use pipeline::text::CharMap;
use pipeline::{CorpusKnowledge, DocStep, Document, SentenceRow, StepError};

/// The `sentences` step.
#[derive(Debug, Default, Clone)]
pub struct SentenceSplitter;

impl SentenceSplitter {
    pub fn new() -> Self {
        SentenceSplitter
    }
}

impl DocStep for SentenceSplitter {
    fn name(&self) -> &'static str {
        "sentences"
    }

    fn apply(&self, doc: &mut Document, _corpus: &CorpusKnowledge) -> Result<(), StepError> {
        let map = CharMap::new(&doc.text);
        let n_chars = map.len_chars();
        let mut rows = Vec::new();
        let mut ranges = Vec::new();
        for (pi, &(ps, pe)) in doc.paragraphs.iter().enumerate() {
            let (ps, pe) = (ps.min(n_chars), pe.min(n_chars));
            if ps >= pe {
                continue;
            }
            let (bs, be) = (map.byte_of(ps), map.byte_of(pe));
            ranges.clear();
            split_block(&doc.text[bs..be], bs, &mut ranges);
            for &(s, e) in &ranges {
                let (cs, ce) = (map.char_of(s), map.char_of(e));
                rows.push(SentenceRow {
                    doc_id: doc.doc_id.clone(),
                    sent_index: rows.len(),
                    paragraph_index: pi,
                    start: cs,
                    end: ce,
                    text: doc.text[s..e].to_string(),
                });
            }
        }
        doc.sentences = rows;
        Ok(())
    }
}

/// Byte ranges of the sentences of `text`, trimmed of whitespace, in order. A blank line is a
/// paragraph break that no sentence crosses.
pub fn split_sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut para_start: Option<usize> = None;
    let mut pos = 0usize;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            if let Some(s) = para_start.take() {
                split_block(&text[s..pos], s, &mut out);
            }
        } else if para_start.is_none() {
            para_start = Some(pos);
        }
        pos += line.len();
    }
    if let Some(s) = para_start {
        split_block(&text[s..], s, &mut out);
    }
    out
}

/// Titles that precede a name and never end a sentence.
const TITLES: &[&str] = &[
    "Mr", "Mrs", "Ms", "Messrs", "Dr", "Gen", "Gens", "Col", "Lt", "Sgt", "Capt", "Cpl", "Maj", "Adm",
    "Cmdr", "Cmdt", "Brig", "Sen", "Sens", "Rep", "Reps", "Gov", "Govs", "Pres", "Prof", "Rev", "Hon",
    "Amb", "Atty", "Supt", "Insp", "Det", "Gov’t", "Fr", "Sr", "Jr", "St", "Mt", "Ft", "vs", "v",
    "approx", "Ave", "Blvd",
];

/// Abbreviations that end a sentence only when a number does not follow ("Jan. 10", "No. 2").
const BEFORE_NUMBER: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "No", "Nos",
    "Vol", "pp", "p", "Art", "Fig", "ch", "sec",
];

/// Abbreviations that may end a sentence ("... talks with the U.S. The ...", "at 3 p.m. He ..."):
/// they end one only when a word that typically opens a sentence follows.
const AMBIGUOUS: &[&str] = &[
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan", "Kans", "Ky",
    "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore", "Pa", "Tenn",
    "Tex", "Va", "Vt", "Wash", "Wis", "Wyo", "Inc", "Corp", "Co", "Ltd", "Bros", "etc", "al", "est",
];

/// Words that typically open a sentence; after an ambiguous abbreviation they mean a new sentence.
const SENTENCE_OPENERS: &[&str] = &[
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "His", "Her", "Its", "Their", "Our",
    "This", "That", "These", "Those", "There", "But", "And", "Or", "So", "Yet", "In", "On", "At", "For",
    "As", "After", "Before", "When", "While", "If", "Since", "Still", "However", "Meanwhile", "Mr.",
    "Mrs.", "Ms.", "Dr.", "Some", "Many", "Most", "Other", "Others", "What", "Why", "How", "Who",
    "Asked", "Earlier", "Later", "Last", "Now", "Then", "Both", "One", "Two", "No", "Not",
];

/// Speech verbs: a quote that ends in "?" or "!" and is followed by one of these within a few
/// words ("“Stop!” Putin shouted.") goes on in the same sentence.
const SPEECH_VERBS: &[&str] = &[
    "said", "says", "asked", "asks", "told", "tells", "added", "adds", "shouted", "wrote", "writes",
    "replied", "replies", "continued", "insisted", "exclaimed", "cried", "wondered", "tweeted",
    "declared", "demanded", "quipped", "yelled", "screamed", "noted", "argued", "explained",
];

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '‼' | '⁇' | '⁈' | '⁉')
}

fn is_closer(c: char) -> bool {
    matches!(c, '”' | '’' | '"' | '\'' | ')' | ']' | '»' | '›' | '}')
}

/// The character at byte `i` of `s` (a char boundary before the end).
fn char_at(s: &str, i: usize) -> char {
    s[i..].chars().next().expect("a char starts here")
}

/// Byte offset of the character after the one at byte `i`.
fn next_char(s: &str, i: usize) -> usize {
    i + char_at(s, i).len_utf8()
}

/// The character that ends at byte `i`, if any.
fn char_before(s: &str, i: usize) -> Option<char> {
    s[..i].chars().next_back()
}

/// Whether byte `b` can start a character that matters to [`split_block`]: a line break, an ASCII
/// terminator, or 0xE2, the lead byte of every non-ASCII terminator ('…', '‼', '⁇', '⁈', '⁉').
/// Other bytes (continuation bytes included) are stepped over without decoding.
fn may_matter(b: u8) -> bool {
    matches!(b, b'\n' | b'.' | b'!' | b'?' | 0xE2)
}

/// The first byte at or after `i` that [`may_matter`], or `bytes.len()`. Whole 32-byte chunks are
/// tested first, with no early exit inside one (vector compares), so runs of plain text are
/// skipped a chunk at a time, where a byte loop cost ~5 instructions a byte of every paragraph.
fn next_that_matters(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        let chunk = &bytes[i..bytes.len().min(i + 32)];
        if chunk.iter().fold(false, |seen, &b| seen | may_matter(b)) {
            return i + chunk.iter().position(|&b| may_matter(b)).expect("a chunk with a byte that matters");
        }
        i += chunk.len();
    }
    bytes.len()
}

/// Splits one paragraph `block` (which starts at byte `base` of the whole text) into sentences.
/// All positions are byte offsets into `block`, on char boundaries.
pub(crate) fn split_block(block: &str, base: usize, out: &mut Vec<(usize, usize)>) {
    let bytes = block.as_bytes();
    let n = block.len();
    let mut start = 0usize;
    let mut i = 0usize;
    while i < n {
        i = next_that_matters(bytes, i);
        if i >= n {
            break;
        }
        let c = char_at(block, i);
        if c == '\n' {
            // A line break inside a paragraph ends a sentence unless the next line carries on in
            // lower case (wrapped text).
            let mut k = i + 1;
            while k < n && char_at(block, k).is_whitespace() {
                k = next_char(block, k);
            }
            let mut last = i;
            while let Some(p) = char_before(block, last).filter(|p| p.is_whitespace()) {
                last -= p.len_utf8();
            }
            let keeps_title = char_before(block, last) == Some('.') && !should_split_before_break(block, last - 1, last);
            if k < n && !char_at(block, k).is_lowercase() && !keeps_title {
                push_trimmed(block, base, start, i, out);
                start = k;
            }
            i = k;
            continue;
        }
        if !is_terminator(c) {
            i += c.len_utf8();
            continue;
        }
        // The run of terminators and closing marks: "?!", ".”", "…”)", ".’”".
        let mut j = i + c.len_utf8();
        while j < n && (is_terminator(char_at(block, j)) || is_closer(char_at(block, j))) {
            j = next_char(block, j);
        }
        if j < n && !char_at(block, j).is_whitespace() {
            // "3.5", "U.S.-Russia", "a.m.," : not an end.
            i = j;
            continue;
        }
        let mut k = j;
        while k < n && char_at(block, k).is_whitespace() && char_at(block, k) != '\n' {
            k = next_char(block, k);
        }
        if k >= n {
            break;
        }
        if char_at(block, k) == '\n' {
            if should_split_before_break(block, i, j) {
                push_trimmed(block, base, start, j, out);
                start = k;
            }
            i = k;
            continue;
        }
        if should_split(block, i, j, k) {
            push_trimmed(block, base, start, j, out);
            start = k;
        }
        i = k;
    }
    push_trimmed(block, base, start, block.len(), out);
}

/// At a line break after a terminator the line-break rule decides; this only keeps titles and
/// initials ("Mr.\nPutin") together.
fn should_split_before_break(block: &str, i: usize, j: usize) -> bool {
    if &block[i..j] != "." {
        return true;
    }
    let w = word_before(block, i);
    !(TITLES.contains(&w) || is_initial(w))
}

/// Decides whether the terminator run `block[i..j]`, followed by whitespace and the character at
/// byte `k`, ends a sentence.
fn should_split(block: &str, i: usize, j: usize, k: usize) -> bool {
    let next = char_at(block, k);
    if next.is_lowercase() || matches!(next, ',' | ';' | ':' | ')' | ']' | '—' | '–' | '―' | '-' | '%') {
        return false;
    }
    let run = &block[i..j];
    let has_closer = run.chars().any(is_closer);
    let mut stops = run.chars().filter(|&c| is_terminator(c));
    let single_full_stop = stops.next() == Some('.') && stops.next().is_none();
    if single_full_stop {
        let w = word_before(block, i);
        if !has_closer {
            if TITLES.contains(&w) || is_initial(w) {
                return false;
            }
            if BEFORE_NUMBER.contains(&w) {
                return !next.is_ascii_digit();
            }
            if w.contains('.') || AMBIGUOUS.contains(&w) {
                return SENTENCE_OPENERS.contains(&word_at(block, k));
            }
        }
        return true;
    }
    if has_closer && run.contains(['?', '!']) {
        // "“Stop!” Putin shouted." : the speech verb shows the sentence goes on.
        let rest = &block[k..];
        let goes_on = rest
            .split_whitespace()
            .take(4)
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .any(|w| SPEECH_VERBS.contains(&w));
        return !goes_on;
    }
    true
}

/// A single capital letter: an initial ("Vladimir V. Putin").
fn is_initial(w: &str) -> bool {
    let mut cs = w.chars();
    matches!((cs.next(), cs.next()), (Some(c), None) if c.is_uppercase())
}

/// The word that ends just before byte `i`, including inner dots ("U.S", "p.m", "Mr").
fn word_before(block: &str, i: usize) -> &str {
    let s = block[..i]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || c == '.' || c == '’' || c == '\'')
        .last()
        .map_or(i, |(b, _)| b);
    block[s..i].trim_start_matches('.')
}

/// The word that starts at byte `k`, with a trailing full stop kept ("Mr.").
fn word_at(block: &str, k: usize) -> &str {
    let rest = &block[k..];
    let w = rest.split(|c: char| c.is_whitespace() || c == ',').next().unwrap_or("");
    let w = w.trim_start_matches(|c: char| !c.is_alphanumeric());
    if w.ends_with('.') && w.len() <= 4 { w } else { w.trim_end_matches(|c: char| !c.is_alphanumeric()) }
}

fn push_trimmed(block: &str, base: usize, s: usize, e: usize, out: &mut Vec<(usize, usize)>) {
    let seg = &block[s..e];
    let lead = seg.len() - seg.trim_start().len();
    let trimmed = seg.trim();
    if !trimmed.is_empty() {
        out.push((base + s + lead, base + s + lead + trimmed.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pipeline::{Metadata, SourceInfo};

    fn sents(t: &str) -> Vec<&str> {
        split_sentences(t).into_iter().map(|(s, e)| &t[s..e]).collect()
    }

    fn doc(text: &str) -> Document {
        let src = SourceInfo::in_memory("x.txt", "");
        Document::new("d1".into(), src, text.to_string(), Metadata::default())
    }

    #[test]
    fn next_that_matters_is_the_byte_loop() {
        let pieces = ["a", " ", ".", "!", "?", "\n", "…", "’", "é", "word ", "Mr. Putin", "x", "0123456789abcdefghij"];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let n = (seed >> 57) as usize;
            let t: String = (0..n).map(|k| pieces[((seed >> (k % 50)) as usize).wrapping_add(k * 7) % pieces.len()]).collect();
            let bytes = t.as_bytes();
            for i in 0..=bytes.len() {
                let plain = (i..bytes.len()).find(|&j| may_matter(bytes[j])).unwrap_or(bytes.len());
                assert_eq!(next_that_matters(bytes, i), plain, "{t:?} from {i}");
            }
        }
    }

    #[test]
    fn titles_initials_and_acronyms_do_not_end_sentences() {
        let t = "Mr. Putin met Gen. Mark A. Milley and Sen. Bob Menendez in the U.S. capital. They talked.";
        assert_eq!(sents(t), vec![
            "Mr. Putin met Gen. Mark A. Milley and Sen. Bob Menendez in the U.S. capital.",
            "They talked."
        ]);
        let t = "President Vladimir V. Putin warned Col. Smith. Talks begin on Jan. 10 in Geneva.";
        assert_eq!(sents(t).len(), 2);
    }

    #[test]
    fn acronym_at_sentence_end_splits_before_an_opener() {
        let t = "Russia wants talks with the U.S. The Kremlin said so. The call began at 3:35 p.m. He left.";
        assert_eq!(sents(t), vec![
            "Russia wants talks with the U.S.",
            "The Kremlin said so.",
            "The call began at 3:35 p.m.",
            "He left."
        ]);
        // Not before a name: "U.S. Ambassador" goes on.
        assert_eq!(sents("He met U.S. Ambassador John Sullivan today.").len(), 1);
        assert_eq!(sents("WILMINGTON, Del. (AP) — Presidents spoke. It was late.").len(), 2);
    }

    #[test]
    fn quotes_closing_after_the_stop() {
        let t = "He dismissed the question as “provocative.” Putin then left. “We can talk. That’s the main thing,” Putin said.";
        assert_eq!(sents(t), vec![
            "He dismissed the question as “provocative.”",
            "Putin then left.",
            "“We can talk.",
            "That’s the main thing,” Putin said."
        ]);
        // A question inside a quote followed by its speech verb goes on.
        assert_eq!(sents("“Why now?” Biden asked. Nobody knew.").len(), 2);
        assert_eq!(sents("“Why now?” he asked.").len(), 1);
    }

    #[test]
    fn numbers_ellipses_and_decimals() {
        assert_eq!(sents("Growth was 3.5 percent. Prices rose 1.2%.").len(), 2);
        assert_eq!(sents("It was… complicated. Then… nothing happened.").len(), 2);
        assert_eq!(sents("He waited... And then he left.").len(), 2);
        assert_eq!(sents("No. 2 on the list. It was U.S.-Russia talks.").len(), 2);
    }

    #[test]
    fn edge_cases_do_not_panic() {
        assert!(sents("").is_empty());
        assert!(sents("   \n\n  ").is_empty());
        assert_eq!(sents("."), vec!["."]);
        assert_eq!(sents("Кремль. 😀 Да!"), vec!["Кремль.", "😀 Да!"]);
        assert_eq!(sents("One.\nTwo.\n"), vec!["One.", "Two."]);
        assert_eq!(sents("Mr.\nPutin spoke."), vec!["Mr.\nPutin spoke."]);
        let weird = "…”’. ?!\n\n“ ” Mr. . a.";
        for (s, e) in split_sentences(weird) {
            assert!(weird.is_char_boundary(s) && weird.is_char_boundary(e) && s < e);
        }
    }

    #[test]
    fn step_keeps_paragraphs_and_code_points() {
        let mut d = doc("Title line\n\n“Кремль said so,” he said. Next one.\n\nLast para. Really.");
        SentenceSplitter.apply(&mut d, &CorpusKnowledge::default()).unwrap();
        d.check_spans().unwrap();
        let got: Vec<(usize, &str)> = d.sentences.iter().map(|r| (r.paragraph_index, r.text.as_str())).collect();
        assert_eq!(got, vec![
            (0, "Title line"),
            (1, "“Кремль said so,” he said."),
            (1, "Next one."),
            (2, "Last para."),
            (2, "Really.")
        ]);
        assert!(d.sentences.iter().enumerate().all(|(i, r)| r.sent_index == i));
    }

    #[test]
    fn corpus_article_sentences() {
        let text = include_str!("../../../corpus/000_7af196de5e79098c.txt");
        let mut d = doc(text);
        SentenceSplitter.apply(&mut d, &CorpusKnowledge::default()).unwrap();
        d.check_spans().unwrap();
        let has = |s: &str| d.sentences.iter().any(|r| r.text == s);
        assert!(has("“We can continue this dialogue."));
        assert!(has("It seems to me that’s the main thing,” Putin said."));
        assert!(has(
            "Putin, speaking to journalists after talks with Greek Prime Minister Kyriakos Mitsotakis, dismissed a question about whether Russia planned to attack Ukraine as “provocative.”"
        ));
        // No sentence crosses a paragraph.
        for r in &d.sentences {
            let (ps, pe) = d.paragraphs[r.paragraph_index];
            assert!(ps <= r.start && r.end <= pe);
        }
        let text = include_str!("../../../corpus/001_eff779026592d293.txt");
        let mut d = doc(text);
        SentenceSplitter.apply(&mut d, &CorpusKnowledge::default()).unwrap();
        assert!(d.sentences.iter().any(|r| r.text.starts_with("WASHINGTON — President Vladimir V. Putin warned President Biden on Thursday")
            && r.text.ends_with("a Russian official told reporters on Thursday evening.")));
    }
}
