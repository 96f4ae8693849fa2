//! Step `boilerplate`: classifies every block (title, byline, caption, masthead, related link,
//! widget, ..., body, heading); only body and heading blocks stay in the clean text.
//!
//! Evidence, strongest first: ingest's line roles; the rules files' patterns (photo credits,
//! copyright and source lines, promo labels, explainer cards, outlet mastheads); lines that recur
//! across the outlet's documents (the [`crate::LineSurvey`]); then the article's shape. Shape
//! means: front matter before the dateline or first real paragraph (title, subtitles), a tail after
//! the last paragraph (promo headlines, stray names), and in between, sentences are body while a
//! short unpunctuated line is a heading, or a related link for outlets whose rules say they
//! interleave promo headlines, or when links come in runs. A block that ends like a sentence in
//! the middle of the article is always body, so paragraphs and long quotations survive whole.

use std::sync::{Arc, LazyLock};

use pipeline::bounded_regex::BoundedRegex;
use regex::Regex;

use pipeline::config::BoilerplateConfig;
use pipeline::text::count_words_up_to;
use pipeline::{BlockKind, CorpusKnowledge, DocStep, Document, StepError};

use crate::rules::{BoilerplateRules, EDGE_BLOCKS, OutletRule, Position};
use crate::survey::line_hash;
use crate::workspace::{assemble, block_line_numbers, ensure_blocks, working_texts};

pub struct BoilerplateStep {
    rules: Arc<BoilerplateRules>,
}

impl BoilerplateStep {
    pub fn new(cfg: &BoilerplateConfig) -> Result<Self, StepError> {
        let rules = BoilerplateRules::load(cfg)
            .map_err(|e| StepError::Resource { step: "boilerplate", what: "rules".into(), message: e.to_string() })?;
        Ok(BoilerplateStep { rules: Arc::new(rules) })
    }
}

impl DocStep for BoilerplateStep {
    fn name(&self) -> &'static str {
        "boilerplate"
    }

    fn apply(&self, doc: &mut Document, corpus: &CorpusKnowledge) -> Result<(), StepError> {
        ensure_blocks(doc);
        let texts = working_texts(doc);
        let lines = block_line_numbers(doc);
        let roles: Vec<Option<(BlockKind, String)>> = lines
            .iter()
            .map(|l| doc.meta.line_roles.iter().find(|r| r.line == *l).map(|r| (r.kind, format!("meta:{}", r.rule))))
            .collect();
        let raw: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
        let outlet_key = self.rules.outlet_key(doc.meta.outlet.as_deref(), raw.iter().copied());
        let outlet = self.rules.outlet_rule(doc.meta.outlet.as_deref(), raw.iter().copied());
        let input = ClassifierInput {
            texts: &texts,
            raw: &raw,
            roles: &roles,
            title: doc.meta.title.as_deref(),
            outlet_key: outlet_key.as_deref(),
            outlet,
            corpus,
        };
        let kinds = BlockClassifier { rules: &self.rules }.classify(&input);
        for (b, (kind, rule)) in doc.blocks.iter_mut().zip(kinds) {
            b.kind = kind;
            b.kept = kind.is_kept();
            b.rule = rule;
        }
        assemble(doc);
        Ok(())
    }
}

/// What the classifier sees of one document.
pub struct ClassifierInput<'a> {
    /// Working text of each block (repairs applied).
    pub texts: &'a [String],
    /// Raw text of each block (what the line survey hashed).
    pub raw: &'a [&'a str],
    /// Ingest's line role of each block, if any.
    pub roles: &'a [Option<(BlockKind, String)>],
    pub title: Option<&'a str>,
    pub outlet_key: Option<&'a str>,
    pub outlet: Option<&'a OutletRule>,
    pub corpus: &'a CorpusKnowledge,
}

/// The sentence shape of a block.
#[derive(Debug, Clone, Copy)]
struct Shape {
    words: usize,
    /// Ends like a sentence: . ! ? … or : (possibly inside closing quotes or brackets).
    terminal: bool,
    starts_upper: bool,
}

/// Words a real paragraph has at least ([`Shape::is_paragraph`]).
const PARAGRAPH_WORDS: usize = 8;

