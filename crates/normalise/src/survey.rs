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

/// Stable 64-bit FNV-1a hash of a line normalised for comparison (case, spacing).
pub fn line_hash(line: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    let mut pending_space = false;
    let mut started = false;
    for c in line.chars() {
        if c.is_whitespace() {
            pending_space = started;
            continue;
        }
        if pending_space {
            h = (h ^ u64::from(b' ')).wrapping_mul(PRIME);
            pending_space = false;
        }
        started = true;
        if c.is_ascii() {
            // Same bytes as the general path below, without the case-mapping tables.
            h = (h ^ u64::from(c.to_ascii_lowercase() as u8)).wrapping_mul(PRIME);
            continue;
        }
        for lc in c.to_lowercase() {
            let mut buf = [0u8; 4];
            for b in lc.encode_utf8(&mut buf).bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(PRIME);
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
