//! Step `mt_artifacts`: what a machine-translation round trip leaves in a wire story, repaired by
//! general rules, or flagged (edit kind `flag`) where a change would not be safe.
//!
//! - `orphan_punct`: a full stop orphaned after a finished sentence ("NATO. .", "house.” .");
//! - `inner_full_stop`: a full stop inside a sentence before a lower-case word ("has unfolded.
//!   recently worsened"); abbreviations, initials, decimals, ellipses, URLs and e-mail addresses
//!   never match, and a capitalised word before the stop only gets a flag;
//! - `misplaced_quote`: a closing ” glued to the next word ("possible, ”Pifer");
//! - `orphan_fragment`: a one-word fragment behind an unpaired quote mark ending a paragraph
//!   ("there. ‘before.");
//! - `orphan_quote`: an opening ‘ that nothing closes ("troops to ‘enter the region");
//! - `stray_capital` (flag only): a stray capital inside a word the article spells normally
//!   elsewhere ("BIden"); names are never rewritten silently.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use pipeline::config::MtArtifactsConfig;
use pipeline::{CorpusKnowledge, DocStep, Document, EditKind, StepError};

use crate::aligned::Change;
use crate::typography::open_double_quotes;
use pipeline::word_regex::{WordRegex, WordScan};
use crate::workspace::{assemble, repair_edits, working_texts};

pub struct MtArtifactsStep {
    flag_only: bool,
}

impl MtArtifactsStep {
    pub fn new(cfg: &MtArtifactsConfig) -> Self {
        MtArtifactsStep { flag_only: cfg.flag_only }
    }
}

type Rule = fn(&str) -> Vec<Change>;

/// Order matters: fragments go before lone quote marks are judged.
const RULES: [Rule; 5] = [misplaced_quote, orphan_punct, inner_full_stop, orphan_fragment, orphan_quote];

impl DocStep for MtArtifactsStep {
    fn name(&self) -> &'static str {
        "mt_artifacts"
    }

    fn apply(&self, doc: &mut Document, _corpus: &CorpusKnowledge) -> Result<(), StepError> {
        let flag_only = self.flag_only;
        let as_flags = |mut v: Vec<Change>| {
            if flag_only {
                for c in &mut v {
                    c.kind = EditKind::Flag;
                }
            }
            v
        };
        // One assembly of the clean text at the end: the rules read only blocks and edits.
        for rule in RULES {
            repair_edits(doc, |_, text| as_flags(rule(text)));
        }
        // The article's word list is built only when some paragraph has a candidate (rare).
        let texts = working_texts(doc);
        let mut words: Option<BTreeSet<String>> = None;
        repair_edits(doc, |_, text| {
            let candidates = stray_capital_candidates(text);
            if candidates.is_empty() {
                return Vec::new();
            }
            let words = words.get_or_insert_with(|| known_words(&texts));
            flag_known(candidates, words)
        });
        assemble(doc);
        Ok(())
    }
}

/// Abbreviations that end in a full stop and may be followed by a lower-case word. General
/// English usage, not a list of any corpus.
const ABBREVIATIONS: &[&str] = &[
    "etc", "vs", "approx", "cf", "al", "fig", "figs", "no", "nos", "vol", "vols", "pp", "ch", "ed", "eds", "est",
    "ca", "resp", "incl", "excl", "dept", "depts", "govt", "min", "max", "mt", "ft", "oz", "lb", "lbs", "km", "kg",
    "mi", "hr", "hrs", "sec", "yr", "yrs", "mo", "mos", "wk", "wks", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "maj", "sen", "rep", "reps",
    "gov", "pres", "supt", "rev", "hon", "st", "ave", "blvd", "rd", "inc", "corp", "co", "ltd", "bros", "jr", "sr",
    "esp", "viz", "op", "cit", "ibid", "univ", "assn", "natl", "intl", "ala", "ariz", "ark", "calif", "colo",
    "conn", "del", "fla", "ga", "ill", "ind", "kan", "kans", "ky", "la", "md", "mass", "mich", "minn", "miss",
    "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "va", "vt", "wash", "wis", "wyo", "dist", "div",
    "gal", "pt", "qt", "sq", "tbsp", "tsp", "ref", "refs", "repr", "trans", "approx", "misc", "ok",
];

