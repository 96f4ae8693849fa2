//! The `entities` step and cross-document entity linking.
//!
//! [`EntityTagger`] tokenizes a document, tags it with the CoNLL-trained tagger
//! ([`crate::ner`]), then makes the result usable: titles and possessives are cut off names, a
//! name tagged once is tagged wherever it recurs in the document, and mentions are grouped into
//! entities with a canonical name ("President Vladimir V. Putin", "Mr. Putin", "Putin" ->
//! "Vladimir Putin"; "Nato", "North Atlantic Treaty Organization" -> "NATO").
//!
//! [`EntityLinker`] works across documents on each document's name table: a bare surname joins
//! the one full name the corpus offers for it, an acronym the one expansion, and every entity gets
//! its aliases, roles ("Kremlin spokesman") and counts.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use pipeline::config::EntitiesConfig;
use pipeline::ids::{entity_id, span_id};
use pipeline::stage::CorpusStep;
use pipeline::text::CharMap;
use pipeline::{CorpusKnowledge, DocStep, Document, EntityLabel, EntityRow, MentionRow, StepError};

use crate::ner::{NerModel, embedded_model, load_model};
use crate::tokenize::{Token, model_form, tokenize, tokenize_prefix};

const LABELS: [EntityLabel; 4] = [EntityLabel::PER, EntityLabel::ORG, EntityLabel::LOC, EntityLabel::MISC];

/// Titles and honorifics that open a name without being part of it (lower-case, no period).
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "president", "vice", "gen", "general", "sen", "senator", "rep",
    "representative", "gov", "governor", "prime", "minister", "secretary", "chancellor", "king", "queen", "prince",
    "princess", "pope", "sir", "dame", "lord", "lady", "adm", "admiral", "col", "colonel", "lt", "lieutenant", "sgt",
    "sergeant", "capt", "captain", "maj", "major", "judge", "justice", "ambassador", "spokesman", "spokeswoman",
    "spokesperson", "chief", "premier", "mayor", "rev", "reverend", "father", "sheikh", "emir", "chairman",
    "chairwoman", "commissioner", "envoy", "deputy", "foreign", "defense", "defence", "interior", "finance", "state",
    "of", "the", "former", "ex", "acting", "press", "attorney", "speaker", "leader", "commander", "marshal", "senior",
    "cardinal", "bishop", "rabbi", "imam", "ayatollah", "presidents", "messrs", "mme", "mlle", "herr", "frau", "monsieur",
    "madame", "señor", "sr", "sra", "st",
];

/// Words that make a phrase next to a name a role ("Kremlin spokesman", "foreign minister").
const ROLE_HEADS: &[&str] = &[
    "president", "spokesman", "spokeswoman", "spokesperson", "minister", "secretary", "adviser", "advisor", "aide",
    "ambassador", "chancellor", "general", "gen.", "chief", "director", "official", "senator", "sen.", "governor",
    "gov.", "leader", "premier", "commander", "envoy", "chairman", "chairwoman", "head", "mayor", "king", "queen",
    "prince", "analyst", "correspondent", "reporter", "editor", "economist", "professor", "negotiator", "diplomat",
    "representative", "rep.", "lawmaker", "legislator", "deputy", "officer", "founder", "executive", "ceo",
    "strategist", "researcher", "fellow", "expert", "counselor", "attorney", "prosecutor", "judge", "justice",
    "commissioner", "admiral", "colonel", "captain", "emir", "sheikh", "pope", "candidate", "speaker",
];

/// Words a role phrase may contain before its head ("national security", "foreign").
const ROLE_MODIFIERS: &[&str] = &[
    "foreign", "defense", "defence", "interior", "finance", "prime", "vice", "deputy", "national", "security", "press",
    "senior", "top", "former", "chief", "state", "of", "general", "secretary", "white", "house", "acting",
    "assistant", "special", "presidential", "economic", "military", "political", "media", "policy", "affairs",
];

/// A token's model form, lower-cased, without trailing periods: what the word lists hold.
fn folded(w: &str) -> Lower<'_> {
    match model_form(w) {
        Cow::Borrowed(f) => lowercase(f.trim_end_matches('.')),
        Cow::Owned(f) => Lower::Owned(f.trim_end_matches('.').to_lowercase()),
    }
}

/// `w.to_lowercase()`, without allocating for ASCII words that have no capitals or are short.
fn lowercase(w: &str) -> Lower<'_> {
    if !w.is_ascii() {
        Lower::Owned(w.to_lowercase())
    } else if !w.bytes().any(|b| b.is_ascii_uppercase()) {
        Lower::Borrowed(w)
    } else if w.len() <= INLINE_WORD {
        let mut bytes = [0; INLINE_WORD];
        bytes[..w.len()].copy_from_slice(w.as_bytes());
        bytes[..w.len()].make_ascii_lowercase();
        Lower::Inline(bytes, w.len() as u8)
    } else {
        Lower::Owned(w.to_ascii_lowercase())
    }
}

/// Longest ASCII word [`Lower`] holds in place; longer ones (rare) go to the heap.
const INLINE_WORD: usize = 30;

/// A lower-cased word: the word itself when it has no capitals, in place when it is short ASCII
/// (a capitalised word: "President", "Mr."), on the heap otherwise. The word-list tests lower-case
/// the words around every name, and a String for each was a good share of the step's allocations.
enum Lower<'a> {
    Borrowed(&'a str),
    Inline([u8; INLINE_WORD], u8),
    Owned(String),
}

impl std::ops::Deref for Lower<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Lower::Borrowed(w) => w,
            Lower::Inline(bytes, len) => std::str::from_utf8(&bytes[..*len as usize]).expect("lower-cased ASCII is UTF-8"),
            Lower::Owned(w) => w,
        }
    }
}

impl AsRef<str> for Lower<'_> {
    fn as_ref(&self) -> &str {
        self
    }
}

fn is_title(w: &str) -> bool {
    TITLES.contains(&folded(w).as_ref())
}

fn is_possessive(w: &str) -> bool {
    matches!(model_form(w).as_ref(), "'s" | "'S" | "'")
}

fn starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// A middle initial: "V.", "V".
fn is_initial(w: &str) -> bool {
    let t = w.trim_end_matches('.');
    t.chars().count() == 1 && t.chars().all(char::is_uppercase)
}

/// Where the tagger's model comes from.
enum ModelSource {
    Embedded(&'static NerModel),
    File(Box<NerModel>),
}

/// The `entities` step: tags PER, ORG, LOC and MISC mentions and gives each an in-document
/// canonical entity id.
pub struct EntityTagger {
    model: ModelSource,
}

impl EntityTagger {
    /// The tagger with the embedded model, or the model file the config names.
    pub fn new(cfg: &EntitiesConfig) -> Result<EntityTagger, StepError> {
        let resource = |what: &Path, e: crate::ner::NerError| StepError::Resource {
            step: "entities",
            what: what.display().to_string(),
            message: e.to_string(),
        };
        let model = match &cfg.model {
            Some(p) => ModelSource::File(Box::new(load_model(p).map_err(|e| resource(p, e))?)),
            None => ModelSource::Embedded(embedded_model().map_err(|e| resource(Path::new("embedded model"), e))?),
        };
        Ok(EntityTagger { model })
    }

    fn model(&self) -> &NerModel {
        match &self.model {
            ModelSource::Embedded(m) => m,
            ModelSource::File(m) => m,
        }
    }

    /// Entity spans of a text as byte ranges with labels, after title/possessive trimming and
    /// in-document consistency. `sentence_starts` are byte offsets of sentence starts (may be
    /// empty).
    pub fn tag_text(&self, text: &str, sentence_starts: &[usize]) -> Vec<(usize, usize, EntityLabel)> {
        let tokens = tokenize(text);
        if tokens.is_empty() {
            return Vec::new();
        }
        let groups = sentence_groups(text, &tokens, sentence_starts);
        let forms: Vec<Cow<str>> = tokens.iter().map(|t| model_form(t.text(text))).collect();
        let sents: Vec<Vec<&str>> = groups.iter().map(|&(s, e)| forms[s..e].iter().map(|f| f.as_ref()).collect()).collect();
        let tagged = self.model().tag_document(&sents);
        let mut spans: Vec<(usize, usize, usize)> = Vec::new(); // global token range + label index
        for (g, sent_spans) in groups.iter().zip(&tagged) {
            for &(s, e, l) in sent_spans {
                spans.push((g.0 + s, g.0 + e, l));
            }
        }
        let words: Vec<&str> = tokens.iter().map(|t| t.text(text)).collect();
        let spans = trim_spans(&words, spans);
        let spans = make_consistent(&words, &groups, spans);
        spans.into_iter().map(|(s, e, l)| (tokens[s].start, tokens[e - 1].end, LABELS[l])).collect()
    }
}

/// Token ranges of sentences: the sentence step's sentences when given (`sentence_starts`,
/// sorted), else split after sentence-final punctuation; always split at line breaks.
fn sentence_groups(text: &str, tokens: &[Token], sentence_starts: &[usize]) -> Vec<(usize, usize)> {
    const MAX_LEN: usize = 400;
    let mut groups = Vec::new();
    let mut start = 0;
    // Number of sentence starts at or before the previous token's start. Tokens and starts are
    // both in order, so one cursor walks the starts once instead of two binary searches a token.
    let mut starts_before = tokens.first().map_or(0, |t| sentence_starts.partition_point(|&s| s <= t.start));
    for i in 1..tokens.len() {
        let gap = &text[tokens[i - 1].end..tokens[i].start];
        let prev = tokens[i - 1].text(text);
        let next = tokens[i].text(text);
        // Whether a sentence starts after the previous token's start, at or before this one's.
        let a = starts_before;
        while starts_before < sentence_starts.len() && sentence_starts[starts_before] <= tokens[i].start {
            starts_before += 1;
        }
        let sentence_starts_here = a != starts_before;
        // (Gaps are mostly one space: a byte loop, not memchr.)
        let boundary = if gap.bytes().any(|b| b == b'\n') || i - start >= MAX_LEN {
            true
        } else if !sentence_starts.is_empty() {
            sentence_starts_here
        } else {
            matches!(prev, "." | "!" | "?" | "..." | "…")
                && !gap.is_empty()
                && next.chars().next().is_some_and(|c| c.is_uppercase() || c.is_numeric() || matches!(c, '"' | '“' | '‘' | '\'' | '('))
        };
        if boundary {
            groups.push((start, i));
            start = i;
        }
    }
    groups.push((start, tokens.len()));
    groups
}

/// Honorifics: whatever follows is a person.
fn is_honorific(w: &str) -> bool {
    is_honorific_folded(&folded(w))
}

/// [`is_honorific`] of a word already [`folded`].
fn is_honorific_folded(f: &str) -> bool {
    matches!(f, "mr" | "mrs" | "ms" | "miss" | "dr" | "sir" | "dame" | "messrs" | "mme" | "mlle")
}

/// Words that, right before a name, say it is a person's ("President", "spokesman", "Sen.").
fn is_person_cue(w: &str) -> bool {
    // Folded once for both tests.
    let f = folded(w);
    is_honorific_folded(&f)
        || matches!(
            f.as_ref(),
            "president" | "sen" | "senator" | "gen" | "general" | "rep" | "gov" | "governor" | "secretary" | "chancellor"
                | "minister" | "spokesman" | "spokeswoman" | "spokesperson" | "premier" | "ambassador" | "adviser"
                | "advisor" | "aide" | "envoy" | "lt" | "col" | "capt" | "adm" | "sgt" | "prof" | "professor" | "pope"
                | "king" | "queen" | "prince" | "princess" | "judge" | "justice" | "mayor" | "analyst" | "director"
                | "correspondent" | "leader" | "chairman" | "chairwoman" | "counterpart" | "reporter" | "colleague"
        )
}

/// A tagged span after trimming: token range, label index, and whether a title or honorific
/// marks it as a person's name.
type Span = (usize, usize, usize, bool);

/// Cuts titles off the front of person names, a leading "The" and possessives off any name;
/// an honorific makes a name a person's; drops spans left without a word.
fn trim_spans(words: &[&str], spans: Vec<(usize, usize, usize)>) -> Vec<Span> {
    let mut out = Vec::with_capacity(spans.len());
    for (mut s, mut e, mut l) in spans {
        let cue = (s > 0 && is_person_cue(words[s - 1])) || (e - s > 1 && is_person_cue(words[s]) && starts_upper(words[s + 1]));
        if e - s > 1 && is_honorific(words[s]) {
            l = 0;
        }
        while e > s && (is_possessive(words[e - 1]) || !words[e - 1].chars().any(char::is_alphanumeric)) {
            e -= 1;
        }
        if e > s + 1 && matches!(words[s], "The" | "the" | "THE") {
            s += 1;
        }
        if l == 0 {
            while e - s > 1 && is_title(words[s]) {
                s += 1;
            }
        }
        while s < e && !words[s].chars().any(char::is_alphanumeric) {
            s += 1;
        }
        if s < e && words[s..e].iter().any(|w| w.chars().any(char::is_alphabetic)) {
            out.push((s, e, l, cue));
        }
    }
    // "Mr. Ushakov" left untagged: an honorific before a capitalised word is a person.
    let mut covered = vec![false; words.len()];
    for &(s, e, _, _) in &out {
        covered[s..e].iter_mut().for_each(|c| *c = true);
    }
    for i in 1..words.len() {
        if !covered[i] && starts_upper(words[i]) && is_honorific(words[i - 1]) && words[i].chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '’') {
            out.push((i, i + 1, 0, true));
        }
    }
    out.sort_unstable();
    out
}

