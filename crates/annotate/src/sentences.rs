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
        for (pi, &(ps, pe)) in doc.paragraphs.iter().enumerate() {
            let (ps, pe) = (ps.min(n_chars), pe.min(n_chars));
            if ps >= pe {
                continue;
            }
            let (bs, be) = (map.byte_of(ps), map.byte_of(pe));
            let mut ranges = Vec::new();
            split_block(&doc.text[bs..be], bs, &mut ranges);
            for (s, e) in ranges {
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

/// Splits one paragraph `block` (which starts at byte `base` of the whole text) into sentences.
pub(crate) fn split_block(block: &str, base: usize, out: &mut Vec<(usize, usize)>) {
    let chars: Vec<(usize, char)> = block.char_indices().collect();
    let n = chars.len();
    let byte = |i: usize| if i < n { chars[i].0 } else { block.len() };
    let mut start = 0usize; // byte offset in block
    let mut i = 0usize;
    while i < n {
        let c = chars[i].1;
        if c == '\n' {
            // A line break inside a paragraph ends a sentence unless the next line carries on in
            // lower case (wrapped text).
            let mut k = i + 1;
            while k < n && chars[k].1.is_whitespace() {
                k += 1;
            }
            let mut last = i;
            while last > 0 && chars[last - 1].1.is_whitespace() {
                last -= 1;
            }
            let keeps_title = last > 0 && chars[last - 1].1 == '.' && !should_split_before_break(&chars, last - 1, last);
            if k < n && !chars[k].1.is_lowercase() && !keeps_title {
                push_trimmed(block, base, start, byte(i), out);
                start = byte(k);
            }
            i = k.max(i + 1);
            continue;
        }
        if !is_terminator(c) {
            i += 1;
            continue;
        }
        // The run of terminators and closing marks: "?!", ".”", "…”)", ".’”".
        let mut j = i + 1;
        while j < n && (is_terminator(chars[j].1) || is_closer(chars[j].1)) {
            j += 1;
        }
        if j < n && !chars[j].1.is_whitespace() {
            // "3.5", "U.S.-Russia", "a.m.," : not an end.
            i = j;
            continue;
        }
        let mut k = j;
        while k < n && chars[k].1.is_whitespace() && chars[k].1 != '\n' {
            k += 1;
        }
        if k >= n {
            break;
        }
        if chars[k].1 == '\n' {
            if should_split_before_break(&chars, i, j) {
                push_trimmed(block, base, start, byte(j), out);
                start = byte(k);
            }
            i = k;
            continue;
        }
        if should_split(block, &chars, i, j, k) {
            push_trimmed(block, base, start, byte(j), out);
            start = byte(k);
        }
        i = k;
    }
    push_trimmed(block, base, start, block.len(), out);
}

/// At a line break after a terminator the line-break rule decides; this only keeps titles and
/// initials ("Mr.\nPutin") together.
fn should_split_before_break(chars: &[(usize, char)], i: usize, j: usize) -> bool {
    let run: String = chars[i..j].iter().map(|&(_, c)| c).collect();
    if run != "." {
        return true;
    }
    let w = word_before(chars, i);
    !(TITLES.contains(&w.as_str()) || is_initial(&w))
}

/// Decides whether the terminator run `chars[i..j]`, followed by whitespace and the character at
/// `k`, ends a sentence.
fn should_split(block: &str, chars: &[(usize, char)], i: usize, j: usize, k: usize) -> bool {
    let next = chars[k].1;
    if next.is_lowercase() || matches!(next, ',' | ';' | ':' | ')' | ']' | '—' | '–' | '―' | '-' | '%') {
        return false;
    }
    let next_word = word_at(block, chars, k);
    let run: Vec<char> = chars[i..j].iter().map(|&(_, c)| c).collect();
    let has_closer = run.iter().any(|&c| is_closer(c));
    let stop = run.iter().filter(|&&c| is_terminator(c)).collect::<String>();
    if stop == "." {
        let w = word_before(chars, i);
        if !has_closer {
            if TITLES.contains(&w.as_str()) || is_initial(&w) {
                return false;
            }
            if BEFORE_NUMBER.contains(&w.as_str()) {
                return !next.is_ascii_digit();
            }
            if w.contains('.') || AMBIGUOUS.contains(&w.as_str()) {
                return SENTENCE_OPENERS.contains(&next_word.as_str());
            }
        }
        return true;
    }
    if has_closer && (stop.contains('?') || stop.contains('!')) {
        // "“Stop!” Putin shouted." : the speech verb shows the sentence goes on.
        let rest = &block[chars[k].0..];
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

/// The word that ends just before index `i`, including inner dots ("U.S", "p.m", "Mr").
fn word_before(chars: &[(usize, char)], i: usize) -> String {
    let mut s = i;
    while s > 0 {
        let c = chars[s - 1].1;
        if c.is_alphanumeric() || c == '.' || c == '’' || c == '\'' {
            s -= 1;
        } else {
            break;
        }
    }
    chars[s..i].iter().map(|&(_, c)| c).collect::<String>().trim_start_matches('.').to_string()
}

/// The word that starts at index `k`, with a trailing full stop kept ("Mr.").
fn word_at(block: &str, chars: &[(usize, char)], k: usize) -> String {
    let rest = &block[chars[k].0..];
    let w = rest.split(|c: char| c.is_whitespace() || c == ',').next().unwrap_or("");
    let w = w.trim_start_matches(|c: char| !c.is_alphanumeric());
    if w.ends_with('.') && w.len() <= 4 { w.to_string() } else { w.trim_end_matches(|c: char| !c.is_alphanumeric()).to_string() }
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