impl Shape {
    fn of(text: &str) -> Shape {
        Shape::counting_up_to(text, usize::MAX)
    }

    /// The shape, with `words` counted only up to `limit` (enough for comparisons with smaller
    /// numbers; a long paragraph then costs no more than its first words).
    fn counting_up_to(text: &str, limit: usize) -> Shape {
        let t = text.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '”' | '’' | '"' | '\'' | ')' | ']' | '»' | '*'));
        let terminal = t.ends_with(['.', '!', '?', '…', ':']);
        let starts_upper = text
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
        Shape { words: count_words_up_to(text, limit), terminal, starts_upper }
    }

    /// A real paragraph: a finished sentence of some length.
    fn is_paragraph(&self) -> bool {
        self.terminal && self.words >= PARAGRAPH_WORDS
    }

    /// A short line that does not end like a sentence: a title, heading or promo headline.
    fn is_short_line(&self) -> bool {
        !self.terminal && self.words >= 1 && self.words <= 20
    }
}

/// Whether a line could ever be judged boilerplate by recurrence: paragraphs never are (syndicated
/// copies share them), so the line survey need not remember them.
pub fn could_recur_as_boilerplate(line: &str) -> bool {
    !Shape::counting_up_to(line, PARAGRAPH_WORDS).is_paragraph()
}

/// "WASHINGTON — ...", "WILMINGTON, Del. (AP) – ...", "MOSCOW, Dec. 7 (Reuters) - ...".
/// (A `BoundedRegex`, like the next: `{2,40}` of a Unicode class is slow to compile as written.)
static DATELINE_LEAD: LazyLock<BoundedRegex> = LazyLock::new(|| {
    BoundedRegex::new(r"^[\p{Lu}][\p{Lu}\p{M} .'’-]{2,40}(,\s*[\p{Lu}][\p{L}.]*\.?(\s[\p{Lu}][\p{L}.]*\.?)?)?(,?\s*[\p{Lu}][\p{L}]+\.?\s+\d{1,2})?\s*(\([\p{L} ]+\))?\s*[—–-]{1,2}\s*\S")
        .expect("valid regex")
});

/// A dateline on a line of its own: "MOSCOW" or "KYIV, Ukraine —".
static DATELINE_ALONE: LazyLock<BoundedRegex> = LazyLock::new(|| {
    BoundedRegex::new(r"^[\p{Lu}][\p{Lu}\p{M} .'’-]{2,30}(,\s*[\p{Lu}][\p{L}.]*\.?)?\s*[—–-]{0,2}$").expect("valid regex")
});

/// A person's name alone: "Christi C. Elwood".
static NAME_ALONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\p{Lu}[\p{L}’'-]+(\s+(\p{Lu}\.|\p{Lu}[\p{L}’'-]+)){1,3}$").expect("valid regex")
});

/// Classifies the blocks of one document.
pub struct BlockClassifier<'r> {
    pub rules: &'r BoilerplateRules,
}

type Decision = Option<(BlockKind, String)>;

