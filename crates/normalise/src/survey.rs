//! Corpus survey before per-document work: which raw lines recur across the documents of one
//! outlet (mastheads, promo blocks, sign-offs). Each document contributes only its outlet and the
//! hashes of its normalised lines, so memory grows with the number of distinct lines, not with
//! the text.

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
        for lc in c.to_lowercase() {
            let mut buf = [0u8; 4];
            for b in lc.encode_utf8(&mut buf).bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(PRIME);
            }
        }
    }
    h
}

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
        (outlet, lines.filter(|l| could_recur_as_boilerplate(l)).map(line_hash).collect())
    }

    fn finish(&self, summaries: Vec<Self::Summary>) -> CorpusKnowledge {
        let mut counts: BTreeMap<String, HashMap<u64, usize>> = BTreeMap::new();
        let mut docs_per_outlet: BTreeMap<String, usize> = BTreeMap::new();
        for (outlet, hashes) in summaries {
            let Some(outlet) = outlet else { continue };
            *docs_per_outlet.entry(outlet.clone()).or_default() += 1;
            let c = counts.entry(outlet).or_default();
            for h in hashes {
                *c.entry(h).or_default() += 1;
            }
        }
        let recurring_lines: HashMap<String, HashSet<u64>> = counts
            .into_iter()
            .map(|(o, c)| (o, c.into_iter().filter(|&(_, n)| n >= self.min_outlet_docs).map(|(h, _)| h).collect::<HashSet<u64>>()))
            .filter(|(_, s)| !s.is_empty())
            .collect();
        CorpusKnowledge { recurring_lines, docs_per_outlet }
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
}
