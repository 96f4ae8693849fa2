//! Corpus survey before per-document work: which raw lines recur across the documents of one
//! outlet (mastheads, promo blocks, sign-offs). Each document contributes only its outlet and the
//! hashes of its normalised lines that could be boilerplate (not full paragraphs, which the
//! classifier never removes for recurring), so memory grows with the number of distinct short
//! lines, not with the text.
//!
//! Recurrence is counted in distinct stories, not documents: syndicated copies of one story share
//! their section headings, which are not boilerplate. Each summary carries a story fingerprint
//! among its hashes (the only value with the top bit set; line hashes have it clear): a one-
//! permutation MinHash of the document's paragraph lines, equal for copies with high probability.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use pipeline::config::NormaliseConfig;
use pipeline::stage::CorpusStep;
use pipeline::{CorpusKnowledge, Document, StepError};

use crate::boilerplate::could_recur_as_boilerplate;
use crate::rules::BoilerplateRules;

/// Stable 64-bit FNV-1a hash of a line normalised for comparison (case, spacing): the bytes of
/// its lower-cased characters, each run of white space hashed as one space, none at the ends.
pub fn line_hash(line: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    /// For each byte: itself lower-cased if it is ASCII other than white space and NUL (most of
    /// any line: hashed straight from the byte, no character decoding), else 0 (white space, NUL
    /// and the bytes of other characters take the general path below).
    static SIMPLE: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut b = 1;
        while b < 128 {
            let c = b as u8;
            // `char::is_whitespace` in ASCII: space and \t \n \x0B \x0C \r.
            if !(c == b' ' || (c >= b'\t' && c <= b'\r')) {
                t[b] = c.to_ascii_lowercase();
            }
            b += 1;
        }
        t
    };
    let step = |h: u64, b: u8| (h ^ u64::from(b)).wrapping_mul(PRIME);
    let bytes = line.as_bytes();
    let mut h = OFFSET;
    let mut pending_space = false;
    let mut started = false;
    let mut i = 0;
    while i < bytes.len() {
        if SIMPLE[usize::from(bytes[i])] != 0 {
            if pending_space {
                h = step(h, b' ');
                pending_space = false;
            }
            started = true;
            // The whole run of such bytes (a word, most often) in a tight loop.
            for &b in &bytes[i..] {
                let simple = SIMPLE[usize::from(b)];
                if simple == 0 {
                    break;
                }
                h = step(h, simple);
                i += 1;
            }
            continue;
        }
        if matches!(bytes[i], b' ' | b'\t'..=b'\r') {
            // ASCII white space, settled without decoding.
            pending_space = started;
            i += 1;
            continue;
        }
        let c = line[i..].chars().next().expect("i is on a char boundary");
        i += c.len_utf8();
        if c.is_whitespace() {
            pending_space = started;
            continue;
        }
        if pending_space {
            h = step(h, b' ');
            pending_space = false;
        }
        started = true;
        let mut buf = [0u8; 4];
        for lc in c.to_lowercase() {
            for &b in lc.encode_utf8(&mut buf).as_bytes() {
                h = step(h, b);
            }
        }
    }
    h & !STORY_TAG
}

/// Top bit: marks the story fingerprint among a summary's line hashes.
const STORY_TAG: u64 = 1 << 63;

/// Finds lines that recur in at least `min_outlet_docs` documents of the same outlet.
pub struct LineSurvey {
    rules: BoilerplateRules,
    min_outlet_docs: usize,
}

impl LineSurvey {
    pub fn new(cfg: &NormaliseConfig) -> Result<Self, StepError> {
        let rules = BoilerplateRules::load(&cfg.boilerplate)
            .map_err(|e| StepError::Resource { step: "boilerplate", what: "rules".into(), message: e.to_string() })?;
        Ok(LineSurvey { rules, min_outlet_docs: cfg.boilerplate.min_outlet_docs.max(2) })
    }
}

impl CorpusStep for LineSurvey {
    /// The document's outlet (ingest's, else detected from its lines; `None` when unknown) and the
    /// hashes of its non-blank lines.
    type Summary = (Option<String>, BTreeSet<u64>);
    type Output = CorpusKnowledge;

    fn name(&self) -> &'static str {
        "line_survey"
    }

    fn summarize(&self, doc: &Document) -> Self::Summary {
        let lines = doc.raw_text.split('\n').map(str::trim).filter(|l| !l.is_empty());
        let outlet = self.rules.outlet_key(doc.meta.outlet.as_deref(), lines.clone());
        let mut hashes: BTreeSet<u64> = BTreeSet::new();
        let mut story = u64::MAX;
        // Without paragraphs, the whole document is the story.
        let mut whole = 0u64;
        for line in lines {
            let h = line_hash(line);
            whole = whole.rotate_left(5) ^ h;
            if could_recur_as_boilerplate(line) {
                hashes.insert(h);
            } else {
                story = story.min(h);
            }
        }
        let story = if story == u64::MAX { whole } else { story };
        hashes.insert(story | STORY_TAG);
        (outlet, hashes)
    }

    fn finish(&self, summaries: Vec<Self::Summary>) -> CorpusKnowledge {
        let mut tally = LineTally::default();
        for summary in summaries {
            self.tally(&mut tally, summary);
        }
        self.knowledge(tally)
    }
}

/// Line recurrence counted so far: a survey folds each document's summary in as it comes, so it
/// never holds every document's summary at once.
#[derive(Default)]
pub struct LineTally {
    /// Per outlet and line: the distinct stories it was seen in, up to the number that matters.
    seen: BTreeMap<String, HashMap<u64, Vec<u64>>>,
    docs_per_outlet: BTreeMap<String, usize>,
}