impl BlockClassifier<'_> {
    pub fn classify(&self, input: &ClassifierInput) -> Vec<(BlockKind, String)> {
        let n = input.texts.len();
        let shapes: Vec<Shape> = input.texts.iter().map(|t| Shape::of(t)).collect();
        let mut kinds: Vec<Decision> = input.roles.to_vec();
        kinds.resize(n, None);

        // The title ingest read, where it stands at the head.
        if let Some(title) = input.title {
            let want = comparable(title);
            for (kind, text) in kinds.iter_mut().zip(input.texts).take(EDGE_BLOCKS) {
                if kind.is_none() && !want.is_empty() && comparable(text) == want {
                    *kind = Some((BlockKind::Title, "meta_title".into()));
                }
            }
        }

        self.apply_patterns(input, &shapes, &mut kinds);

        // Lines the outlet repeats in other documents; sentences are spared, since syndicated
        // copies of one story share them.
        let first_paragraph = (0..n).find(|&i| kinds[i].is_none() && shapes[i].is_paragraph());
        for i in 0..n {
            if kinds[i].is_some() || shapes[i].is_paragraph() {
                continue;
            }
            if input.corpus.is_recurring_line(input.outlet_key, line_hash(input.raw[i])) {
                let kind = if first_paragraph.is_some_and(|f| i < f) { BlockKind::Masthead } else { BlockKind::RelatedLink };
                kinds[i] = Some((kind, "recurring_line".into()));
            }
        }

        self.apply_shape(input, &shapes, &mut kinds);
        kinds.into_iter().map(|k| k.unwrap_or((BlockKind::Body, "sentence".into()))).collect()
    }

    fn apply_patterns(&self, input: &ClassifierInput, shapes: &[Shape], kinds: &mut [Decision]) {
        let n = kinds.len();
        let outlet_matches = |names: &[String]| {
            names.is_empty()
                || names.iter().any(|w| {
                    input.outlet.is_some_and(|o| o.is_named(w) || w.eq_ignore_ascii_case(&o.name))
                        || input.outlet_key.is_some_and(|k| k.eq_ignore_ascii_case(w))
                })
        };
        for i in 0..n {
            if kinds[i].is_some() {
                continue;
            }
            let text = input.texts[i].trim();
            for p in &self.rules.patterns {
                let placed = match p.position {
                    Position::Any => true,
                    Position::Head => i < EDGE_BLOCKS,
                    Position::Tail => i + EDGE_BLOCKS >= n,
                };
                if !placed
                    || p.max_words.is_some_and(|m| shapes[i].words > m)
                    || (p.unpunctuated && shapes[i].terminal)
                    || !outlet_matches(&p.outlets)
                {
                    continue;
                }
                // How many following blocks the match covers: only that needs the regex's groups.
                let covered: usize = match &p.covers_next_group {
                    None if p.regex.is_match(text) => 0,
                    None => continue,
                    Some(g) => match p.regex.captures(text) {
                        Some(caps) => caps.name(g).and_then(|m| m.as_str().parse().ok()).unwrap_or(0).min(50),
                        None => continue,
                    },
                };
                kinds[i] = Some((p.kind, format!("pattern:{}", p.name)));
                for k in kinds.iter_mut().skip(i + 1).take(covered).filter(|k| k.is_none()) {
                    *k = Some((p.kind, format!("pattern:{}:covered", p.name)));
                }
                if p.covers_previous_title && i > 0 && kinds[i - 1].is_none() && shapes[i - 1].is_short_line() {
                    kinds[i - 1] = Some((p.kind, format!("pattern:{}:title", p.name)));
                }
                break;
            }
        }
    }

    fn apply_shape(&self, input: &ClassifierInput, shapes: &[Shape], kinds: &mut [Decision]) {
        let n = kinds.len();
        let free = |kinds: &[Decision], i: usize| kinds[i].is_none();
        // Where the article proper starts: its dateline paragraph, else its first real paragraph.
        let dateline = (0..n.min(EDGE_BLOCKS + 2))
            .find(|&i| free(kinds, i) && shapes[i].terminal && DATELINE_LEAD.is_match(input.texts[i].trim()));
        let Some(first) = dateline.or_else(|| (0..n).find(|&i| free(kinds, i) && shapes[i].is_paragraph())) else {
            // No paragraph at all: nothing can be told apart; keep everything.
            for k in kinds.iter_mut().filter(|k| k.is_none()) {
                *k = Some((BlockKind::Body, "no_paragraphs".into()));
            }
            return;
        };
        let last = (first..n).rev().find(|&i| free(kinds, i) && shapes[i].terminal && shapes[i].words >= 2).unwrap_or(first);

        let mut have_title = kinds.iter().flatten().any(|(k, _)| *k == BlockKind::Title);
        for i in 0..first {
            if !free(kinds, i) {
                continue;
            }
            let text = input.texts[i].trim();
            let s = shapes[i];
            kinds[i] = Some(if s.words <= 5 && DATELINE_ALONE.is_match(text) {
                (BlockKind::Dateline, "head_dateline".into())
            } else if !have_title && (!s.terminal || (s.words <= 20 && text.ends_with(['?', '!']) && i == 0)) {
                have_title = true;
                (BlockKind::Title, "head_title".into())
            } else if s.terminal && dateline.is_none() {
                // Without a dateline to mark the start, a short sentence up front may be the story.
                (BlockKind::Body, "sentence".into())
            } else {
                (BlockKind::Subtitle, "head_subtitle".into())
            });
        }
        for i in (last + 1)..n {
            if !free(kinds, i) {
                continue;
            }
            let text = input.texts[i].trim();
            kinds[i] = Some(if shapes[i].words <= 4 && NAME_ALONE.is_match(text) {
                (BlockKind::Other, "tail_name".into())
            } else if shapes[i].terminal {
                (BlockKind::Body, "sentence".into())
            } else {
                (BlockKind::RelatedLink, "tail_link".into())
            });
        }
        let policy = input.outlet.map(|o| (o.short_line_kind, o.name.as_str()));
        for i in first..=last.min(n.saturating_sub(1)) {
            if !free(kinds, i) {
                continue;
            }
            let s = shapes[i];
            if s.terminal || !s.is_short_line() {
                kinds[i] = Some((BlockKind::Body, if s.terminal { "sentence" } else { "unterminated_paragraph" }.into()));
                continue;
            }
            // Promo links come in runs; a heading is followed by its section, not by another line.
            let neighbour_short = |j: usize| {
                j < n && !shapes[j].terminal && shapes[j].is_short_line() && kinds[j].as_ref().is_none_or(|(k, _)| !k.is_kept())
            };
            let in_run = neighbour_short(i + 1) || (i > 0 && neighbour_short(i - 1) && kinds[i - 1].as_ref().is_some_and(|(k, _)| *k == BlockKind::RelatedLink));
            let text = input.texts[i].trim();
            let all_caps = s.words >= 2 && text.chars().any(char::is_alphabetic) && !text.chars().any(char::is_lowercase);
            kinds[i] = Some(if all_caps && !in_run {
                // Wire-style section heads ("DRAFT SECURITY DOCUMENTS"); promo links are never in capitals.
                (BlockKind::Heading, "caps_heading".into())
            } else if in_run {
                (BlockKind::RelatedLink, "link_run".into())
            } else if let Some((kind, name)) = policy.filter(|(k, _)| *k != BlockKind::Heading) {
                (kind, format!("outlet_short_line:{name}"))
            } else if s.words <= 12 && s.starts_upper {
                (BlockKind::Heading, "heading_shape".into())
            } else {
                (BlockKind::Body, "unterminated_paragraph".into())
            });
        }
    }
}