fn is_abbreviation(word: &str) -> bool {
    let w = word.to_lowercase();
    ABBREVIATIONS.contains(&w.as_str())
}

fn is_opening_quote(c: char) -> bool {
    matches!(c, '‘' | '“' | '«')
}

/// "possible, ”Pifer": the closing mark belongs before the space.
pub fn misplaced_quote(text: &str) -> Vec<Change> {
    static RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[,.;:!?]( ”)\p{L}").expect("valid regex"));
    // Nearly every paragraph has no " ”" at all: skip the quote-pairing scan.
    if !text.contains(" ”") {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let open = open_double_quotes(&chars.iter().map(|x| x.1).collect::<Vec<_>>());
    let mut out = Vec::new();
    for caps in RE.captures_iter(text) {
        let m = caps.get(1).expect("group 1");
        let q = m.start() + 1; // byte of ”
        let ci = chars.partition_point(|x| x.0 < q);
        if open.get(ci).copied().unwrap_or(false) {
            out.push(Change::repair(m.start(), m.end(), "” ", "mt_artifacts.misplaced_quote"));
        }
    }
    out
}

/// "NATO. ." / "Command. . This" / "house.” .": an orphaned full stop after a finished sentence.
/// A spaced ellipsis (". . .") is left alone.
pub fn orphan_punct(text: &str) -> Vec<Change> {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"[.!?][”’"')\]]*((?:\s+\.)+)(?:\s|$)"#).expect("valid regex"));
    static DOUBLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\p{L}(\.\.|,,)(?:\s|$)").expect("valid regex"));
    // RE needs a full stop after white space, DOUBLE a doubled stop or comma; most paragraphs
    // have neither.
    let spaced_stop = text.match_indices('.').any(|(i, _)| text[..i].chars().next_back().is_some_and(char::is_whitespace));
    if !spaced_stop && !text.contains("..") && !text.contains(",,") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for caps in RE.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        let tail = caps.get(1).expect("group 1");
        let dots = tail.as_str().matches('.').count() + 1;
        // The first stop itself preceded by a space, or three stops in all: a spaced ellipsis.
        let spaced_before = text[..whole.start()].ends_with(' ') && whole.as_str().starts_with('.');
        if dots >= 3 || spaced_before {
            continue;
        }
        out.push(Change::repair(tail.start(), tail.end(), "", "mt_artifacts.orphan_punct"));
    }
    for caps in DOUBLE.captures_iter(text) {
        let m = caps.get(1).expect("group 1");
        if text[m.end()..].starts_with('.') {
            continue;
        }
        let keep = &m.as_str()[..1];
        out.push(Change::repair(m.start(), m.end(), keep, "mt_artifacts.orphan_punct"));
    }
    out.sort_by_key(|c| c.start);
    out
}

/// Whether a '.' is followed by white space and then a lower-case letter (`\.\s+\p{Ll}`, loosely:
/// `char::is_lowercase` holds for every `\p{Ll}` letter and `char::is_whitespace` is `\s`).
fn stop_before_lower_case(text: &str) -> bool {
    text.match_indices('.').any(|(i, _)| {
        let mut after = text[i + 1..].chars();
        after.next().is_some_and(char::is_whitespace) && after.find(|c| !c.is_whitespace()).is_some_and(char::is_lowercase)
    })
}