/// The words' model forms, lower-cased, joined by spaces.
fn key_of(words: &[&str]) -> String {
    let mut k = String::with_capacity(words.iter().map(|w| w.len() + 1).sum());
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            k.push(' ');
        }
        if w.is_ascii() {
            // Its own model form: lower-cased in place, in the key.
            let from = k.len();
            k.push_str(w);
            k[from..].make_ascii_lowercase();
        } else {
            k.push_str(&lowercase(&model_form(w)));
        }
    }
    k
}

/// In-document consistency: every occurrence of a name gets the label the name gets most often,
/// untagged recurrences of a tagged name (same words, same capitals) are tagged, and a person's
/// surname is tagged wherever it recurs capitalised.
fn make_consistent(words: &[&str], groups: &[(usize, usize)], spans: Vec<Span>) -> Vec<(usize, usize, usize)> {
    const MAX_NAME: usize = 8;
    // Title cue: worth several plain votes, since the tagger's lexicon is older than most names.
    const CUE_VOTES: usize = 3;
    // Votes per lower-cased name; a person's full name also votes for the surname alone. Each
    // span's key is built once: the votes, the majorities and the split test below all use it.
    let keys: Vec<String> = spans.iter().map(|&(s, e, _, _)| key_of(&words[s..e])).collect();
    let surnames: Vec<Option<String>> = spans.iter().map(|&(s, e, l, _)| (l == 0 && e - s >= 2).then(|| key_of(&words[e - 1..e]))).collect();
    let mut votes: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for ((&(_, _, l, cue), key), surname) in spans.iter().zip(&keys).zip(&surnames) {
        let v = votes.entry(key.as_str()).or_default();
        v[l] += 1;
        if cue {
            v[0] += CUE_VOTES;
        }
        if let Some(surname) = surname {
            votes.entry(surname.as_str()).or_default()[0] += 1;
        }
    }
    let majority = |v: &[usize; 4]| (0..4).max_by_key(|&l| (v[l], 4 - l)).unwrap_or(0);
    let spans: Vec<(usize, usize, usize)> =
        spans.into_iter().zip(&keys).map(|((s, e, l, _), key)| (s, e, votes.get(key.as_str()).map(majority).unwrap_or(l))).collect();
    // Two names the tagger ran together ("Ukraine Putin"): a one-off span that splits into two
    // names the document uses on their own is split.
    let total = |k: &str| votes.get(k).map_or(0, |v| v.iter().sum::<usize>());
    let mut split: Vec<(usize, usize, usize)> = Vec::with_capacity(spans.len());
    for ((s, e, l), key) in spans.into_iter().zip(&keys) {
        let cut = (e - s >= 2 && total(key) == 1)
            .then(|| (s + 1..e).find(|&k| total(&key_of(&words[s..k])) >= 2 && total(&key_of(&words[k..e])) >= 2))
            .flatten();
        match cut {
            Some(k) => {
                for (a, b) in [(s, k), (k, e)] {
                    split.push((a, b, votes.get(key_of(&words[a..b]).as_str()).map(majority).unwrap_or(l)));
                }
            }
            None => split.push((s, e, l)),
        }
    }
    let mut spans = split;
    // A two- or three-word name ending in a surname the document treats as a person's is a
    // person's name ("Vladimir Putin" tagged ORG once, "Putin" PER throughout).
    for span in spans.iter_mut() {
        let (s, e, l) = *span;
        if l != 0
            && (2..=3).contains(&(e - s))
            && words[s..e].iter().all(|w| starts_upper(w))
            && let Some(v) = votes.get(key_of(&words[e - 1..e]).as_str())
            && majority(v) == 0
            && v[0] >= 2
        {
            span.2 = 0;
        }
    }
    // Names to look for: exact-case word sequences of tagged names, plus persons' surnames.
    // (Model forms borrow from the text unless they differ from it.)
    let mut known: BTreeMap<Vec<Cow<str>>, usize> = BTreeMap::new();
    for &(s, e, l) in &spans {
        if e - s <= MAX_NAME {
            known.insert(words[s..e].iter().map(|w| model_form(w)).collect(), l);
        }
        if l == 0 && e - s >= 2 && starts_upper(words[e - 1]) && words[e - 1].chars().count() > 1 {
            known.entry(vec![model_form(words[e - 1])]).or_insert(0);
        }
    }
    if known.is_empty() {
        return spans;
    }
    let mut covered = vec![false; words.len()];
    for &(s, e, _) in &spans {
        covered[s..e].iter_mut().for_each(|c| *c = true);
    }
    let max_len = known.keys().map(Vec::len).max().unwrap_or(1);
    // First word of every known name -> bit mask of the names' lengths, so a word that opens no
    // name costs one lookup and the word sequences looked up are only those of a possible length.
    let mut openers: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    for k in known.keys() {
        *openers.entry(k[0].as_ref()).or_default() |= 1 << k.len();
    }
    for &(gs, ge) in groups {
        let mut i = gs;
        while i < ge {
            if covered[i] || !starts_upper(words[i]) {
                i += 1;
                continue;
            }
            let mut found = None;
            let lens = openers.get(model_form(words[i]).as_ref()).copied().unwrap_or(0);
            for len in (1..=max_len.min(ge - i)).rev() {
                if lens & (1 << len) == 0 || covered[i..i + len].iter().any(|&c| c) {
                    continue;
                }
                let seq: Vec<Cow<str>> = words[i..i + len].iter().map(|w| model_form(w)).collect();
                if let Some(&l) = known.get(&seq) {
                    // A name does not end inside a longer capitalised run ("Putin" in "Putin Street").
                    let next_cap = i + len < ge && starts_upper(words[i + len]) && !is_possessive(words[i + len]);
                    if !next_cap {
                        found = Some((len, l));
                        break;
                    }
                }
            }
            match found {
                Some((len, l)) => {
                    spans.push((i, i + len, l));
                    covered[i..i + len].iter_mut().for_each(|c| *c = true);
                    i += len;
                }
                None => i += 1,
            }
        }
    }
    spans.sort_unstable();
    spans
}

/// A name cleaned for grouping: words without titles, possessives and (for persons) middle
/// initials, as written (borrowed from `surface` unless the model form differs).
fn clean_words(surface: &str, label: EntityLabel) -> Vec<Cow<'_, str>> {
    let toks = tokenize(surface);
    let mut words: Vec<Cow<str>> = toks.iter().map(|t| model_form(t.text(surface))).collect();
    while words.last().is_some_and(|w| is_possessive(w) || !w.chars().any(char::is_alphanumeric)) {
        words.pop();
    }
    if label == EntityLabel::PER {
        while words.len() > 1 && is_title(&words[0]) {
            words.remove(0);
        }
        if words.len() > 2 {
            let last = words.len() - 1;
            let mut kept = Vec::with_capacity(words.len());
            for (i, w) in words.iter().enumerate() {
                if i == 0 || i == last || !is_initial(w) {
                    kept.push(w.clone());
                }
            }
            words = kept;
        }
    }
    words
}