/// Text compared for equality: lower case letters and digits, single spaces.
///
/// Words are the runs of alphanumeric characters, lower-cased and joined by one space. One pass
/// over the bytes. A stretch of ASCII words separated by single spaces ("the quick brown fox",
/// most of any text) comes out as it is, lower-cased: its end is found with one table look-up a
/// byte and it is copied and lower-cased in one go (pushing byte by byte cost a capacity check
/// and a length update per byte). Other characters are decoded and mapped with the Unicode
/// tables (for ASCII both give the same result).
pub fn comparable(text: &str) -> String {
    /// Whether each byte is an ASCII letter or digit.
    static WORD: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 128 {
            t[b] = (b as u8).is_ascii_alphanumeric();
            b += 1;
        }
        t
    };
    let word = |b: u8| WORD[usize::from(b)];
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut in_word = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if word(b) {
            // The stretch ends before anything but a letter, a digit, or a single space with a
            // letter or digit after it; so it also ends with a letter or digit.
            let mut end = i + 1;
            while end < bytes.len() {
                if word(bytes[end]) {
                    end += 1;
                } else if bytes[end] == b' ' && bytes.get(end + 1).is_some_and(|&b| word(b)) {
                    end += 2;
                } else {
                    break;
                }
            }
            if !in_word && !out.is_empty() {
                out.push(b' ');
            }
            in_word = true;
            let from = out.len();
            out.extend_from_slice(&bytes[i..end]);
            out[from..].make_ascii_lowercase();
            i = end;
            continue;
        }
        if b.is_ascii() {
            i += 1;
            in_word = false;
            continue;
        }
        let c = text[i..].chars().next().expect("i is on a char boundary");
        i += c.len_utf8();
        // General Punctuation (dashes, curly quotes, odd spaces: most of the non-ASCII in news
        // text) holds no letter or digit, which spares those characters the Unicode tables.
        if GENERAL_PUNCTUATION.contains(&c) || !c.is_alphanumeric() {
            in_word = false;
            continue;
        }
        if !in_word && !out.is_empty() {
            out.push(b' ');
        }
        in_word = true;
        let mut buf = [0u8; 4];
        for l in c.to_lowercase() {
            out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
        }
    }
    String::from_utf8(out).expect("whole characters only")
}