/// "has unfolded. recently worsened": a full stop between two ordinary lower-case words. The word
/// before must be letters only (no internal stop: U.S., p.m., e.g., URLs and e-mail addresses),
/// longer than one letter (initials) and not an abbreviation; the word after must be lower-case
/// letters only (not iPhone, not a domain). A capitalised word before the stop is only flagged.
pub fn inner_full_stop(text: &str) -> Vec<Change> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(^|\s)[“‘"'(]?(\p{L}[\p{L}’'-]*)\.\s+(\p{Ll}+)([\s,;:.!?”’]|$)"#).expect("valid regex")
    });
    static SENTENCE_START: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"[.!?]\s+[“‘]?(\p{Lu}|\p{Ll})").expect("valid regex"));
    // Most paragraphs have no candidate at all: then the style count below is not needed. RE
    // needs a full stop, white space and a lower-case letter in a row, which a plain scan rules
    // out for most paragraphs before the regex runs.
    if !stop_before_lower_case(text) || !RE.is_match(text) {
        return Vec::new();
    }
    // Text written in lower case throughout (chat, slogans) is not a translation artifact.
    let (mut upper, mut lower) = (0, 0);
    for c in SENTENCE_START.captures_iter(text) {
        if c[1].chars().all(char::is_uppercase) {
            upper += 1;
        } else {
            lower += 1;
        }
    }
    let lowercase_style = lower >= 2 && upper == 0;
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(caps) = RE.captures_at(text, at) {
        let word = caps.get(2).expect("group 2");
        let next = caps.get(3).expect("group 3");
        at = next.start();
        let w = word.as_str();
        if w.chars().count() < 2 || is_abbreviation(w) || w.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let stop = word.end();
        let lower_word = w.chars().all(|c| !c.is_uppercase());
        if lower_word && !lowercase_style {
            out.push(Change::repair(stop, stop + 1, "", "mt_artifacts.inner_full_stop"));
        } else {
            out.push(Change::flag(stop, stop + 1, "", "mt_artifacts.inner_full_stop"));
        }
    }
    out
}