impl LineSurvey {
    /// Folds one document's summary (from `summarize`) into the tally.
    pub fn tally(&self, tally: &mut LineTally, (outlet, hashes): (Option<String>, BTreeSet<u64>)) {
        let Some(outlet) = outlet else { return };
        *tally.docs_per_outlet.entry(outlet.clone()).or_default() += 1;
        let story = hashes.iter().rev().find(|h| *h & STORY_TAG != 0).copied().unwrap_or(STORY_TAG);
        let per_line = tally.seen.entry(outlet).or_default();
        for h in hashes.into_iter().filter(|h| h & STORY_TAG == 0) {
            let stories = per_line.entry(h).or_default();
            if stories.len() < self.min_outlet_docs && !stories.contains(&story) {
                stories.push(story);
            }
        }
    }

    /// The lines that recur in enough distinct stories of their outlet.
    pub fn knowledge(&self, tally: LineTally) -> CorpusKnowledge {
        let recurring_lines: HashMap<String, HashSet<u64>> = tally
            .seen
            .into_iter()
            .map(|(o, lines)| {
                let set: HashSet<u64> =
                    lines.into_iter().filter(|(_, s)| s.len() >= self.min_outlet_docs).map(|(h, _)| h).collect();
                (o, set)
            })
            .filter(|(_, s)| !s.is_empty())
            .collect();
        CorpusKnowledge { recurring_lines, docs_per_outlet: tally.docs_per_outlet }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::tests::doc;

    #[test]
    fn hash_ignores_case_and_spacing_only() {
        assert_eq!(line_hash("The Washington Post  Democracy"), line_hash(" the washington\u{a0}post democracy "));
        assert_ne!(line_hash("The Washington Post"), line_hash("The Washington Posts"));
        assert_ne!(line_hash("ab c"), line_hash("a bc"));
    }

    #[test]
    fn hash_equals_the_definition_on_random_lines() {
        // The definition: FNV-1a over the lower-cased words joined by single spaces.
        let reference = |line: &str| -> u64 {
            let words: Vec<String> = line.split(char::is_whitespace).filter(|w| !w.is_empty()).map(|w| w.chars().flat_map(char::to_lowercase).collect()).collect();
            let mut h = 0xcbf2_9ce4_8422_2325u64;
            for b in words.join(" ").bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            }
            h & !STORY_TAG
        };
        for b in 0u8..128 {
            let c = b as char;
            for t in [c.to_string(), format!("a{c}B"), format!("{c}é{c}"), format!(" {c}{c} ")] {
                assert_eq!(line_hash(&t), reference(&t), "{t:?}");
            }
        }
        let pieces = ["a", "Zq", "DAILY", "2021", " ", "  ", "\t", "\x0b", "\r", "\0", ".", "é", "É", "\u{a0}", "\u{2003}", "\u{85}", "Кремль", "İ", "ẞ", "Σ", "ǅ", "😀", "\u{301}"];
        for t in crate::test_texts::random_texts(&pieces, 12).take(20_000) {
            assert_eq!(line_hash(&t), reference(&t), "{t:?}");
        }
    }

    #[test]
    fn lines_recurring_within_an_outlet() {
        let survey = LineSurvey::new(&NormaliseConfig::default()).unwrap();
        let mut a = doc("Daily Bugle\nStory one.\nSubscribe today");
        let mut b = doc("Daily Bugle\nStory two.\nSubscribe today");
        let mut c = doc("Daily Bugle\nOther outlet.");
        a.meta.outlet = Some("Bugle".into());
        b.meta.outlet = Some("Bugle".into());
        c.meta.outlet = Some("Planet".into());
        let k = survey.finish(vec![survey.summarize(&a), survey.summarize(&b), survey.summarize(&c), survey.summarize(&doc("x"))]);
        assert!(k.is_recurring_line(Some("Bugle"), line_hash("Daily Bugle")));
        assert!(k.is_recurring_line(Some("Bugle"), line_hash("subscribe today")));
        assert!(!k.is_recurring_line(Some("Bugle"), line_hash("Story one.")));
        assert!(!k.is_recurring_line(Some("Planet"), line_hash("Daily Bugle")));
        assert_eq!(k.docs_per_outlet.get("Bugle"), Some(&2));
        assert_eq!(k.docs_per_outlet.len(), 2);
    }

    #[test]
    fn copies_of_one_story_do_not_make_its_headings_recur() {
        let survey = LineSurvey::new(&NormaliseConfig::default()).unwrap();
        let story = "The Kremlin said talks had begun on the key issues and would continue later.\nArms control still on the agenda\nBiden and Putin discussed strategic stability and arms control at length.";
        let mut a = doc(&format!("Daily Bugle\n{story}"));
        let mut b = doc(&format!("Daily Bugle\n{story}\nA sign-off line"));
        let mut c = doc("Daily Bugle\nA different story entirely, about the weather in Berlin today.\nA sign-off line");
        for d in [&mut a, &mut b, &mut c] {
            d.meta.outlet = Some("Bugle".into());
        }
        let k = survey.finish(vec![survey.summarize(&a), survey.summarize(&b), survey.summarize(&c)]);
        assert!(!k.is_recurring_line(Some("Bugle"), line_hash("Arms control still on the agenda")));
        assert!(k.is_recurring_line(Some("Bugle"), line_hash("Daily Bugle")));
        assert!(k.is_recurring_line(Some("Bugle"), line_hash("A sign-off line")));
        assert_eq!(k.docs_per_outlet.get("Bugle"), Some(&3));
    }
}