/// Common English nicknames and the names they shorten, so "Joe Biden" and "Joseph Biden" are one
/// person.
const NICKNAMES: &[(&str, &str)] = &[
    ("joe", "joseph"), ("bill", "william"), ("will", "william"), ("bob", "robert"), ("rob", "robert"), ("mike", "michael"),
    ("jim", "james"), ("jimmy", "james"), ("tony", "anthony"), ("tony", "antony"), ("dick", "richard"), ("rick", "richard"),
    ("tom", "thomas"), ("dan", "daniel"), ("dave", "david"), ("chuck", "charles"), ("charlie", "charles"), ("ted", "edward"),
    ("ed", "edward"), ("ben", "benjamin"), ("sam", "samuel"), ("alex", "alexander"), ("nick", "nicholas"), ("pete", "peter"),
    ("steve", "steven"), ("steve", "stephen"), ("chris", "christopher"), ("matt", "matthew"), ("andy", "andrew"),
    ("jake", "jacob"), ("liz", "elizabeth"), ("beth", "elizabeth"), ("kate", "katherine"), ("kate", "catherine"),
    ("jen", "jennifer"), ("greg", "gregory"), ("jeff", "jeffrey"), ("ron", "ronald"), ("don", "donald"), ("larry", "lawrence"),
    ("jerry", "gerald"), ("sasha", "alexander"), ("misha", "mikhail"), ("volodya", "vladimir"), ("dima", "dmitry"),
];

/// A name folded across common transliteration variants ("Zelenskyy"/"Zelensky",
/// "Sergey"/"Sergei"): lower-cased, y as i, doubled letters single.
fn fold_name(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    let mut last = None;
    for c in w.trim_end_matches('.').chars().flat_map(char::to_lowercase) {
        let c = if c == 'y' { 'i' } else { c };
        if Some(c) != last {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

/// Whether two given names name the same person: equal up to transliteration, or a nickname pair.
fn same_given_name(a: &str, b: &str) -> bool {
    let (fa, fb) = (fold_name(a), fold_name(b));
    if fa == fb {
        return true;
    }
    let (la, lb) = (a.to_lowercase(), b.to_lowercase());
    NICKNAMES.iter().any(|&(x, y)| (la == x && lb == y) || (la == y && lb == x))
}

/// Words an acronym skips in its expansion.
const ACRONYM_SKIP: &[&str] = &["of", "the", "and", "for", "&", "de", "du", "des", "la", "le", "on", "in", "to"];

fn acronym_of<S: AsRef<str>>(words: &[S]) -> Option<String> {
    if words.len() < 2 {
        return None;
    }
    let mut a = String::new();
    for w in words {
        let w = w.as_ref();
        if ACRONYM_SKIP.contains(&lowercase(w).as_ref()) {
            continue;
        }
        // Hyphenated parts count separately ("Shanghai Cooperation Organisation", "Euro-Atlantic").
        for part in w.split('-') {
            let c = part.chars().next()?;
            if !c.is_uppercase() {
                return None;
            }
            a.extend(c.to_lowercase());
        }
    }
    (a.chars().count() >= 2).then_some(a)
}

/// "U.S." -> "US", "U.K." -> "UK": dotted and plain acronyms are one name.
fn undotted_acronym(w: &str) -> Option<String> {
    if !w.ends_with('.') {
        return None;
    }
    let letters: String = w.chars().filter(|&c| c != '.').collect();
    let dotted = w.ends_with('.')
        && letters.chars().count() >= 2
        && letters.chars().all(char::is_uppercase)
        && w.split('.').filter(|p| !p.is_empty()).all(|p| p.chars().count() == 1);
    dotted.then_some(letters)
}

fn looks_like_acronym(w: &str) -> bool {
    let n = w.chars().count();
    (2..=7).contains(&n) && w.chars().all(char::is_alphabetic) && starts_upper(w)
}

/// Canonical name and label of every mention, given as (surface text, label) in document order.
///
/// Persons: full names group by first and last word; a bare surname joins the one full name with
/// that surname, and stays alone when there is none or more than one. Other names group by their
/// lower-cased words, and an acronym joins the one multi-word name it abbreviates.
pub fn canonicalize<S: AsRef<str>>(mentions: &[(S, EntityLabel)]) -> Vec<(String, EntityLabel)> {
    let cleaned: Vec<Vec<Cow<str>>> = mentions.iter().map(|(s, l)| clean_words(s.as_ref(), *l)).collect();
    let n = mentions.len();
    // Cluster id per mention, by key.
    let mut cluster_of: Vec<String> = vec![String::new(); n];
    let lower = |w: &str| w.to_lowercase();
    // Persons with at least two words.
    // Keyed by folded surname and given name; given names that are variants of one another
    // ("Joe"/"Joseph", "Sergey"/"Sergei") share the key of the most frequent variant.
    let mut full: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        if mentions[i].1 == EntityLabel::PER && cleaned[i].len() >= 2 {
            let w = &cleaned[i];
            full.entry((lower(&w[0]), fold_name(&w[w.len() - 1]))).or_default().push(i);
        }
    }
    let mut by_size: Vec<(&(String, String), usize)> = full.iter().map(|(k, v)| (k, v.len())).collect();
    by_size.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut rep: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    let mut reps: Vec<(String, String)> = Vec::new();
    for (key, _) in by_size {
        let r = reps.iter().find(|r| r.1 == key.1 && same_given_name(&r.0, &key.0)).cloned();
        match r {
            Some(r) => {
                rep.insert(key.clone(), r);
            }
            None => {
                reps.push(key.clone());
                rep.insert(key.clone(), key.clone());
            }
        }
    }
    // Cluster keys are built with `concat` rather than `format!`: one exact-size copy each.
    for (key, members) in &full {
        let (first, last) = &rep[key];
        for &i in members {
            cluster_of[i] = ["PER|", first.as_str(), "|", last.as_str()].concat();
        }
    }
    for i in 0..n {
        if !cluster_of[i].is_empty() {
            continue;
        }
        let (_, label) = &mentions[i];
        let plain = if cleaned[i].len() == 1 { undotted_acronym(&cleaned[i][0]) } else { None };
        let key = match plain {
            Some(plain) => plain.to_lowercase(),
            // The lower-cased words joined by spaces, built in one string.
            _ => {
                let mut key = String::with_capacity(cleaned[i].iter().map(|w| w.len() + 1).sum());
                for (j, w) in cleaned[i].iter().enumerate() {
                    if j > 0 {
                        key.push(' ');
                    }
                    key.push_str(&lowercase(w));
                }
                key
            }
        };
        if *label == EntityLabel::PER && cleaned[i].len() == 1 {
            let folded = fold_name(&key);
            let cands: Vec<&(String, String)> = reps.iter().filter(|(_, last)| *last == folded).collect();
            cluster_of[i] = if cands.len() == 1 { ["PER|", cands[0].0.as_str(), "|", cands[0].1.as_str()].concat() } else { ["PER1|", key.as_str()].concat() };
        } else {
            cluster_of[i] = [label.as_str(), "|", key.as_str()].concat();
        }
    }
    // Acronyms: a one-word non-person name joins the one multi-word name it abbreviates.
    let mut expansions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for i in 0..n {
        if mentions[i].1 != EntityLabel::PER
            && let Some(a) = acronym_of(&cleaned[i])
        {
            expansions.entry(a).or_default().insert(cluster_of[i].clone());
        }
    }
    let mut acronym_clusters: BTreeSet<String> = BTreeSet::new();
    for i in 0..n {
        if mentions[i].1 == EntityLabel::PER || cleaned[i].len() != 1 {
            continue;
        }
        let word = undotted_acronym(&cleaned[i][0]).map_or(Cow::Borrowed(cleaned[i][0].as_ref()), Cow::Owned);
        if looks_like_acronym(&word) {
            let a = word.to_lowercase();
            if let Some(set) = expansions.get(&a)
                && set.len() == 1
            {
                let target = set.iter().next().cloned().unwrap_or_default();
                let acr = format!("ACR|{a}");
                for c in cluster_of.iter_mut() {
                    if *c == target {
                        *c = acr.clone();
                    }
                }
                cluster_of[i] = acr.clone();
                acronym_clusters.insert(acr);
            }
        }
    }
    // Canonical name and label per cluster.
    let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in cluster_of.iter().enumerate() {
        members.entry(c.as_str()).or_default().push(i);
    }
    // Every mention is in one cluster: each gets its cluster's name and label.
    let mut canon = vec![(String::new(), EntityLabel::MISC); n];
    for (c, ms) in &members {
        let mut label_votes = [0usize; 4];
        for &i in ms {
            label_votes[LABELS.iter().position(|l| *l == mentions[i].1).unwrap_or(0)] += 1;
        }
        let label = LABELS[(0..4).max_by_key(|&l| (label_votes[l], 4 - l)).unwrap_or(0)];
        let name = if acronym_clusters.contains(*c) {
            c.trim_start_matches("ACR|").to_uppercase()
        } else {
            let name = choose_name(ms.iter().map(|&i| cleaned[i].as_slice()));
            undotted_acronym(&name).unwrap_or(name)
        };
        // The last member takes the name itself.
        if let Some((&last, rest)) = ms.split_last() {
            for &i in rest {
                canon[i] = (name.clone(), label);
            }
            canon[last] = (name, label);
        }
    }
    canon
}

/// The fullest form; among forms as full, the most frequent, preferring mixed case over capitals
/// (datelines and headlines shout) except for short acronym-like words.
fn choose_name<'a>(forms: impl Iterator<Item = &'a [Cow<'a, str>]>) -> String {
    // (text, words, count) per distinct form. A cluster has a few forms, so a list searched
    // in turn beats a map; their order does not matter, as the order below is total (the text
    // breaks ties) and the texts are distinct.
    let mut counts: Vec<(String, usize, usize)> = Vec::new();
    for f in forms {
        let text = join_words(f);
        match counts.iter_mut().find(|(t, _, _)| *t == text) {
            Some(e) => e.2 += 1,
            None => counts.push((text, f.len(), 1)),
        }
    }
    let shouting = |t: &str| t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_lowercase);
    let short = |t: &str| t.chars().filter(|c| c.is_alphabetic()).count() <= 5 && !t.contains(' ');
    let none_shouting = counts.iter().all(|(k, _, _)| !shouting(k));
    counts
        .into_iter()
        .max_by(|(ta, wa, ca), (tb, wb, cb)| {
            let pa = if shouting(ta) { short(ta) } else { !short(ta) || none_shouting };
            let pb = if shouting(tb) { short(tb) } else { !short(tb) || none_shouting };
            wa.cmp(wb).then((!odd_case(ta)).cmp(&!odd_case(tb))).then(pa.cmp(&pb)).then(ca.cmp(cb)).then(tb.cmp(ta))
        })
        .map(|(t, _, _)| t)
        .unwrap_or_default()
}

/// A word with two capitals before a small letter ("BIden", "THe"): a typo, not a spelling
/// ("McDonald", "DeSantis" have a small letter between their capitals).
fn odd_case(t: &str) -> bool {
    t.split(' ').any(|w| {
        let c: Vec<char> = w.chars().collect();
        c.windows(3).any(|x| x[0].is_uppercase() && x[1].is_uppercase() && x[2].is_lowercase())
    })
}

fn join_words(words: &[Cow<str>]) -> String {
    words.join(" ")
}

impl DocStep for EntityTagger {
    fn name(&self) -> &'static str {
        "entities"
    }

    fn apply(&self, doc: &mut Document, _corpus: &CorpusKnowledge) -> Result<(), StepError> {
        let map = CharMap::new(&doc.text);
        let mut sent_bounds: Vec<(usize, usize)> = doc.sentences.iter().map(|s| (s.start, s.sent_index)).collect();
        sent_bounds.sort_unstable();
        let starts: Vec<usize> = sent_bounds.iter().map(|&(s, _)| map.byte_of(s)).collect();
        let spans = self.tag_text(&doc.text, &starts);
        let surfaces: Vec<(String, EntityLabel)> = spans.iter().map(|&(s, e, l)| (doc.text[s..e].to_string(), l)).collect();
        let canon = canonicalize(&surfaces);
        doc.mentions.clear();
        doc.mentions.reserve(spans.len());
        for ((s, e, _), (text, _)) in spans.iter().zip(surfaces) {
            let i = doc.mentions.len();
            let (name, label) = &canon[i];
            let id = cached_entity_id(*label, name);
            let (start, end) = (map.char_of(*s), map.char_of(*e));
            let sent_index = match sent_bounds.partition_point(|&(b, _)| b <= start) {
                0 => 0,
                k => sent_bounds[k - 1].1,
            };
            doc.mentions.push(MentionRow {
                doc_id: doc.doc_id.clone(),
                mention_id: span_id(&doc.doc_id, 'm', start, end),
                sent_index,
                start,
                end,
                text,
                label: *label,
                entity_id: id,
            });
        }
        let input = doc.mentions.iter().zip(&spans).map(|(m, &(_, _, l))| (m.text.as_str(), l));
        LAST_CANON.with(|last| *last.borrow_mut() = Some(CanonMemo::new(input, canon)));
        Ok(())
    }
}