/// The General Punctuation block, which has no alphanumeric character (a test checks).
const GENERAL_PUNCTUATION: std::ops::RangeInclusive<char> = '\u{2000}'..='\u{206f}';

#[cfg(test)]
mod tests {
    use super::*;
    use pipeline::config::BoilerplateConfig;

    fn classify(lines: &[&str], outlet: Option<&str>) -> Vec<(BlockKind, String)> {
        let rules = BoilerplateRules::load(&BoilerplateConfig::default()).unwrap();
        let texts: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        let roles = vec![None; lines.len()];
        let outlet_rule = rules.outlet_rule(outlet, lines.iter().copied());
        let key = rules.outlet_key(outlet, lines.iter().copied());
        let corpus = CorpusKnowledge::default();
        let input = ClassifierInput {
            texts: &texts,
            raw: lines,
            roles: &roles,
            title: None,
            outlet_key: key.as_deref(),
            outlet: outlet_rule,
            corpus: &corpus,
        };
        BlockClassifier { rules: &rules }.classify(&input)
    }

    const P1: &str = "MOSCOW — The Kremlin expects a swift start to talks on the confrontation over Ukraine, officials said.";
    const P2: &str = "Putin on Wednesday called the talks “open, substantive and constructive” amid Western fears of an invasion.";
    const P3: &str = "“We can continue this dialogue. It seems to me that’s the main thing,” Putin said.";