/// "there. ‘before." closing a paragraph: one lower-case word behind an opening quote mark that
/// nothing closes, after a finished sentence.
pub fn orphan_fragment(text: &str) -> Vec<Change> {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"[.!?][”’"]?(\s+[‘“]\p{Ll}[\p{L}’'-]*[.!?]?)\s*$"#).expect("valid regex"));
    // RE needs an opening quote mark; most paragraphs have none. (One search a mark: a search
    // for a single character runs on memchr, one for either of two decodes every character.)
    if !text.contains('‘') && !text.contains('“') {
        return Vec::new();
    }
    match RE.captures(text) {
        Some(caps) => {
            let m = caps.get(1).expect("group 1");
            vec![Change::repair(m.start(), m.end(), "", "mt_artifacts.orphan_fragment")]
        }
        None => Vec::new(),
    }
}

/// An opening ‘ before a word that no closing ’ follows anywhere later in the paragraph, in a
/// paragraph whose double quotes pair (so it is not a quotation running on into the next one).
pub fn orphan_quote(text: &str) -> Vec<Change> {
    // Only a ‘ is ever removed.
    if !text.contains('‘') {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let opens = chars.iter().filter(|x| x.1 == '“').count();
    let closes = chars.iter().filter(|x| x.1 == '”').count();
    if opens != closes {
        return Vec::new();
    }
    // closed_after[i]: a closing ’ (one not followed by a letter, else it is an apostrophe)
    // occurs at or after code point i.
    let mut closed_after = vec![false; chars.len() + 1];
    for i in (0..chars.len()).rev() {
        let closing = chars[i].1 == '’' && !chars.get(i + 1).is_some_and(|y| y.1.is_alphabetic());
        closed_after[i] = closing || closed_after[i + 1];
    }
    let mut out = Vec::new();
    for (i, &(b, c)) in chars.iter().enumerate() {
        if c != '‘' {
            continue;
        }
        let starts_word = (i == 0 || chars[i - 1].1.is_whitespace() || is_opening_quote(chars[i - 1].1))
            && chars.get(i + 1).is_some_and(|x| x.1.is_alphabetic());
        if !starts_word {
            continue;
        }
        if !closed_after[i + 1] {
            out.push(Change::repair(b, b + c.len_utf8(), "", "mt_artifacts.orphan_quote"));
        }
    }
    out
}

/// Words of the article written with a capital and then lower case only ("Biden"), for checking
/// "BIden". Those are the only spellings a stray capital's fix can have (it starts with the
/// match's `\p{Lu}`), so words without an initial capital, most of any text, are not kept.
pub fn known_words(texts: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for t in texts {
        for w in t.split(|c: char| !c.is_alphabetic()) {
            let mut cs = w.chars();
            if cs.next().is_some_and(char::is_uppercase) && cs.all(|c| c.is_lowercase()) {
                out.insert(w.to_string());
            }
        }
    }
    out
}

/// "BIden": two capitals then lower case, where the article spells the word "Biden" elsewhere.
/// Flag only: a name is never rewritten silently.
pub fn stray_capitals(text: &str, words: &BTreeSet<String>) -> Vec<Change> {
    flag_known(stray_capital_candidates(text), words)
}

/// Words with two capitals then lower case, as (start, end, spelling with one capital).
fn stray_capital_candidates(text: &str) -> Vec<(usize, usize, String)> {
    static RE: LazyLock<WordRegex> = LazyLock::new(|| WordRegex::new(r"\b\p{Lu}\p{Lu}\p{Ll}{2,}\b").expect("valid regex"));
    // Every match holds two capitals and a lower-case letter in a row, which few paragraphs
    // have: a search for just that (no word boundaries, so it stays on the DFA even where a
    // non-ASCII letter sends RE to the PikeVM) spares most of them the full one.
    static SHAPE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\p{Lu}\p{Lu}\p{Ll}").expect("valid regex"));
    if !SHAPE.is_match(text) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for m in RE.on(WordScan::of(text)).find_iter(text) {
        let w = m.as_str();
        let mut cs = w.chars();
        let first = cs.next().expect("non-empty match");
        let fixed: String = std::iter::once(first).chain(cs.flat_map(char::to_lowercase)).collect();
        out.push((m.start(), m.end(), fixed));
    }
    out
}

fn flag_known(candidates: Vec<(usize, usize, String)>, words: &BTreeSet<String>) -> Vec<Change> {
    candidates
        .into_iter()
        .filter(|(_, _, fixed)| words.contains(fixed))
        .map(|(start, end, fixed)| Change::flag(start, end, fixed, "mt_artifacts.stray_capital"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aligned::AlignedText;

    fn fix(rule: Rule, t: &str) -> String {
        let mut at = AlignedText::new(t, 0, &[]);
        at.commit(&rule(t));
        at.text().to_string()
    }

    #[test]
    fn orphan_punct_repairs() {
        assert_eq!(fix(orphan_punct, "guarantees from the United States and NATO. ."), "guarantees from the United States and NATO.");
        assert_eq!(fix(orphan_punct, "the US European Command. . This aircraft"), "the US European Command. This aircraft");
        assert_eq!(fix(orphan_punct, "“on the doorstep of our house.” ."), "“on the doorstep of our house.”");
        assert_eq!(fix(orphan_punct, "Putin wrote. ."), "Putin wrote.");
        assert_eq!(fix(orphan_punct, "it ended.. Then"), "it ended. Then");
        assert_eq!(fix(orphan_punct, "red,, white"), "red, white");
    }

    #[test]
    fn orphan_punct_leaves_ellipses_and_urls() {
        for t in [
            "and then . . . nothing",
            "He paused. . . . Then went on.",
            "Wait... what",
            "Wait.... what",
            "see ../docs and www.example.com.",
            "at 3:35 p.m. EST.",
            "“I’m done.” He left.",
        ] {
            assert!(orphan_punct(t).is_empty(), "{t:?}: {:?}", orphan_punct(t));
        }
    }

    #[test]
    fn the_full_stop_scan_admits_every_candidate() {
        for t in ["has unfolded. recently", "x.\u{a0}\u{2003} émigrés", "(“Kremlin. ǆ", "end.\n\tword"] {
            assert!(stop_before_lower_case(t), "{t:?}");
        }
        for t in ["Putin said. Then", "3.5 million", "www.example.com", "no stop here", "trailing.", "a. 5"] {
            assert!(!stop_before_lower_case(t), "{t:?}");
        }
    }

    #[test]
    fn inner_full_stop_repairs() {
        assert_eq!(
            fix(inner_full_stop, "a latent crisis that has unfolded. recently worsened as"),
            "a latent crisis that has unfolded recently worsened as"
        );
        assert_eq!(fix(inner_full_stop, "his requests for news. guarantees from"), "his requests for news guarantees from");
        assert_eq!(fix(inner_full_stop, "security guarantees. tests before"), "security guarantees tests before");
    }

    #[test]
    fn inner_full_stop_leaves_abbreviations_initials_decimals_urls() {
        for t in [
            "the U.S. officials said",
            "at 3:35 p.m. and ended",
            "Gen. Mark A. Milley spoke",
            "WILMINGTON, Del. (AP) – Presidents",
            "on Jan. 10 in Geneva",
            "President Vladimir V. Putin said",
            "rose 2.5 percent",
            "and so on... then",
            "visit nytimes.com or mail news@example.org today",
            "apples, pears, etc. and more",
            "It ended. Then he left.",
            "Gen. said",
            "see the iPhone. iPhones are",
        ] {
            let rep: Vec<_> = inner_full_stop(t).into_iter().filter(|c| c.kind == EditKind::Repair).collect();
            assert!(rep.is_empty(), "{t:?}: {rep:?}");
        }
        // A capitalised word before the stop may be a name or an abbreviation: flag only.
        let c = inner_full_stop("talks with NATO. guarantees were");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].kind, EditKind::Flag);
        // Lower-case style text is not an artifact.
        assert!(inner_full_stop("ok. see you. bye now").iter().all(|c| c.kind == EditKind::Flag));
    }

    #[test]
    fn misplaced_quote_moves_before_the_space() {
        assert_eq!(
            fix(misplaced_quote, "“Measures might be possible, ”Pifer, who is now a researcher, wrote."),
            "“Measures might be possible,” Pifer, who is now a researcher, wrote."
        );
        for t in ["He said, “Go.”", "“Yes,” he said.", "the word ”odd” alone", "possible, ”Pifer said"] {
            assert!(misplaced_quote(t).is_empty(), "{t:?}");
        }
    }

    #[test]
    fn orphan_fragment_and_quote() {
        assert_eq!(
            fix(orphan_fragment, "whether he should go from there. ‘before."),
            "whether he should go from there."
        );
        assert!(orphan_fragment("He said it was over. ‘Before.’").is_empty());
        assert!(orphan_fragment("He said: “go.”").is_empty());
        assert_eq!(
            fix(orphan_quote, "ordered his troops to ‘enter the breakaway region of South Ossetia."),
            "ordered his troops to enter the breakaway region of South Ossetia."
        );
        for t in [
            "Ukraine’s ‘forgotten’ soldiers",
            "“to show that Biden ‘heroically’ prevented it,” he said.",
            "“He said ‘no more", // runs on into the next paragraph
            "rock ’n’ roll",
        ] {
            assert!(orphan_quote(t).is_empty(), "{t:?}");
        }
    }

    #[test]
    fn stray_capitals_are_flagged_only_for_known_words() {
        let words = known_words(&["President Biden spoke.".to_string()]);
        let c = stray_capitals("US President Joe BIden and NATO", &words);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].kind, EditKind::Flag);
        assert_eq!(c[0].replacement, "Biden");
        assert!(stray_capitals("the TVs and DJing", &words).is_empty());
    }

    #[test]
    fn stray_capitals_flag_as_with_every_lower_case_word_known() {
        // The reference: every word with at most an initial capital.
        let all_words = |texts: &[String]| -> BTreeSet<String> {
            let mut out = BTreeSet::new();
            for t in texts {
                for w in t.split(|c: char| !c.is_alphabetic()) {
                    let mut cs = w.chars();
                    if cs.next().is_some() && cs.all(|c| c.is_lowercase()) {
                        out.insert(w.to_string());
                    }
                }
            }
            out
        };
        let texts: Vec<String> = [
            "US President Joe BIden spoke with Biden aides; ÉLysée and Élysée, ǅemal, ΑΘήνα and Αθήνα.",
            "The TVs and DJing, iPhone IPhone, McDonald MCdonald, TOtal total Total, ABcd abcd.",
            "ĲSsel Ĳssel ᾈΑbc ᾈαbc Straße STraße",
        ]
        .map(String::from)
        .to_vec();
        let (known, all) = (known_words(&texts), all_words(&texts));
        assert!(known.contains("Biden") && known.contains("Élysée"));
        for t in &texts {
            assert_eq!(stray_capitals(t, &known), stray_capitals(t, &all), "{t:?}");
        }
    }
}