thread_local! {
    /// Entity ids computed on this thread, by canonical name, then label.
    static ENTITY_IDS: RefCell<HashMap<String, Vec<(EntityLabel, String)>>> = RefCell::new(HashMap::new());
}

/// Names [`ENTITY_IDS`] holds at most: it starts over when full, so memory stays bounded.
const MAX_CACHED_IDS: usize = 1 << 16;

/// `entity_id(label, name)`, remembered across documents. All mentions of an entity share its
/// label and canonical name, and the same entities recur from article to article, while an id
/// is a SHA-256: it is computed once per entity and thread rather than once per mention.
fn cached_entity_id(label: EntityLabel, name: &str) -> String {
    ENTITY_IDS.with(|ids| {
        let mut ids = ids.borrow_mut();
        if let Some((_, id)) = ids.get(name).and_then(|known| known.iter().find(|(l, _)| *l == label)) {
            return id.clone();
        }
        let id = entity_id(label.as_str(), name);
        if ids.len() >= MAX_CACHED_IDS {
            ids.clear();
        }
        ids.entry(name.to_string()).or_default().push((label, id.clone()));
        id
    })
}

/// One [`canonicalize`] call, its input (surfaces joined, their ends and labels) and result.
///
/// The linker's [`EntityLinker::summarize`] canonicalizes a document's mentions again, right
/// after the entities step on the same thread, with the mentions' canonical labels. Where those
/// are the tagger's labels (most documents), the input is the one the entities step had, and so
/// is the result: the step leaves it here and the summary takes it instead of recomputing.
struct CanonMemo {
    texts: String,
    ends: Vec<usize>,
    labels: Vec<EntityLabel>,
    canon: Vec<(String, EntityLabel)>,
}

thread_local! {
    static LAST_CANON: RefCell<Option<CanonMemo>> = const { RefCell::new(None) };
}

impl CanonMemo {
    fn new<'a>(input: impl Iterator<Item = (&'a str, EntityLabel)>, canon: Vec<(String, EntityLabel)>) -> CanonMemo {
        let mut memo = CanonMemo { texts: String::new(), ends: Vec::with_capacity(canon.len()), labels: Vec::with_capacity(canon.len()), canon };
        for (text, label) in input {
            memo.texts.push_str(text);
            memo.ends.push(memo.texts.len());
            memo.labels.push(label);
        }
        memo
    }

    /// Whether `input` is exactly the memo's input.
    fn holds(&self, input: &[(&str, EntityLabel)]) -> bool {
        if input.len() != self.ends.len() {
            return false;
        }
        let mut from = 0;
        input.iter().zip(&self.ends).zip(&self.labels).all(|(((text, label), &to), memo_label)| {
            let same = label == memo_label && self.texts[from..to] == **text;
            from = to;
            same
        })
    }
}

/// `canonicalize(input)`, taken from this thread's last memo when that was made for the same input.
fn canonicalize_again(input: &[(&str, EntityLabel)]) -> Vec<(String, EntityLabel)> {
    let memo = LAST_CANON.with(|last| last.borrow_mut().take());
    match memo {
        Some(memo) if memo.holds(input) => memo.canon,
        _ => canonicalize(input),
    }
}

// ---------------------------------------------------------------------------------------------
// Roles

/// Role phrases written next to a person's mention: before it ("Kremlin spokesman Dmitry
/// Peskov", "Ukraine's foreign minister, Dmytro Kuleba") or in an appositive after it ("Dmitry
/// Peskov, the Kremlin spokesman,"). `start`/`end` are byte offsets of the mention.
pub fn roles_near(text: &str, start: usize, end: usize) -> Vec<String> {
    let mut out = Vec::new();
    let floor = |mut b: usize| {
        while b > 0 && !text.is_char_boundary(b) {
            b -= 1;
        }
        b
    };
    let ws = floor(start.saturating_sub(160));
    let we = floor((end + 160).min(text.len()));
    if start < ws || end > we || start > end {
        return out;
    }
    let tokens_of = |from: usize, to: usize, min: usize| -> Vec<Token> {
        tokenize_prefix(&text[from..to], min).into_iter().map(|t| Token { start: t.start + from, end: t.end + from }).collect()
    };
    // Whether the token, lower-cased, is one of `words`.
    let lower_in = |t: &Token, words: &[&str]| words.contains(&&*lowercase(&model_form(t.text(text))));
    let is_head = |t: &Token| {
        let f = model_form(t.text(text));
        ROLE_HEADS.contains(&lowercase(&f).as_ref())
    };
    let is_mod = |t: &Token| {
        let f = model_form(t.text(text));
        let l = lowercase(&f);
        ROLE_MODIFIERS.contains(&l.as_ref()) || ROLE_HEADS.contains(&l.as_ref())
    };
    // Same line only: a role never crosses a paragraph.
    let same_line = |a: usize, b: usize| !text[a.min(b)..a.max(b)].contains('\n');
    // The role head the window before the name ends in (optionally then a comma), if any.
    let head_last = |before: &[Token]| {
        let mut k = before.len();
        if k > 0 && before[k - 1].text(text) == "," {
            k -= 1;
        }
        (k > 0 && is_head(&before[k - 1]) && same_line(before[k - 1].end, start)).then(|| k - 1)
    };
    // Most names have no role head before them, and the window's last two tokens say so. Those
    // come from its last two whitespace-separated chunks alone (tokenize splits chunks
    // independently), so the whole window is tokenized only when they are not enough.
    let tail = last_chunks_start(text, ws, start, 2);
    let mut before = tokens_of(tail, start, usize::MAX);
    if tail > ws && (before.len() < 2 || head_last(&before).is_some()) {
        before = tokens_of(ws, start, usize::MAX);
    }
    // The appositive after the name is read up to its 11th token (`after[10]`, see below), and
    // only when the first token is a comma: that token is read first.
    let mut after = tokens_of(end, we, 1);
    if after.first().is_some_and(|t| t.text(text) == ",") {
        after = tokens_of(end, we, 11);
    }
    // Before: "[Owner's] [Capitalised modifiers] role words NAME" or "... role words, NAME".
    if let Some(last) = head_last(&before) {
        let mut first = last;
        while first > 0 && is_mod(&before[first - 1]) {
            first -= 1;
        }
        // Capitalised qualifiers ("Kremlin", "Russian", "U.S.") and an owner ("Ukraine's").
        let mut caps = 0;
        while first > 0 && caps < 3 {
            let t = before[first - 1].text(text);
            if is_possessive(t) && first >= 2 && starts_upper(before[first - 2].text(text)) {
                first -= 2;
                caps += 1;
            } else if starts_upper(t) && !is_function_word(t) && !is_title_honorific(t) {
                first -= 1;
                caps += 1;
            } else {
                break;
            }
        }
        // Drop leading honorifics and determiners.
        while first < last
            && (is_title_honorific(before[first].text(text)) || lower_in(&before[first], &["the", "a", "an", "of", "and"]))
        {
            first += 1;
        }
        out.push(text[before[first].start..before[last].end].to_string());
    }
    // After: "NAME, [the|a|Owner's] role words,".
    if after.first().is_some_and(|t| t.text(text) == ",") {
        // Reads at most after[10]: i <= 2, j < i + 8, then after.get(j).
        let mut i = 1;
        if after.get(i).is_some_and(|t| lower_in(t, &["the", "a", "an"])) {
            i += 1;
        }
        let first = i;
        let mut last_head = None;
        let mut j = i;
        while j < after.len() && j < first + 8 {
            let t = after[j].text(text);
            if matches!(t, "," | "." | ";" | ":" | "(" | ")") || t == "said" || t == "says" || t == "told" {
                break;
            }
            if is_head(&after[j]) {
                last_head = Some(j);
            } else if !(is_mod(&after[j]) || starts_upper(t) || is_possessive(t)) {
                break;
            }
            j += 1;
        }
        let ends_clause = after.get(j).is_none_or(|t| matches!(t.text(text), "," | "." | ";" | ")" | "said" | "says" | "told"));
        if let Some(h) = last_head.filter(|&h| h + 1 == j && ends_clause && same_line(end, after[h].end)) {
            out.push(text[after[first].start..after[h].end].to_string());
        }
    }
    out
}