    #[test]
    fn comparable_joins_lowercased_alphanumeric_runs() {
        // The definition, spelled out slowly.
        let reference = |t: &str| -> String {
            let words: Vec<String> =
                t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.chars().flat_map(char::to_lowercase).collect()).collect();
            words.join(" ")
        };
        for t in [
            "", "  ", "Putin's  U.S. visit, 2021!", "ÉLYSÉE — Кремль “said” 😀 İstanbul ǅemal", "x", "--a--b--", "ﬁnal ß Σ ΑΣ", "Zürich\u{301}",
            "MOSCOW — The Kremlin expects a swift start to talks; officials said.",
        ] {
            assert_eq!(comparable(t), reference(t), "{t:?}");
        }
        // Every ASCII character, and random mixes of ASCII runs, punctuation and non-ASCII
        // letters, marks and symbols.
        for b in 0u8..128 {
            let c = b as char;
            for t in [c.to_string(), format!("a{c}B"), format!("{c}é{c}")] {
                assert_eq!(comparable(&t), reference(&t), "{t:?}");
            }
        }
        let pieces = [
            "a", "Zq", "Putin", "2021", " ", "  ", ".", "'", "-", "\t", "\n", "é", "\u{301}", "Кремль", "“", "’", "😀", "İ", "ß", "Σ", "\u{a0}",
            "ǅ", "Ⅻ", "٣", "ﬁ",
        ];
        for t in crate::test_texts::random_texts(&pieces, 12).take(20_000) {
            assert_eq!(comparable(&t), reference(&t), "{t:?}");
        }
        // Stretches of words and single spaces, ended by double spaces, punctuation or the end.
        let pieces = ["a", "Zq", "PUTIN", "2021", " ", " ", "  ", ", ", ".", "é", "’", "—", "\u{2003}"];
        for t in crate::test_texts::random_texts(&pieces, 12).take(20_000) {
            assert_eq!(comparable(&t), reference(&t), "{t:?}");
        }
        assert!(GENERAL_PUNCTUATION.into_iter().all(|c| !c.is_alphanumeric()));
    }

    #[test]
    fn front_matter_body_and_tail() {
        let k = classify(
            &[
                "Kremlin sees expanded talks with U.S. after call",
                "Soldiers walk along the line near Katerinivka, Ukraine, on Dec. 7, 2021. (Andriy Dubchak/AP)",
                P1,
                P2,
                "Arms control still on the agenda",
                P3,
                "Mary Ilyushina contributed to this report.",
                "Opinion: Germany must do its part",
                "Tensions with Russia loom over NATO talks",
                "Copyright 2021 The Associated Press. All rights reserved.",
                "Christi C. Elwood",
            ],
            None,
        );
        let kinds: Vec<BlockKind> = k.iter().map(|x| x.0).collect();
        use BlockKind::*;
        assert_eq!(kinds, [Title, Caption, Body, Body, Heading, Body, Credit, RelatedLink, RelatedLink, Copyright, Other], "{k:?}");
    }

    #[test]
    fn outlet_house_style_and_link_runs() {
        let lines = ["The Washington PostDemocracy Dies in Darkness", "A title", P1, "What you need to know about tensions", P2, P3];
        let k = classify(&lines, None);
        assert_eq!(k[0].0, BlockKind::Masthead);
        assert_eq!(k[1].0, BlockKind::Title);
        assert_eq!(k[3].0, BlockKind::RelatedLink, "{k:?}");
        // The same line at an outlet with section headings is a heading.
        let k = classify(&[P1, "What you need to know about tensions", P2, P3], None);
        assert_eq!(k[1].0, BlockKind::Heading);
        // Capitals mark a wire section head even at an outlet that interleaves promos.
        let k = classify(&["WILMINGTON, Del. (AP) — Presidents Joe Biden and Vladimir Putin spoke for nearly an hour.", "DRAFT SECURITY DOCUMENTS", P2, P3], None);
        assert_eq!(k[1], (BlockKind::Heading, "caps_heading".to_string()));
        // Two short lines in a row are links, whatever the outlet.
        let k = classify(&[P1, "Political news about leaders", "More news", P2, P3], None);
        assert_eq!((k[1].0, k[2].0), (BlockKind::RelatedLink, BlockKind::RelatedLink), "{k:?}");
    }

    #[test]
    fn dateline_marks_the_start_and_cards_are_widgets() {
        let k = classify(
            &[
                "President Putin spoke with President Biden for 50 minutes, but his intentions remained unclear.",
                "WASHINGTON — President Putin warned President Biden on Thursday that sanctions would be a mistake.",
                P2,
                "Understand the Tensions",
                "Card 1 of 2",
                "A brewing conflict. Antagonism has been simmering since 2014.",
                "A spike in hostilities. Russia has been building up forces.",
                P3,
                "Source: nytimes.com",
            ],
            None,
        );
        use BlockKind::*;
        let kinds: Vec<BlockKind> = k.iter().map(|x| x.0).collect();
        assert_eq!(kinds, [Subtitle, Body, Body, Widget, Widget, Widget, Widget, Body, Source], "{k:?}");
    }

    #[test]
    fn wire_and_page_furniture() {
        use BlockKind::*;
        let k = classify(
            &[
                "Why is Russia massing troops on Ukraine’s border?",
                "By VLADIMIR ISACHENKOV and AAMER MADHANI",
                "Dec. 30, 2021, 6:12 p.m. EST",
                "Advertisement",
                "FILE - Russian President Vladimir Putin speaks during a meeting in Moscow, Russia. (Mikhail Metzel, Sputnik, Kremlin Pool Photo via AP, File)",
                P1,
                P2,
                "Supported by",
                P3,
            ],
            None,
        );
        let kinds: Vec<BlockKind> = k.iter().map(|x| x.0).collect();
        assert_eq!(kinds, [Title, Byline, Other, Widget, Caption, Body, Body, Widget, Body], "{k:?}");
        // Sentences that merely mention editing or slashes stay body, even at the end.
        let k = classify(&[P1, P2, "The documents, edited by the ministry, were released on Monday.", "He said the ratio was 3 / 4 at most."], None);
        assert!(k.iter().all(|x| x.0 == Body), "{k:?}");
    }

    #[test]
    fn sentences_always_survive_and_short_texts_are_kept() {
        let quote = "“In particular, they talked about the implementation of the results of the summit.";
        let k = classify(&[P1, quote, "In this context, the presidents recalled the alliance.", "In general, it was frank.”"], None);
        assert!(k.iter().all(|x| x.0 == BlockKind::Body), "{k:?}");
        let k = classify(&["just a line", "another line"], None);
        assert!(k.iter().all(|x| x.0 == BlockKind::Body));
        assert!(classify(&[], None).is_empty());
    }
}