/// Start of the last `n` chunks of `text[lo..hi]` between ASCII whitespace, or `lo`: always `lo`
/// or a position right after a whitespace byte, where [`tokenize`] starts a chunk too.
fn last_chunks_start(text: &str, lo: usize, hi: usize, n: usize) -> usize {
    let b = text.as_bytes();
    let mut i = hi;
    for _ in 0..n {
        while i > lo && b[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
        while i > lo && !b[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
    }
    i
}

fn is_title_honorific(w: &str) -> bool {
    matches!(lowercase(w.trim_end_matches('.')).as_ref(), "mr" | "mrs" | "ms" | "miss" | "dr" | "sir" | "dame")
}

/// Capitalised words that open sentences without qualifying a role.
fn is_function_word(w: &str) -> bool {
    matches!(
        lowercase(w).as_ref(),
        "the" | "a" | "an" | "but" | "and" | "in" | "on" | "at" | "as" | "when" | "while" | "after" | "before" | "then" | "so"
            | "meanwhile" | "yesterday" | "today" | "earlier" | "later" | "also" | "with" | "by" | "for" | "of" | "from" | "to"
            | "said" | "says" | "told" | "that" | "this" | "it" | "he" | "she" | "they" | "we" | "i"
    )
}

// ---------------------------------------------------------------------------------------------
// Cross-document linking

/// One entity of one document's name table.
#[derive(Debug, Clone, PartialEq)]
pub struct DocEntity {
    pub entity_id: String,
    pub label: EntityLabel,
    pub name: String,
    /// Surface forms as written, with counts.
    pub aliases: BTreeMap<String, usize>,
    pub roles: BTreeSet<String>,
    pub n_mentions: usize,
}

/// A document's name table: what [`EntityLinker`] needs from a document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocNames {
    pub doc_id: String,
    pub entities: Vec<DocEntity>,
}

/// What linking yields: how in-document entity ids map to corpus ids, and the corpus entities.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntityResolution {
    /// In-document entity_id -> corpus entity_id, only for ids that change.
    pub remap: BTreeMap<String, String>,
    /// Sorted by entity_id.
    pub entities: Vec<EntityRow>,
}

impl EntityResolution {
    /// Rewrites a document's mentions (and quotes that point at a remapped entity) to corpus ids.
    pub fn apply(&self, doc: &mut Document) {
        for m in &mut doc.mentions {
            if let Some(to) = self.remap.get(&m.entity_id) {
                m.entity_id = to.clone();
            }
        }
        for q in &mut doc.quotes {
            if let Some(to) = q.speaker_entity_id.as_ref().and_then(|id| self.remap.get(id)) {
                q.speaker_entity_id = Some(to.clone());
                if let Ok(i) = self.entities.binary_search_by(|e| e.entity_id.as_str().cmp(to)) {
                    q.speaker = Some(self.entities[i].name.clone());
                }
            }
        }
    }
}

/// Cross-document entity resolution over per-document name tables.
#[derive(Debug, Clone, Copy, Default)]
pub struct EntityLinker;

impl CorpusStep for EntityLinker {
    type Summary = DocNames;
    type Output = EntityResolution;

    fn name(&self) -> &'static str {
        "entities"
    }

    fn summarize(&self, doc: &Document) -> DocNames {
        let surfaces: Vec<(&str, EntityLabel)> = doc.mentions.iter().map(|m| (m.text.as_str(), m.label)).collect();
        let mut canon = canonicalize_again(&surfaces);
        let map = CharMap::new(&doc.text);
        // The mentions by entity id (the table's order), in document order within an entity
        // (a stable sort): each entity's id and each distinct alias is copied once, not once
        // per mention into a map. Its first mention gives its name and label.
        let mentions = &doc.mentions;
        let mut order: Vec<usize> = (0..mentions.len()).collect();
        order.sort_by(|&a, &b| mentions[a].entity_id.cmp(&mentions[b].entity_id));
        let mut entities = Vec::new();
        for group in order.chunk_by(|&a, &b| mentions[a].entity_id == mentions[b].entity_id) {
            let (name, label) = std::mem::replace(&mut canon[group[0]], (String::new(), EntityLabel::MISC));
            let mut aliases: BTreeMap<String, usize> = BTreeMap::new();
            let mut roles = BTreeSet::new();
            for &i in group {
                let m = &mentions[i];
                match aliases.get_mut(m.text.as_str()) {
                    Some(n) => *n += 1,
                    None => {
                        aliases.insert(m.text.clone(), 1);
                    }
                }
                if m.label == EntityLabel::PER {
                    let (s, t) = (map.byte_of(m.start), map.byte_of(m.end));
                    if s <= t && t <= doc.text.len() {
                        roles.extend(roles_near(&doc.text, s, t));
                    }
                }
            }
            entities.push(DocEntity { entity_id: mentions[group[0]].entity_id.clone(), label, name, aliases, roles, n_mentions: group.len() });
        }
        DocNames { doc_id: doc.doc_id.clone(), entities }
    }

    fn finish(&self, summaries: Vec<DocNames>) -> EntityResolution {
        let mut table = NameTable::default();
        for s in &summaries {
            table.add(s).expect("an in-memory name table cannot fail");
        }
        self.resolve(table).expect("an in-memory name table cannot fail")
    }
}

/// One corpus entity before linking, folded from the documents' name tables.
struct EntityAcc {
    /// Its number in the table (order of first appearance), as the [`DocLog`] names it.
    number: u32,
    label: EntityLabel,
    name: String,
    aliases: BTreeMap<String, usize>,
    roles: BTreeSet<String>,
    n_mentions: usize,
    /// Spellings of the name (they differ in case only: ids ignore case), by mentions.
    spellings: BTreeMap<String, usize>,
}

/// Which entities each document has: one frame per document, in input order, of a u32 count
/// and the entities' numbers (u32). It is read once, when linking counts each corpus entity's
/// documents, so a run can keep it in a spill file: memory then grows with the number of
/// distinct entities only, not with entity-document pairs (~50 per news article).
enum DocLog {
    Memory(Vec<u8>),
    File { path: PathBuf, writer: BufWriter<File> },
}

impl DocLog {
    fn writer(&mut self) -> &mut dyn Write {
        match self {
            DocLog::Memory(bytes) => bytes,
            DocLog::File { writer, .. } => writer,
        }
    }

    /// Calls `each(ordinal, numbers)` on every document's frame, in order, and removes the file.
    fn read(self, mut each: impl FnMut(u32, &[u32])) -> std::io::Result<()> {
        fn frames(mut r: impl Read, each: &mut dyn FnMut(u32, &[u32])) -> std::io::Result<()> {
            let (mut word, mut numbers, mut ord) = ([0u8; 4], Vec::new(), 0u32);
            loop {
                match r.read_exact(&mut word) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
                    Err(e) => return Err(e),
                }
                numbers.clear();
                for _ in 0..u32::from_le_bytes(word) {
                    r.read_exact(&mut word)?;
                    numbers.push(u32::from_le_bytes(word));
                }
                each(ord, &numbers);
                ord += 1;
            }
        }
        match self {
            DocLog::Memory(bytes) => frames(bytes.as_slice(), &mut each),
            DocLog::File { path, writer } => {
                writer.into_inner().map_err(|e| e.into_error())?;
                frames(BufReader::with_capacity(1 << 16, File::open(&path)?), &mut each)?;
                std::fs::remove_file(&path)
            }
        }
    }
}

/// The corpus's names, folded one document at a time, so a run keeps one table that grows with
/// the number of distinct entities rather than every document's table.
pub struct NameTable {
    acc: BTreeMap<String, EntityAcc>,
    log: DocLog,
}

impl Default for NameTable {
    fn default() -> Self {
        NameTable { acc: BTreeMap::new(), log: DocLog::Memory(Vec::new()) }
    }
}

impl NameTable {
    /// A table whose per-document log goes to the file `path` (removed when it is resolved).
    pub fn spilled(path: &Path) -> std::io::Result<NameTable> {
        let writer = BufWriter::with_capacity(1 << 16, File::create(path)?);
        Ok(NameTable { acc: BTreeMap::new(), log: DocLog::File { path: path.to_path_buf(), writer } })
    }

    /// Adds one document's names (documents in input order).
    pub fn add(&mut self, s: &DocNames) -> std::io::Result<()> {
        let mut numbers = Vec::with_capacity(s.entities.len());
        for e in &s.entities {
            let number = u32::try_from(self.acc.len()).expect("fewer than 2^32 entities");
            let a = self.acc.entry(e.entity_id.clone()).or_insert_with(|| EntityAcc {
                number,
                label: e.label,
                name: e.name.clone(),
                aliases: BTreeMap::new(),
                roles: BTreeSet::new(),
                n_mentions: 0,
                spellings: BTreeMap::new(),
            });
            *a.spellings.entry(e.name.clone()).or_default() += e.n_mentions;
            for (k, v) in &e.aliases {
                *a.aliases.entry(k.clone()).or_default() += v;
            }
            a.roles.extend(e.roles.iter().cloned());
            numbers.push(a.number);
            a.n_mentions += e.n_mentions;
        }
        let w = self.log.writer();
        w.write_all(&(numbers.len() as u32).to_le_bytes())?;
        numbers.iter().try_for_each(|n| w.write_all(&n.to_le_bytes()))
    }
}

impl EntityLinker {
    /// Links the folded names: variant full names, bare surnames and expansions join their one
    /// corpus candidate.
    pub fn resolve(&self, table: NameTable) -> std::io::Result<EntityResolution> {
        let NameTable { mut acc, log } = table;
        for a in acc.values_mut() {
            if let Some((name, _)) =
                a.spellings.iter().max_by(|x, y| (!odd_case(x.0)).cmp(&!odd_case(y.0)).then(x.1.cmp(y.1)).then(y.0.cmp(x.0)))
            {
                a.name = name.clone();
            }
        }
        // Bare surnames -> the one full name; expansions -> the one acronym ("NATO" is the
        // canonical name of "North Atlantic Treaty Organization", as within a document).
        let mut remap: BTreeMap<String, String> = BTreeMap::new();
        // Full names that are variants of one another ("Joe Biden", "Joseph Biden") become the
        // most mentioned variant: (folded surname, given name, id) of each person kept.
        let mut people: Vec<(&String, &EntityAcc)> = acc.iter().filter(|(_, a)| a.label == EntityLabel::PER && a.name.contains(' ')).collect();
        people.sort_by(|a, b| b.1.n_mentions.cmp(&a.1.n_mentions).then(a.0.cmp(b.0)));
        let mut persons: Vec<(String, String, String)> = Vec::new();
        for (id, a) in people {
            let words: Vec<&str> = a.name.split(' ').collect();
            let (given, last) = (words[0], fold_name(words[words.len() - 1]));
            match persons.iter().find(|p| p.1 == last && same_given_name(&p.0, given)) {
                Some(p) => {
                    remap.insert(id.clone(), p.2.clone());
                }
                None => persons.push((given.to_string(), last, id.clone())),
            }
        }
        for (id, a) in &acc {
            let words: Vec<String> = a.name.split(' ').map(str::to_string).collect();
            let cands: Vec<&String> = if a.label == EntityLabel::PER && words.len() == 1 {
                let key = fold_name(&words[0]);
                persons.iter().filter(|p| p.1 == key && p.2 != *id).map(|p| &p.2).collect()
            } else if let Some(acr) = (a.label != EntityLabel::PER).then(|| acronym_of(&words)).flatten() {
                acc.iter()
                    .filter(|(oid, o)| *oid != id && o.label != EntityLabel::PER && looks_like_acronym(&o.name) && o.name.to_lowercase() == acr)
                    .map(|(oid, _)| oid)
                    .collect()
            } else {
                Vec::new()
            };
            if cands.len() == 1 {
                remap.insert(id.clone(), cands[0].clone());
            }
        }
        // A corpus entity's documents are those of the entities merged into it (a source whose
        // target is itself merged away is dropped) and its own: counted, by entity number, from
        // the log of each document's entities.
        let mut group: Vec<Option<u32>> = vec![None; acc.len()];
        for (id, a) in &acc {
            group[a.number as usize] = match remap.get(id) {
                None => Some(a.number),
                Some(t) if !remap.contains_key(t) => acc.get(t).map(|t| t.number),
                Some(_) => None,
            };
        }
        let mut n_docs = vec![0usize; acc.len()];
        let mut last_doc: Vec<Option<u32>> = vec![None; acc.len()];
        log.read(|ord, numbers| {
            for &n in numbers {
                if let Some(g) = group[n as usize].map(|g| g as usize) {
                    if last_doc[g] != Some(ord) {
                        last_doc[g] = Some(ord);
                        n_docs[g] += 1;
                    }
                }
            }
        })?;
        // Targets first, so a merged entity keeps the full name and label of its target.
        let (sources, mut merged): (BTreeMap<String, EntityAcc>, BTreeMap<String, EntityAcc>) =
            acc.into_iter().partition(|(id, _)| remap.contains_key(id));
        for (id, a) in sources {
            if let Some(m) = remap.get(&id).and_then(|t| merged.get_mut(t)) {
                for (k, v) in a.aliases {
                    *m.aliases.entry(k).or_default() += v;
                }
                m.roles.extend(a.roles);
                m.n_mentions += a.n_mentions;
            }
        }
        let mut entities: Vec<EntityRow> = merged
            .into_iter()
            .map(|(id, a)| EntityRow {
                entity_id: id,
                label: a.label,
                name: a.name,
                aliases: a.aliases.into_keys().collect(),
                roles: a.roles.into_iter().collect(),
                n_docs: n_docs[a.number as usize],
                n_mentions: a.n_mentions,
            })
            .collect();
        entities.sort_by(|a, b| a.entity_id.cmp(&b.entity_id));
        Ok(EntityResolution { remap, entities })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pipeline::{Metadata, SourceInfo};

    fn doc(id: &str, text: &str) -> Document {
        let src = SourceInfo::in_memory(format!("{id}.txt"), text);
        Document::new(id.to_string(), src, text.to_string(), Metadata::default())
    }

    fn tagged(text: &str) -> Document {
        let tagger = EntityTagger::new(&EntitiesConfig::default()).expect("embedded model loads");
        let mut d = doc("d1", text);
        tagger.apply(&mut d, &CorpusKnowledge::default()).unwrap();
        d.check_spans().unwrap();
        d
    }

    /// The summary from the entities step's memo is the one computed afresh, and a memo is used
    /// only for its own input.
    #[test]
    fn linker_summary_from_the_memo_is_the_recomputed_one() {
        let text = "Kremlin spokesman Dmitry Peskov said Mr. Peskov and Peskov met NATO. The North Atlantic \
                    Treaty Organization and Vladimir Putin answered; Putin, the Russian president, left for the U.S.";
        let d = tagged(text);
        let fresh = {
            LAST_CANON.with(|last| last.borrow_mut().take());
            EntityLinker.summarize(&d)
        };
        let d = tagged(text);
        assert!(LAST_CANON.with(|last| last.borrow().is_some()));
        assert_eq!(EntityLinker.summarize(&d), fresh);
        assert!(LAST_CANON.with(|last| last.borrow().is_none()), "the memo is used once");
        let input = [("Peskov", EntityLabel::PER), ("NATO", EntityLabel::ORG)];
        let memo = CanonMemo::new(input.iter().copied(), vec![(String::new(), EntityLabel::MISC); 2]);
        assert!(memo.holds(&input));
        assert!(!memo.holds(&[("Peskov", EntityLabel::PER), ("NATO", EntityLabel::LOC)]));
        assert!(!memo.holds(&[("Pesko", EntityLabel::PER), ("vNATO", EntityLabel::ORG)]));
        assert!(!memo.holds(&input[..1]));
    }

    #[test]
    fn cached_entity_ids_are_the_computed_ones() {
        for _ in 0..2 {
            for name in ["Vladimir Putin", "Georgia", "NATO", "Ünal Öztürk", ""] {
                for label in LABELS {
                    assert_eq!(cached_entity_id(label, name), entity_id(label.as_str(), name));
                }
            }
        }
    }

    fn mention<'a>(d: &'a Document, text: &str) -> Option<&'a MentionRow> {
        d.mentions.iter().find(|m| m.text == text)
    }

    #[test]
    fn embedded_model_tags_a_news_sentence() {
        let d = tagged("President Vladimir V. Putin of Russia spoke with President Biden");
        let putin = d.mentions.iter().find(|m| m.text.contains("Putin")).expect("Putin tagged");
        assert_eq!(putin.label, EntityLabel::PER);
        assert!(!putin.text.contains("President"), "title kept: {:?}", putin.text);
        assert_eq!(mention(&d, "Biden").map(|m| m.label), Some(EntityLabel::PER), "{:?}", d.mentions);
        assert_eq!(mention(&d, "Russia").map(|m| m.label), Some(EntityLabel::LOC), "{:?}", d.mentions);
        assert_eq!(putin.entity_id, entity_id("PER", "Vladimir Putin"));
    }

    #[test]
    fn names_are_consistent_and_possessives_excluded() {
        let text = "MOSCOW — President Vladimir Putin met Mr. Biden on Tuesday.\n\nPutin’s aides said the talks were useful. Later, Putin's spokesman spoke.\n\nOfficials said Putin would call again.";
        let d = tagged(text);
        let putins: Vec<&MentionRow> = d.mentions.iter().filter(|m| m.text.contains("Putin")).collect();
        assert_eq!(putins.len(), 4, "{:?}", d.mentions);
        for m in &putins {
            assert!(!m.text.contains('’') && !m.text.contains('\''), "possessive in {:?}", m.text);
            assert_eq!(m.label, EntityLabel::PER);
            assert_eq!(m.entity_id, entity_id("PER", "Vladimir Putin"));
        }
        // The sent_index falls back to 0 without a sentences step.
        assert!(d.mentions.iter().all(|m| m.sent_index == 0));
        // Ids are span ids of the document.
        let m = putins[0];
        assert_eq!(m.mention_id, span_id("d1", 'm', m.start, m.end));
    }

    #[test]
    fn sentence_index_comes_from_the_sentences_step() {
        let text = "Russian President Vladimir Putin spoke on Tuesday. U.S. President Joe Biden listened.";
        let tagger = EntityTagger::new(&EntitiesConfig::default()).unwrap();
        let mut d = doc("d2", text);
        for (i, (s, e)) in [(0usize, 50usize), (51, text.len())].into_iter().enumerate() {
            d.sentences.push(pipeline::SentenceRow {
                doc_id: "d2".into(),
                sent_index: i,
                paragraph_index: 0,
                start: s,
                end: e,
                text: text[s..e].to_string(),
            });
        }
        tagger.apply(&mut d, &CorpusKnowledge::default()).unwrap();
        assert_eq!(mention(&d, "Joe Biden").map(|m| m.sent_index), Some(1), "{:?}", d.mentions);
        assert_eq!(mention(&d, "Vladimir Putin").map(|m| m.sent_index), Some(0), "{:?}", d.mentions);
    }

    #[test]
    fn consistency_relabels_fills_and_splits() {
        let text = "Putin said . Ukraine is big . Mr. Sullivan met Ukraine Putin . Putin left Ukraine . Sullivan stayed , Putin Street";
        let words: Vec<&str> = text.split(' ').collect();
        let at = |w: &str, nth: usize| words.iter().enumerate().filter(|(_, x)| **x == w).nth(nth).map(|(i, _)| i).unwrap();
        // Tagger output: Putin twice PER and once ORG, "Ukraine Putin" run together, the third
        // Putin missed, "Mr. Sullivan" as an ORG.
        let (p0, u0, m0) = (at("Putin", 0), at("Ukraine", 0), at("Mr.", 0));
        let (u1, p2, u2) = (at("Ukraine", 1), at("Putin", 2), at("Ukraine", 2));
        let raw = vec![(p0, p0 + 1, 0), (u0, u0 + 1, 2), (m0, m0 + 2, 1), (u1, u1 + 2, 1), (p2, p2 + 1, 1), (u2, u2 + 1, 2)];
        let trimmed = trim_spans(&words, raw);
        let groups = vec![(0, words.len())];
        let got = make_consistent(&words, &groups, trimmed);
        let show: Vec<(String, usize)> = got.iter().map(|&(s, e, l)| (words[s..e].join(" "), l)).collect();
        let want: Vec<(String, usize)> = [
            ("Putin", 0), ("Ukraine", 2), ("Sullivan", 0), ("Ukraine", 2), ("Putin", 0), ("Putin", 0), ("Ukraine", 2), ("Sullivan", 0),
        ]
        .iter()
        .map(|(w, l)| (w.to_string(), *l))
        .collect();
        // "Putin Street" is not the person: a capitalised word follows.
        assert_eq!(show, want);
    }

    fn canon(items: &[(&str, EntityLabel)]) -> Vec<String> {
        let v: Vec<(String, EntityLabel)> = items.iter().map(|(s, l)| (s.to_string(), *l)).collect();
        canonicalize(&v).into_iter().map(|(n, _)| n).collect()
    }

    #[test]
    fn person_names_canonicalise_to_first_and_last() {
        use EntityLabel::PER;
        let got = canon(&[("President Vladimir Putin", PER), ("Vladimir V. Putin", PER), ("Mr. Putin", PER), ("Putin", PER), ("Putin’s", PER)]);
        assert!(got.iter().all(|n| n == "Vladimir Putin"), "{got:?}");
    }

    #[test]
    fn people_sharing_a_surname_are_not_merged() {
        use EntityLabel::PER;
        let got = canon(&[("Joe Biden", PER), ("Hunter Biden", PER), ("Biden", PER), ("Jill Biden", PER)]);
        assert_eq!(got, vec!["Joe Biden", "Hunter Biden", "Biden", "Jill Biden"]);
        // With a single full name the surname joins it.
        let got = canon(&[("Joe Biden", PER), ("Biden", PER)]);
        assert_eq!(got, vec!["Joe Biden", "Joe Biden"]);
        // Variants of one given name are one person; transliterations of a surname too.
        let got = canon(&[("Joe Biden", PER), ("Joseph Biden", PER), ("Joe Biden", PER), ("Biden", PER)]);
        assert_eq!(got, vec!["Joe Biden"; 4]);
        let got = canon(&[("Volodymyr Zelenskyy", PER), ("Zelensky", PER)]);
        assert_eq!(got, vec!["Volodymyr Zelenskyy"; 2]);
        assert_eq!(canon(&[("Joe BIden", PER), ("Joe BIden", PER), ("Joe Biden", PER)]), vec!["Joe Biden"; 3]);
        // Different given names stay apart, and so does the bare surname.
        let got = canon(&[("Joe Biden", PER), ("Joseph Biden", PER), ("Jill Biden", PER), ("Biden", PER)]);
        assert_eq!(got, vec!["Joe Biden", "Joe Biden", "Jill Biden", "Biden"]);
    }

    #[test]
    fn dotted_and_plain_acronyms_join() {
        let m = |s: &str, l| (s.to_string(), l);
        let c = canonicalize(&[m("U.S.", EntityLabel::LOC), m("US", EntityLabel::LOC), m("United States", EntityLabel::LOC)]);
        assert!(c.iter().all(|(n, _)| n == "US"), "{c:?}");
        let c = canonicalize(&[m("U.S.", EntityLabel::LOC), m("U.K.", EntityLabel::LOC)]);
        assert_eq!(c[0].0, "US");
        assert_eq!(c[1].0, "UK");
        // Initials of a person are not an acronym.
        let c = canonicalize(&[m("J.R.R. Tolkien", EntityLabel::PER)]);
        assert_eq!(c[0].0, "J.R.R. Tolkien");
        assert_eq!(undotted_acronym("Gen."), None);
        assert_eq!(undotted_acronym("U.S."), Some("US".into()));
    }

    #[test]
    fn acronyms_and_case_variants_join() {
        use EntityLabel::{LOC, ORG};
        let got = canon(&[("NATO", ORG), ("Nato", ORG), ("North Atlantic Treaty Organization", ORG)]);
        assert!(got.iter().all(|n| n == "NATO"), "{got:?}");
        // Shouted datelines do not win over the normal spelling of a long name.
        let got = canon(&[("MOSCOW", LOC), ("Moscow", LOC)]);
        assert_eq!(got, vec!["Moscow", "Moscow"]);
        // An acronym with no matching expansion stays itself; a different expansion does not join.
        let got = canon(&[("EU", ORG), ("European Commission", ORG)]);
        assert_eq!(got, vec!["EU", "European Commission"]);
    }

    #[test]
    fn roles_before_and_after_names() {
        let t = "Kremlin spokesman Dmitry Peskov said the talks went well.";
        let s = t.find("Dmitry").unwrap();
        assert_eq!(roles_near(t, s, s + "Dmitry Peskov".len()), vec!["Kremlin spokesman"]);
        let t = "Dmitry Peskov, the Kremlin spokesman, said so.";
        assert_eq!(roles_near(t, 0, "Dmitry Peskov".len()), vec!["Kremlin spokesman"]);
        let t = "Ukraine’s foreign minister, Dmytro Kuleba, said the talks had served to deter Russia.";
        let s = t.find("Dmytro").unwrap();
        assert_eq!(roles_near(t, s, s + "Dmytro Kuleba".len()), vec!["Ukraine’s foreign minister"]);
        // Not a role: a verb phrase, or nothing at all.
        let t = "Dmitry Peskov, who spoke on Tuesday, said so.";
        assert!(roles_near(t, 0, "Dmitry Peskov".len()).is_empty());
        let t = "President Biden and President Vladimir Putin spoke.";
        let s = t.find("Vladimir").unwrap();
        assert_eq!(roles_near(t, s, s + "Vladimir Putin".len()), vec!["President"]);
        let t = "Yesterday Dmitry Peskov said so.";
        let s = t.find("Dmitry").unwrap();
        assert!(roles_near(t, s, s + 13).is_empty());
    }

    /// A document with mentions placed by hand (each surface at its next occurrence), ids as the
    /// tagger gives them.
    fn with_mentions(id: &str, text: &str, names: &[(&str, EntityLabel)]) -> Document {
        let mut d = doc(id, text);
        let surfaces: Vec<(String, EntityLabel)> = names.iter().map(|(s, l)| (s.to_string(), *l)).collect();
        let canon = canonicalize(&surfaces);
        let mut from = 0;
        for ((surface, _), (name, label)) in surfaces.iter().zip(canon) {
            let s = from + text[from..].find(surface.as_str()).expect("surface in text");
            let e = s + surface.len();
            from = e;
            d.mentions.push(MentionRow {
                doc_id: id.into(),
                mention_id: span_id(id, 'm', s, e),
                sent_index: 0,
                start: s,
                end: e,
                text: surface.clone(),
                label,
                entity_id: entity_id(label.as_str(), &name),
            });
        }
        d
    }

    #[test]
    fn linker_joins_bare_surnames_only_when_unambiguous() {
        use EntityLabel::{ORG, PER};
        let a = with_mentions(
            "a",
            "President Vladimir Putin spoke on Tuesday. Putin said NATO must not expand.",
            &[("Vladimir Putin", PER), ("Putin", PER), ("NATO", ORG)],
        );
        let mut b = with_mentions(
            "b",
            "Putin spoke again, the North Atlantic Treaty Organization said. Kremlin spokesman Dmitry Peskov agreed.",
            &[("Putin", PER), ("North Atlantic Treaty Organization", ORG), ("Dmitry Peskov", PER)],
        );
        let c = with_mentions(
            "c",
            "Joe Biden and Hunter Biden arrived. Biden waved.",
            &[("Joe Biden", PER), ("Hunter Biden", PER), ("Biden", PER)],
        );
        // In a document with two full names the bare surname keeps its own entity.
        assert_eq!(c.mentions[2].entity_id, entity_id("PER", "Biden"));
        let linker = EntityLinker;
        let res = linker.finish(vec![linker.summarize(&a), linker.summarize(&b), linker.summarize(&c)]);
        let putin = entity_id("PER", "Vladimir Putin");
        assert_eq!(res.remap.get(&entity_id("PER", "Putin")), Some(&putin), "{:?}", res.remap);
        assert_eq!(res.remap.get(&entity_id("ORG", "North Atlantic Treaty Organization")), Some(&entity_id("ORG", "NATO")));
        assert_eq!(res.remap.get(&entity_id("ORG", "NATO")), None);
        // Two full names with the surname Biden: the bare one is not merged.
        assert!(!res.remap.contains_key(&entity_id("PER", "Biden")), "{:?}", res.remap);
        let row = res.entities.iter().find(|e| e.entity_id == putin).expect("Putin entity");
        assert_eq!(row.name, "Vladimir Putin");
        assert_eq!(row.n_docs, 2);
        assert_eq!(row.n_mentions, 3);
        assert_eq!(row.aliases, vec!["Putin".to_string(), "Vladimir Putin".to_string()]);
        assert_eq!(row.roles, vec!["President".to_string()]);
        let peskov = res.entities.iter().find(|e| e.name == "Dmitry Peskov").expect("Peskov entity");
        assert_eq!(peskov.roles, vec!["Kremlin spokesman".to_string()]);
        assert!(res.entities.windows(2).all(|w| w[0].entity_id < w[1].entity_id));
        b.quotes.push(pipeline::QuoteRow {
            doc_id: "b".into(),
            quote_id: "b-q0-1".into(),
            start: 0,
            end: 1,
            text: "P".into(),
            speaker: Some("Putin".into()),
            speaker_entity_id: Some(entity_id("PER", "Putin")),
            speaker_kind: pipeline::SpeakerKind::PER,
            speaker_start: Some(0),
            speaker_end: Some(5),
            cue: None,
            cue_start: None,
            cue_end: None,
            rule: "test".into(),
        });
        res.apply(&mut b);
        assert_eq!(b.mentions[0].entity_id, putin);
        assert_eq!(b.quotes[0].speaker_entity_id.as_deref(), Some(putin.as_str()));
        assert_eq!(b.quotes[0].speaker.as_deref(), Some("Vladimir Putin"));
        assert_eq!(b.mentions[2].entity_id, entity_id("PER", "Dmitry Peskov"));
    }

    #[test]
    fn linker_joins_name_variants_across_documents() {
        use EntityLabel::PER;
        let a = with_mentions("a", "Joe Biden spoke. Biden left.", &[("Joe Biden", PER), ("Biden", PER)]);
        let b = with_mentions("b", "Joseph Biden spoke.", &[("Joseph Biden", PER)]);
        let c = with_mentions("c", "Biden spoke.", &[("Biden", PER)]);
        let linker = EntityLinker;
        let res = linker.finish(vec![linker.summarize(&a), linker.summarize(&b), linker.summarize(&c)]);
        let joe = entity_id("PER", "Joe Biden");
        assert_eq!(res.remap.get(&entity_id("PER", "Joseph Biden")), Some(&joe));
        assert_eq!(res.remap.get(&entity_id("PER", "Biden")), Some(&joe));
        let row = res.entities.iter().find(|e| e.entity_id == joe).unwrap();
        assert_eq!((row.n_docs, row.n_mentions), (3, 4));
    }

    #[test]
    fn a_spilled_name_table_links_like_the_in_memory_one_and_cleans_up() {
        use EntityLabel::{ORG, PER};
        let docs = [
            with_mentions("a", "Joe Biden spoke. Biden left.", &[("Joe Biden", PER), ("Biden", PER)]),
            with_mentions("b", "Joseph Biden met NATO.", &[("Joseph Biden", PER), ("NATO", ORG)]),
            with_mentions("c", "Biden spoke.", &[("Biden", PER)]),
            with_mentions("d", "North Atlantic Treaty Organization.", &[("North Atlantic Treaty Organization", ORG)]),
        ];
        let linker = EntityLinker;
        let names: Vec<DocNames> = docs.iter().map(|d| linker.summarize(d)).collect();
        let dir = std::env::temp_dir().join(format!("presswork-entities-log-{}", std::process::id()));
        let mut table = NameTable::spilled(&dir).unwrap();
        for n in &names {
            table.add(n).unwrap();
        }
        assert!(dir.exists());
        let spilled = linker.resolve(table).unwrap();
        assert!(!dir.exists(), "entity log left behind");
        assert_eq!(spilled, linker.finish(names));
        let n_docs = |id: &str| spilled.entities.iter().find(|e| e.entity_id == id).map(|e| e.n_docs);
        assert_eq!(n_docs(&entity_id("PER", "Joe Biden")), Some(3));
        assert_eq!(n_docs(&entity_id("ORG", "NATO")), Some(2));
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let tagger = EntityTagger::new(&EntitiesConfig::default()).unwrap();
        let long = "Putin ".repeat(5000);
        for t in ["", " ", "\n\n", "’s", "—", "Кремль заявил, что Путин 😀 встретится.", "A. B. C. D.", "U.S.", &long, "'''", "Mr.", "President"] {
            let mut d = doc("x", t);
            tagger.apply(&mut d, &CorpusKnowledge::default()).unwrap();
            d.check_spans().unwrap();
            let linker = EntityLinker;
            let _ = linker.finish(vec![linker.summarize(&d)]);
        }
    }

    #[test]
    fn corpus_article_entities() {
        // A Washington Post article of the shipped corpus: real text, not training data.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let Ok(entries) = std::fs::read_dir(&dir) else { return };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        let Some(text) = files.iter().filter_map(|p| std::fs::read_to_string(p).ok()).find(|t| t.contains("Zelensky") && t.contains("Kuleba")) else {
            return;
        };
        let d = tagged(&text);
        let putin = entity_id("PER", "Vladimir Putin");
        let putins: Vec<&MentionRow> = d.mentions.iter().filter(|m| m.text == "Putin").collect();
        assert!(putins.len() >= 5);
        assert!(putins.iter().all(|m| m.label == EntityLabel::PER && m.entity_id == putin), "{putins:?}");
        assert!(d.mentions.iter().any(|m| m.text == "Zelensky" && m.label == EntityLabel::PER));
        assert!(d.mentions.iter().any(|m| m.text == "NATO" && m.label == EntityLabel::ORG));
        assert!(!d.mentions.iter().any(|m| m.text.starts_with("President ")), "titles kept");
        assert!(!d.mentions.iter().any(|m| m.text.ends_with("’s") || m.text.ends_with("'s")), "possessives kept");
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use pipeline::{Metadata, SourceInfo};
    use proptest::prelude::*;

    fn is_gap(c: char) -> bool {
        c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}'
    }

    fn tagger() -> &'static EntityTagger {
        static T: std::sync::OnceLock<EntityTagger> = std::sync::OnceLock::new();
        T.get_or_init(|| EntityTagger::new(&EntitiesConfig::default()).expect("embedded model loads"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Any text: no panic, mention offsets select exactly the mention text, ids are well
        /// formed, and the linker accepts the result.
        #[test]
        fn any_text_gives_valid_mentions(text in "(\\PC|[A-Z][a-z]{1,8}|[ .,’'“”—\\n]|Mr\\. |U\\.S\\. ){0,60}") {
            let src = SourceInfo::in_memory("p.txt", "");
            let mut d = Document::new("p".into(), src, text.clone(), Metadata::default());
            tagger().apply(&mut d, &CorpusKnowledge::default()).unwrap();
            prop_assert!(d.check_spans().is_ok(), "{:?}", d.check_spans());
            for m in &d.mentions {
                prop_assert!(m.start < m.end);
                prop_assert_eq!(&m.mention_id, &span_id("p", 'm', m.start, m.end));
                prop_assert!(m.entity_id.starts_with('e') && m.entity_id.len() == 12);
            }
            let again = {
                let mut d2 = Document::new("p".into(), d.source.clone(), text, Metadata::default());
                tagger().apply(&mut d2, &CorpusKnowledge::default()).unwrap();
                d2.mentions
            };
            prop_assert_eq!(&again, &d.mentions);
            let linker = EntityLinker;
            let res = linker.finish(vec![linker.summarize(&d)]);
            res.apply(&mut d);
        }

        /// The summary grouped by a stable sort on entity ids is the one a map by id builds.
        #[test]
        fn summary_matches_the_map_by_id(text in "([A-Z][a-z]{1,8}|[ .,’'“”—\\n]|Mr\\. |Putin|Vladimir Putin|, the Russian president,|U\\.S\\. ){0,60}") {
            let src = SourceInfo::in_memory("p.txt", "");
            let mut d = Document::new("p".into(), src, text.clone(), Metadata::default());
            tagger().apply(&mut d, &CorpusKnowledge::default()).unwrap();
            let surfaces: Vec<(&str, EntityLabel)> = d.mentions.iter().map(|m| (m.text.as_str(), m.label)).collect();
            let map = CharMap::new(&d.text);
            let mut by_id: BTreeMap<String, DocEntity> = BTreeMap::new();
            for (m, (name, label)) in d.mentions.iter().zip(canonicalize(&surfaces)) {
                let e = by_id.entry(m.entity_id.clone()).or_insert_with(|| DocEntity {
                    entity_id: m.entity_id.clone(),
                    label,
                    name,
                    aliases: BTreeMap::new(),
                    roles: BTreeSet::new(),
                    n_mentions: 0,
                });
                *e.aliases.entry(m.text.clone()).or_default() += 1;
                e.n_mentions += 1;
                if m.label == EntityLabel::PER {
                    e.roles.extend(roles_near(&d.text, map.byte_of(m.start), map.byte_of(m.end)));
                }
            }
            let reference = DocNames { doc_id: "p".into(), entities: by_id.into_values().collect() };
            prop_assert_eq!(EntityLinker.summarize(&d), reference);
        }

        /// `choose_name` over a list of forms picks what it picked over a map by text.
        #[test]
        fn chosen_name_matches_the_map_by_text(forms in proptest::collection::vec(
            proptest::collection::vec("(Putin|PUTIN|PUtin|Vladimir|VLADIMIR|NATO|Nato|U\\.S\\.|US|de|[A-Z][a-z]{0,3})", 1..4), 1..8)) {
            let forms: Vec<Vec<Cow<str>>> = forms.into_iter().map(|f| f.into_iter().map(Cow::Owned).collect()).collect();
            let reference = {
                let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
                for f in &forms {
                    counts.entry(join_words(f)).or_insert((f.len(), 0)).1 += 1;
                }
                let shouting = |t: &str| t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_lowercase);
                let short = |t: &str| t.chars().filter(|c| c.is_alphabetic()).count() <= 5 && !t.contains(' ');
                let none_shouting = counts.keys().all(|k| !shouting(k));
                counts
                    .iter()
                    .max_by(|(ta, (wa, ca)), (tb, (wb, cb))| {
                        let pa = if shouting(ta) { short(ta) } else { !short(ta) || none_shouting };
                        let pb = if shouting(tb) { short(tb) } else { !short(tb) || none_shouting };
                        wa.cmp(wb).then((!odd_case(ta)).cmp(&!odd_case(tb))).then(pa.cmp(&pb)).then(ca.cmp(cb)).then(tb.cmp(ta))
                    })
                    .map(|(t, _)| t.clone())
                    .unwrap_or_default()
            };
            prop_assert_eq!(choose_name(forms.iter().map(Vec::as_slice)), reference);
        }

        /// `lowercase` (borrowed, in place or on the heap) and `folded` are the plain
        /// lower-casing; `key_of`'s in-key ASCII lower-casing is the plain key.
        #[test]
        fn lowercase_and_keys_match_to_lowercase(words in proptest::collection::vec("([A-Za-z.]{0,40}|\\PC{0,6}|[A-Z]’S|Sr\u{f1}or)", 1..5)) {
            for w in &words {
                prop_assert_eq!(&*lowercase(w), w.to_lowercase());
                prop_assert_eq!(&*folded(w), model_form(w).trim_end_matches('.').to_lowercase());
            }
            let ws: Vec<&str> = words.iter().map(String::as_str).collect();
            let plain: Vec<String> = ws.iter().map(|w| model_form(w).to_lowercase()).collect();
            prop_assert_eq!(key_of(&ws), plain.join(" "));
        }

        /// The cursor over sentence starts splits where the plain rule (a sentence start in
        /// (previous token's start, this token's start], found by binary search) does.
        #[test]
        fn sentence_groups_match_the_binary_search_rule(
            text in "([A-Z][a-z]{0,6}|[ .,!?“”\\n]|Mr\\. |U\\.S\\. ){0,80}",
            picks in proptest::collection::vec(0usize..400, 0..12),
        ) {
            let tokens = crate::tokenize::tokenize(&text);
            let mut starts: Vec<usize> = picks.into_iter().filter(|&p| p <= text.len()).collect();
            starts.sort_unstable();
            let reference = {
                let mut groups = Vec::new();
                let mut start = 0;
                for i in 1..tokens.len() {
                    let gap = &text[tokens[i - 1].end..tokens[i].start];
                    let boundary = if gap.contains('\n') || i - start >= 400 {
                        true
                    } else if !starts.is_empty() {
                        starts.partition_point(|&s| s <= tokens[i - 1].start) != starts.partition_point(|&s| s <= tokens[i].start)
                    } else {
                        sentence_groups(&text, &tokens[i - 1..=i], &[]).len() == 2
                    };
                    if boundary {
                        groups.push((start, i));
                        start = i;
                    }
                }
                groups.push((start, tokens.len()));
                groups
            };
            if !tokens.is_empty() {
                prop_assert_eq!(sentence_groups(&text, &tokens, &starts), reference);
            }
        }

        #[test]
        fn tokens_tile_the_text(text in "\\PC{0,200}") {
            let toks = crate::tokenize::tokenize(&text);
            let mut last = 0;
            for t in &toks {
                prop_assert!(t.start >= last && t.start < t.end && t.end <= text.len());
                prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
                prop_assert!(text[last..t.start].chars().all(is_gap), "gap before {:?}", t);
                last = t.end;
            }
            prop_assert!(text[last..].chars().all(is_gap), "text after the last token");
        }
    }
}
