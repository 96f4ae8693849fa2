//! The `quotes` step: every direct quotation of a document with its speaker.
//!
//! A quotation is the text inside a pair of double quotation marks ([`marks`]); `start`/`end` of a
//! [`QuoteRow`] cover the content INSIDE the marks (trimmed of whitespace), so the marks themselves
//! are never part of `text`; a quote over several paragraphs covers them all (the inner closing and
//! reopening marks included). The eval ([`eval`]) matches on the same convention.
//!
//! Attribution is rule-based over the sentence around the quote; the first rule that finds a
//! speaker wins, and `rule` names it:
//! 1. a cue right after the quote: `“…,” Putin said` / `“…,” the gambling tycoon told Reuters` /
//!    `“…,” he points out` (`after_subject_verb`), `“…,” said Yuri Ushakov` (`after_verb_subject`),
//!    `“…,” according to …` (`after_according_to`), `“…” ― Nell Grey` (`after_dash_name`);
//! 2. a closing attribution clause of the sentence: `… a “complete rupture” of relations, a Russian
//!    official told reporters.` (`after_final_clause`);
//! 3. a cue before the quote in its sentence, nearest first: `Putin said, “…”`, `Putin called the
//!    talks “open”` (`before_subject_verb`), `according to …, “…”` (`before_according_to`),
//!    `…, saying “…”` (`before_participle`), `… and vowed to punish “…”` (`before_clause_subject`),
//!    `said Ushakov: “…”` (`before_verb_subject`); a pronoun subject ("Ditto said she expects “…”")
//!    gives way to a named subject of an outer cue;
//! 4. an introduction without a listed cue: `Politico reveals a few facts: “…”` (`before_colon`),
//!    `He jokes, “…”` (`before_intro_verb`), a sentence ending in a colon before the quote's own
//!    sentence or paragraph (`colon_intro`);
//! 5. no cue: a quote of four words or more inside a sentence goes to the sentence's subject
//!    (`sentence_subject`); a quote that opens its own sentence right after a sentence whose
//!    subject is a name goes to that name (`previous_sentence_subject`); otherwise a quote that
//!    opens its own sentence, or a second fragment in the same sentence, continues the previous
//!    attributed quote of the same or the previous paragraph (`run_same_speaker`, pointing at that
//!    quote's speaker mention and cue);
//! 6. otherwise no speaker (`speaker_kind` UNKNOWN): `title` for a short title-case quote ("Morning
//!    Joe"), `scare_quote` for a quote of up to three words or one after "so-called", `no_cue`.
//!
//! A `+pronoun` suffix says the speaker mention is a pronoun, resolved to the last person mentioned
//! before it outside quotes (`+pronoun_unresolved` when there is none).
//!
//! The speaker mention is a name, a pronoun (resolved to the last person mentioned before it
//! outside quotes) or a descriptor of an anonymous source kept as written ("a senior
//! administration official", ANON). Names link to `doc.mentions` when the entities step ran;
//! without mentions, names are read from the text (capitalised runs, titles stripped).

pub mod eval;
mod lexicon;
mod marks;

use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

use pipeline::ids::span_id;
use pipeline::text::CharMap;
use pipeline::{CorpusKnowledge, DocStep, Document, EntityLabel, QuoteRow, SpeakerKind, StepError};

pub use eval::{QuoteEvalError, eval_polnear};
pub use marks::{QuoteSpan, find_quotes};

use lexicon::*;

/// The `quotes` step.
#[derive(Debug, Default, Clone)]
pub struct QuoteAttributor;

impl QuoteAttributor {
    pub fn new() -> Self {
        QuoteAttributor
    }
}

impl DocStep for QuoteAttributor {
    fn name(&self) -> &'static str {
        "quotes"
    }

    fn apply(&self, doc: &mut Document, _corpus: &CorpusKnowledge) -> Result<(), StepError> {
        doc.quotes = attribute_quotes(doc);
        Ok(())
    }
}

/// Paragraphs of `text` as byte ranges: runs of non-blank lines.
pub fn byte_paragraphs(text: &str) -> Vec<(usize, usize)> {
    let map = CharMap::new(text);
    pipeline::document::paragraphs_of(text).into_iter().map(|(s, e)| (map.byte_of(s), map.byte_of(e))).collect()
}

// ---------------------------------------------------------------------------------------------
// tokens

#[derive(Debug, Clone, Copy)]
struct Tok {
    s: usize,
    e: usize,
    word: bool,
}

/// Words and punctuation of `text[from..to]`. Words keep inner apostrophes, hyphens and dots
/// ("didn’t", "follow-up", "U.S") and the full stop of an initial or title ("V.", "Mr.").
fn tokenize(text: &str, from: usize, to: usize) -> Vec<Tok> {
    let seg = &text[from..to];
    let mut out = Vec::with_capacity(seg.len() / 4);
    let mut chars = seg.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if !c.is_alphanumeric() {
            out.push(Tok { s: from + start, e: from + start + c.len_utf8(), word: false });
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(b, c)) = chars.peek() {
            let after = b + c.len_utf8();
            let joins = matches!(c, '\'' | '’' | '-' | '.' | '&') && seg[after..].chars().next().is_some_and(char::is_alphanumeric);
            if !(c.is_alphanumeric() || joins) {
                break;
            }
            chars.next();
            end = after;
        }
        let w = &seg[start..end];
        if let Some(&(b, '.')) = chars.peek()
            && (is_initial(w) || w.contains('.') || is_title_abbrev(w))
        {
            chars.next();
            end = b + 1;
        }
        out.push(Tok { s: from + start, e: from + end, word: true });
    }
    out
}

fn is_initial(w: &str) -> bool {
    let mut cs = w.chars();
    matches!((cs.next(), cs.next()), (Some(c), None) if c.is_uppercase())
}

fn is_title_abbrev(w: &str) -> bool {
    TITLE_ABBREVS.contains(&w)
}

fn is_cap(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// A lowercase content word that can head a noun phrase (not a function word or a verb cue).
fn is_plain_word(l: &str) -> bool {
    l.chars().all(|c| c.is_alphabetic() || c == '-')
        && !NP_STOP.contains(&l)
        && !CUE_VERBS.contains(&l)
        && !DETERMINERS.contains(&l)
        && !SKIP_LEFT.contains(&l)
        && !CLAUSE_OPENERS.contains(&l)
        && !PRONOUNS.contains(&l)
}

fn is_possessive(w: &str) -> bool {
    w.ends_with("’s") || w.ends_with("'s") || w.ends_with("s’") || w.ends_with("s'")
}

/// `w.to_lowercase()`: borrowed when that changes nothing (most words near a quote), as every
/// token near every quote is lowered, often several times.
fn lower(w: &str) -> std::borrow::Cow<'_, str> {
    lower_cow(w)
}

/// `w.to_lowercase()`, without allocating for ASCII words that have no capitals.
fn lower_cow(w: &str) -> std::borrow::Cow<'_, str> {
    if !w.is_ascii() {
        std::borrow::Cow::Owned(w.to_lowercase())
    } else if w.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(w.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(w)
    }
}

/// "officials" -> "official", "witnesses" -> "witness": enough for the lexicon look-ups.
fn singular(w: &str) -> &str {
    if let Some(s) = w.strip_suffix("es")
        && (s.ends_with("ss") || s.ends_with("sh") || s.ends_with("ch"))
    {
        return s;
    }
    if w.len() > 3 && !w.ends_with("ss") {
        return w.strip_suffix('s').unwrap_or(w);
    }
    w
}

// ---------------------------------------------------------------------------------------------
// noun phrases

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NpKind {
    Name,
    Pronoun,
    Descriptor,
}

/// A speaker phrase: token range (as byte range) and what it is. For a descriptor, `head` is the
/// byte range of any capitalised run that ends it ("the Kremlin" -> "Kremlin").
#[derive(Debug, Clone, Copy)]
struct Np {
    s: usize,
    e: usize,
    kind: NpKind,
}

struct Ctx<'a> {
    text: &'a str,
    /// Where the sentence of the quote being attributed starts (bytes).
    sent_start: usize,
    /// All quotes of the document, in text order.
    quotes: &'a [QuoteSpan],
}

impl<'a> Ctx<'a> {
    fn w(&self, t: &Tok) -> &'a str {
        &self.text[t.s..t.e]
    }

    fn is_name_tok(&self, t: &Tok) -> bool {
        let w = self.w(t);
        t.word
            && !is_possessive(w)
            && (is_cap(w) || NAME_PARTICLES.contains(&w))
            && !CAP_FUNCTION_WORDS.contains(&w)
            && !NOT_NAMES.contains(&w)
    }

    /// A lowercase word that looks like a finite verb: a cue, an auxiliary, or an -ed/-s form
    /// that no determiner introduces.
    fn is_verb_like(&self, toks: &[Tok], v: usize) -> bool {
        let t = &toks[v];
        let w = self.w(t);
        if !t.word || is_cap(w) {
            return false;
        }
        let l = lower(w);
        if CUE_VERBS.contains(&l.as_ref()) || AUXILIARIES.contains(&l.as_ref()) {
            return true;
        }
        let inflected = l.ends_with("ed") || (l.ends_with('s') && !l.ends_with("ss") && !l.ends_with("us") && !l.ends_with("is"));
        let after_det = v > 0 && DETERMINERS.contains(&lower(self.w(&toks[v - 1])).as_ref());
        inflected && !after_det && is_plain_word(&l) && !is_speaker_noun(&l)
    }

    /// The noun phrase that ends just before token `j` (exclusive), not reaching before `lo`.
    fn np_ending_at(&self, toks: &[Tok], lo: usize, j: usize) -> Option<Np> {
        if j <= lo {
            return None;
        }
        let head = &toks[j - 1];
        if !head.word {
            return None;
        }
        let hw = self.w(head);
        if PRONOUNS.contains(&lower(hw).as_ref()) {
            return Some(Np { s: head.s, e: head.e, kind: NpKind::Pronoun });
        }
        if self.is_name_tok(head) && !NAME_PARTICLES.contains(&hw) {
            let mut k = j - 1;
            while k > lo && (self.is_name_tok(&toks[k - 1]) || is_title_abbrev(self.w(&toks[k - 1]))) {
                k -= 1;
            }
            return Some(Np { s: toks[k].s, e: head.e, kind: NpKind::Name });
        }
        let lw = lower(hw);
        let speaker_head = is_speaker_noun(&lw);
        if !speaker_head && !is_plain_word(&lw) {
            return None;
        }
        let mut k = j - 1;
        let mut determined = false;
        while k > lo && j - k < 8 {
            let t = &toks[k - 1];
            let w = self.w(t);
            let l = lower(w);
            if !t.word {
                break;
            }
            if DETERMINERS.contains(&l.as_ref()) || is_possessive(w) {
                k -= 1;
                determined = true;
                break;
            }
            if NP_STOP.contains(&l.as_ref()) || CUE_VERBS.contains(&l.as_ref()) {
                break;
            }
            k -= 1;
        }
        // Any noun heads a speaker phrase that a determiner opens ("the gambling tycoon said");
        // without one, only a speaker noun does ("officials said").
        let after_preposition = k > lo && NP_STOP.contains(&lower(self.w(&toks[k - 1])).as_ref());
        if !(speaker_head || (determined && j - k <= 5 && !after_preposition)) {
            return None;
        }
        Some(Np { s: toks[k].s, e: head.e, kind: NpKind::Descriptor })
    }

    /// A month, a weekday or a year ("June", "Monday", "2019").
    fn is_time_word(&self, t: &Tok) -> bool {
        let w = self.w(t);
        let l = lower(w);
        t.word
            && (NOT_NAMES.contains(&w)
                || matches!(l.as_ref(), "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday")
                || (w.len() == 4 && w.chars().all(|c| c.is_ascii_digit()) && (w.starts_with("19") || w.starts_with("20"))))
    }

    /// The subject of the cue verb at token `vi`, looking left no further than `lo`.
    fn subject_left(&self, toks: &[Tok], lo: usize, vi: usize) -> Option<Np> {
        let mut j = vi;
        loop {
            while j > lo && toks[j - 1].word && SKIP_LEFT.contains(&lower(self.w(&toks[j - 1])).as_ref()) {
                j -= 1;
            }
            // "Biden in June said", "Smith in 2019 said": a time phrase between subject and verb.
            if j >= lo + 2 && self.is_time_word(&toks[j - 1]) && TIME_PREPS.contains(&lower(self.w(&toks[j - 2])).as_ref()) {
                j -= 2;
                continue;
            }
            break;
        }
        if j > lo && self.w(&toks[j - 1]) == "," {
            // "Biden, however, said" / "Yuri Ushakov, Mr. Putin’s adviser, said" /
            // "Ukraine’s foreign minister, Dmitry Kuleba, said" / "An official, briefing reporters, said"
            let c2 = j - 1;
            let mut k = c2;
            while k > lo && c2 - k < 16 && self.w(&toks[k - 1]) != "," && toks[k - 1].word {
                k -= 1;
            }
            if k > lo && self.w(&toks[k - 1]) == "," && k < c2 {
                let seg_np = self.np_ending_at(toks, k, c2).filter(|np| np.kind == NpKind::Name && np.s == toks[k].s);
                let main = self.np_ending_at(toks, lo, k - 1);
                return match (main, seg_np) {
                    (Some(m), _) if m.kind == NpKind::Name => Some(m),
                    (_, Some(s)) => Some(s),
                    (m, None) => m,
                };
            }
            return None;
        }
        self.np_ending_at(toks, lo, j)
    }

    /// The subject of a cue at byte `cue` that an appositive between dashes or commas separates
    /// from it, read over the whole sentence, quotes inside the appositive included: "Dmitry
    /// Kiselyov — the host of the program “Vesti” and a leading figure — said Sunday that".
    /// Each quote counts as one word (and a comma, when it ends in one: "“Vesti,” said").
    fn appositive_subject(&self, cue: usize) -> Option<Np> {
        let lo = floor_boundary(self.text, self.sent_start.max(cue.saturating_sub(WINDOW_BYTES)));
        if lo >= cue {
            return None;
        }
        let mut toks = Vec::new();
        let mut qi = self.quotes.partition_point(|q| q.close_end <= lo);
        let mut placed = None;
        for t in tokenize(self.text, lo, cue) {
            while qi < self.quotes.len() && self.quotes[qi].close_end <= t.s {
                qi += 1;
            }
            let Some(q) = self.quotes.get(qi).filter(|q| q.open <= t.s) else {
                toks.push(t);
                continue;
            };
            if placed != Some(qi) {
                placed = Some(qi);
                toks.push(Tok { s: q.open, e: q.close_end.min(cue), word: true });
                if self.text[q.start..q.end].ends_with(',') {
                    toks.push(Tok { s: q.end - 1, e: q.end, word: false });
                }
            }
        }
        let mut j = toks.len();
        while j > 0 && toks[j - 1].word && SKIP_LEFT.contains(&lower(self.w(&toks[j - 1])).as_ref()) {
            j -= 1;
        }
        let close = j.checked_sub(1)?;
        let d = self.w(&toks[close]);
        if !matches!(d, "—" | "–" | ",") {
            return None;
        }
        let open = (0..close).rev().find(|&k| self.w(&toks[k]) == d)?;
        // The appositive describes; a cue in it would make it a clause of its own, as would a
        // verb right after a comma ("Giuliani, who backs Trump, trashed Comey on “…,” and
        // said"). Between dashes a participle may describe ("Gingrich — mentioned by … —").
        if close - open < 2
            || (open + 1..close).any(|k| cue_at(self, &toks, k).is_some())
            || (d == "," && self.is_verb_like(&toks, open + 1))
        {
            return None;
        }
        let np = self.np_ending_at(&toks, 0, open)?;
        (np.kind == NpKind::Name || (d != "," && np.kind == NpKind::Descriptor)).then_some(np)
    }

    /// The noun phrase that starts at token `i` (inverted "said Yuri Ushakov", "according to X").
    fn np_right(&self, toks: &[Tok], i: usize, hi: usize) -> Option<Np> {
        if i >= hi || !toks[i].word {
            return None;
        }
        let w0 = self.w(&toks[i]);
        if PRONOUNS.contains(&lower(w0).as_ref()) {
            return Some(Np { s: toks[i].s, e: toks[i].e, kind: NpKind::Pronoun });
        }
        let mut k = i;
        let mut last_name_run: Option<(usize, usize)> = None;
        let mut run_start: Option<usize> = None;
        // The last speaker noun seen: "a source involved in …" ends at "source".
        let mut last_speaker_noun: Option<usize> = None;
        while k < hi && k - i < 10 {
            let t = &toks[k];
            let w = self.w(t);
            let l = lower(w);
            if !t.word {
                break;
            }
            if k > i && (NP_STOP.contains(&l.as_ref()) || CUE_VERBS.contains(&l.as_ref())) {
                break;
            }
            if self.is_name_tok(t) || is_title_abbrev(w) {
                if run_start.is_none() {
                    run_start = Some(k);
                }
                last_name_run = Some((run_start.unwrap_or(k), k + 1));
            } else {
                run_start = None;
                if last_name_run.is_some() && !(is_speaker_noun(&l) || TITLE_WORDS.contains(&l.as_ref())) {
                    break;
                }
            }
            if is_speaker_noun(&l) {
                last_speaker_noun = Some(k);
            }
            k += 1;
        }
        if k == i {
            return None;
        }
        let head = &toks[k - 1];
        let hl = lower(self.w(head));
        if let Some((rs, re)) = last_name_run
            && re == k
        {
            let mut s = rs;
            // "the Kremlin": the article is not part of the name.
            while s < re && CAP_FUNCTION_WORDS.contains(&self.w(&toks[s])) {
                s += 1;
            }
            if s < re {
                return Some(Np { s: toks[s].s, e: toks[re - 1].e, kind: NpKind::Name });
            }
        }
        if is_speaker_noun(&hl) {
            return Some(Np { s: toks[i].s, e: head.e, kind: NpKind::Descriptor });
        }
        // "the gambling tycoon told": a determined phrase right before a cue.
        let l0 = lower(w0);
        if (DETERMINERS.contains(&l0.as_ref()) || is_possessive(w0))
            && k - i >= 2
            && k - i <= 5
            && is_plain_word(&hl)
            && toks.get(k).is_some_and(|t| CUE_VERBS.contains(&lower(self.w(t)).as_ref()))
        {
            return Some(Np { s: toks[i].s, e: head.e, kind: NpKind::Descriptor });
        }
        if let Some((rs, re)) = last_name_run {
            return Some(Np { s: toks[rs].s, e: toks[re - 1].e, kind: NpKind::Name });
        }
        if let Some(h) = last_speaker_noun {
            return Some(Np { s: toks[i].s, e: toks[h].e, kind: NpKind::Descriptor });
        }
        None
    }

    /// The first subject-like phrase of a clause (for a participle cue: "Zelensky challenged
    /// Moscow, saying …").
    fn clause_subject(&self, toks: &[Tok], lo: usize, hi: usize) -> Option<Np> {
        // The subject of the first finite-looking verb, past any introductory phrase ("In the
        // depths of the recession, Paul Ryan worried ...").
        for v in lo..hi {
            if self.is_verb_like(toks, v)
                && let Some(np) = self.subject_left(toks, lo, v)
            {
                return Some(np);
            }
        }
        let mut i = lo;
        while i < hi {
            let t = &toks[i];
            if t.word {
                let w = self.w(t);
                let l = lower(w);
                if PRONOUNS.contains(&l.as_ref()) && l != "it" {
                    return Some(Np { s: t.s, e: t.e, kind: NpKind::Pronoun });
                }
                if self.is_name_tok(t) && !NAME_PARTICLES.contains(&w) {
                    let mut k = i;
                    while k < hi && (self.is_name_tok(&toks[k]) || is_title_abbrev(self.w(&toks[k]))) {
                        k += 1;
                    }
                    // A name run followed by a comma and words is an introductory phrase
                    // ("In Kyiv, ..."), unless a verb-ish word follows directly.
                    if i > lo && NP_STOP.contains(&lower(self.w(&toks[i - 1])).as_ref()) {
                        i = k;
                        continue;
                    }
                    return Some(Np { s: toks[i].s, e: toks[k - 1].e, kind: NpKind::Name });
                }
                if is_speaker_noun(&l) {
                    return self.np_ending_at(toks, lo, i + 1);
                }
            }
            i += 1;
        }
        None
    }
}

// ---------------------------------------------------------------------------------------------
// people known in the document

/// A mention of a person or organisation that a pronoun or a name can resolve to (bytes).
///
/// Name and id are shared (`Rc`): a document has a Known per mention but a few entities, and
/// copying both strings for every mention was most of the step's allocations.
#[derive(Debug, Clone)]
struct Known {
    s: usize,
    e: usize,
    name: Rc<str>,
    entity_id: Option<Rc<str>>,
    kind: SpeakerKind,
}

/// Strips titles and roles off a name: "Russian Foreign Minister Sergei Lavrov" -> "Sergei Lavrov",
/// "Mr. Putin" -> "Putin".
pub fn strip_titles(name: &str) -> String {
    // Every mention passes through here: the three lists (150 words) are looked up hashed.
    static LISTS: std::sync::OnceLock<(HashSet<&str>, HashSet<&str>)> = std::sync::OnceLock::new();
    let (lower_titles, abbrevs) = LISTS.get_or_init(|| {
        (TITLE_WORDS.iter().chain(LEADING_ADJECTIVES).copied().collect(), TITLE_ABBREVS.iter().copied().collect())
    });
    let is_title = |w: &str| lower_titles.contains(lower_cow(w.trim_end_matches('.')).as_ref()) || abbrevs.contains(w);
    // The name starts after the last title that is not its last word (bytes into `name`).
    let mut cut = 0;
    let mut words = name.split_whitespace().peekable();
    while let Some(w) = words.next() {
        if let Some(next) = words.peek()
            && is_title(w)
        {
            cut = next.as_ptr() as usize - name.as_ptr() as usize;
        }
    }
    // Its words joined by single spaces: as written, unless written with other whitespace.
    let kept = name[cut..].trim();
    let single_spaced = !kept.contains("  ") && !kept.contains(|c: char| c.is_whitespace() && c != ' ');
    let joined: std::borrow::Cow<str> = if single_spaced { kept.into() } else { kept.split_whitespace().collect::<Vec<_>>().join(" ").into() };
    let mut s: &str = &joined;
    for suffix in ["’s", "'s"] {
        if let Some(x) = s.strip_suffix(suffix) {
            s = x;
        }
    }
    s.to_string()
}

fn is_org_name(name: &str) -> bool {
    name.split_whitespace().any(|w| {
        let l = lower_cow(w.trim_end_matches('.'));
        ORG_WORDS.contains(&l.as_ref())
            || (w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && w.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase))
    })
}

struct People {
    /// Person and organisation mentions outside quotes, in text order.
    mentions: Vec<Known>,
    /// Place mentions outside quotes, in text order (entities mode): "Washington has agreed" is
    /// the place's government speaking, an organisation, never a person.
    places: Vec<Known>,
    /// Canonical name by surname (text mode) or by entity id (mention mode).
    canonical: BTreeMap<String, String>,
    from_entities: bool,
    /// Sentences of the text (bytes), for pronoun resolution.
    sentences: Vec<(usize, usize)>,
    /// Canonical name -> female, from titles ("Mrs.", "Mr.") and pronouns already resolved.
    genders: std::cell::RefCell<BTreeMap<String, bool>>,
}

impl People {
    /// From the entities step's mentions.
    fn from_mentions(doc: &Document, map: &CharMap, quotes: &[QuoteSpan]) -> People {
        let mut canonical: BTreeMap<String, String> = BTreeMap::new();
        for m in &doc.mentions {
            // Looked up before inserting: most mentions repeat an entity, whose id need not be copied.
            match canonical.get_mut(&m.entity_id) {
                // Stripping never lengthens a name, so a mention no longer than the name it would
                // replace cannot replace it, and need not be stripped (~1,000 instructions).
                Some(e) if m.text.chars().count() <= e.chars().count() => {}
                Some(e) => {
                    let name = strip_titles(&m.text);
                    if name.chars().count() > e.chars().count() {
                        *e = name;
                    }
                }
                None => {
                    canonical.insert(m.entity_id.clone(), strip_titles(&m.text));
                }
            }
        }
        let mut mentions = Vec::new();
        let mut places = Vec::new();
        // Each entity's id and canonical name, made shareable once.
        let mut shared: BTreeMap<&str, (Rc<str>, Rc<str>)> = BTreeMap::new();
        for m in &doc.mentions {
            let (s, e) = (map.byte_of(m.start), map.byte_of(m.end));
            if inside_quote(quotes, s) {
                continue;
            }
            let (id, name) = shared
                .entry(m.entity_id.as_str())
                .or_insert_with(|| {
                    let name = canonical.get(&m.entity_id).cloned().unwrap_or_else(|| strip_titles(&m.text));
                    (m.entity_id.as_str().into(), name.into())
                })
                .clone();
            let entity_id = Some(id);
            match m.label {
                EntityLabel::PER => mentions.push(Known { s, e, name, entity_id, kind: SpeakerKind::PER }),
                EntityLabel::ORG => mentions.push(Known { s, e, name, entity_id, kind: SpeakerKind::ORG }),
                EntityLabel::LOC => places.push(Known { s, e, name, entity_id, kind: SpeakerKind::ORG }),
                EntityLabel::MISC => {}
            }
        }
        mentions.sort_by_key(|k| (k.s, k.e));
        // "Putin aide Yuri Ushakov": a name that modifies a role noun before another name is not
        // someone acting in the sentence, so a later "he" does not stand for it.
        let text = doc.text.as_str();
        let modifier = |i: usize| {
            let (m, next) = (&mentions[i], mentions.get(i + 1));
            let Some(n) = next.filter(|n| n.s > m.e) else { return false };
            let gap = text[m.e..n.s].trim();
            // All lower case first: that fails at the first space of a long gap, where a count
            // of its words would read all of it.
            m.kind == SpeakerKind::PER
                && !gap.is_empty()
                && gap.chars().all(|c| c.is_lowercase())
                && gap.split_whitespace().count() == 1
                && (is_speaker_noun(gap) || TITLE_WORDS.contains(&gap))
        };
        let keep: Vec<bool> = (0..mentions.len()).map(|i| !modifier(i)).collect();
        let mut i = 0;
        mentions.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        places.sort_by_key(|k| (k.s, k.e));
        People { mentions, places, canonical, from_entities: true, sentences: Vec::new(), genders: Default::default() }
    }

    /// From the text alone: capitalised runs that look like people (a title before them, or two
    /// words or more and not after a place preposition), then every later use of their surname.
    fn from_text(text: &str, paragraphs: &[(usize, usize)], quotes: &[QuoteSpan]) -> People {
        let ctx = Ctx { text, sent_start: 0, quotes };
        let mut runs: Vec<(usize, usize, bool)> = Vec::new(); // (s, e, person-like)
        for &(ps, pe) in paragraphs {
            let toks = tokenize(text, ps, pe);
            let mut i = 0;
            while i < toks.len() {
                if !ctx.is_name_tok(&toks[i]) && !is_title_abbrev(ctx.w(&toks[i])) {
                    i += 1;
                    continue;
                }
                let mut k = i;
                while k < toks.len() && (ctx.is_name_tok(&toks[k]) || is_title_abbrev(ctx.w(&toks[k]))) {
                    k += 1;
                }
                let (s, e) = (toks[i].s, toks[k - 1].e);
                if inside_quote(quotes, s) {
                    i = k.max(i + 1);
                    continue;
                }
                let raw = &text[s..e];
                let stripped = strip_titles(raw);
                let titled = stripped.split_whitespace().count() < raw.split_whitespace().count()
                    || (i > 0 && toks[i - 1].word && TITLE_WORDS.contains(&lower(ctx.w(&toks[i - 1])).as_ref()));
                let after_place_prep = i > 0 && PLACE_PREPS.contains(&lower(ctx.w(&toks[i - 1])).as_ref());
                let multi = stripped.split_whitespace().count() >= 2;
                let person = !is_org_name(&stripped) && (titled || (multi && !after_place_prep));
                // "Putin aide Yuri Ushakov", "Biden administration": a name that modifies a role
                // noun is not itself a mention of someone acting in the sentence.
                let modifier = toks.get(k).is_some_and(|t| {
                    let l = lower(ctx.w(t));
                    t.word && !is_cap(ctx.w(t)) && (is_speaker_noun(&l) || TITLE_WORDS.contains(&l.as_ref()))
                });
                if !modifier {
                    runs.push((s, e, person));
                }
                i = k.max(i + 1);
            }
        }
        let mut canonical: BTreeMap<String, String> = BTreeMap::new();
        for &(s, e, person) in &runs {
            if !person {
                continue;
            }
            let name = strip_titles(&text[s..e]);
            if let Some(surname) = name.split_whitespace().last() {
                let c = canonical.entry(surname.to_string()).or_default();
                if name.chars().count() > c.chars().count() {
                    *c = name.clone();
                }
            }
        }
        let mut mentions = Vec::new();
        let mut genders = BTreeMap::new();
        for &(s, e, _) in &runs {
            let name = strip_titles(&text[s..e]);
            let Some(surname) = name.split_whitespace().last() else { continue };
            if is_org_name(&name) {
                mentions.push(Known { s, e, name: name.into(), entity_id: None, kind: SpeakerKind::ORG });
            } else if let Some(c) = canonical.get(surname) {
                match text[s..e].split_whitespace().next() {
                    Some("Mrs." | "Ms." | "Mrs" | "Ms" | "Madam") => {
                        genders.insert(c.clone(), true);
                    }
                    Some("Mr." | "Mr") => {
                        genders.insert(c.clone(), false);
                    }
                    _ => {}
                }
                mentions.push(Known { s, e, name: c.as_str().into(), entity_id: None, kind: SpeakerKind::PER });
            }
        }
        People { mentions, places: Vec::new(), canonical, from_entities: false, sentences: Vec::new(), genders: std::cell::RefCell::new(genders) }
    }

    /// The speaker for a name phrase at bytes `s..e`, with the entity mention it rests on.
    fn for_name(&self, text: &str, s: usize, e: usize) -> (Option<String>, Option<String>, SpeakerKind, Option<(usize, usize)>) {
        // A mention that overlaps the phrase's last word (its head), the longest such.
        let head_start = text[s..e].rfind(' ').map_or(s, |i| s + i + 1);
        // Mentions are in text order and short: look only at those that start near the phrase.
        let overlapping = |list: &'_ [Known]| {
            let from = list.partition_point(|m| m.s + 512 < head_start);
            let to = list.partition_point(|m| m.s < e);
            list[from..to.max(from)].iter().filter(|m| head_start < m.e).max_by_key(|m| m.e - m.s).cloned()
        };
        if let Some(m) = overlapping(&self.mentions).or_else(|| overlapping(&self.places)) {
            return (Some(m.name.to_string()), m.entity_id.as_deref().map(str::to_string), m.kind, Some((m.s, m.e)));
        }
        let name = strip_titles(&text[s..e]);
        if is_org_name(&name) {
            return (Some(name), None, SpeakerKind::ORG, None);
        }
        let canonical = if self.from_entities {
            None
        } else {
            name.split_whitespace().last().and_then(|sn| self.canonical.get(sn)).cloned()
        };
        (Some(canonical.unwrap_or(name)), None, SpeakerKind::PER, None)
    }

    /// The person (or, for "it", organisation) a pronoun at byte `pos` stands for: the first one
    /// mentioned in its sentence before it, else the first (the subject, as a rule) of the nearest
    /// earlier sentence that mentions one, else the last one mentioned anywhere before it.
    /// "Konstantin Kosachev, head of ..., said ... to portray Biden as a peacemaker. “…,” he wrote"
    /// is Kosachev, not Biden.
    fn antecedent<'a>(&'a self, pos: usize, pronoun: &str, extra: &'a [Known]) -> Option<Known> {
        let want = match pronoun {
            "it" => SpeakerKind::ORG,
            _ => SpeakerKind::PER,
        };
        // Gender as learned from earlier pronouns and titles: "she" never goes to someone known
        // as "he" and the reverse, and "she" looks further back for someone known as "she"
        // (news subjects are mostly men, so an unknown person is a poor guess for "she").
        let genders = self.genders.borrow();
        let female = pronoun == "she";
        let compatible = |m: &&Known| want == SpeakerKind::ORG || genders.get(&*m.name).is_none_or(|&f| f == female);
        let kind_ok = |m: &&Known| m.kind == want || (want == SpeakerKind::PER && m.kind == SpeakerKind::ANON);
        // Only mentions from six sentences back count here (both lists are in text order), so the
        // work per pronoun does not grow with the document.
        let si = self.sentences.partition_point(|&(s, _)| s <= pos);
        let window_start = si.checked_sub(6).and_then(|i| self.sentences.get(i)).map_or(0, |&(s, _)| s);
        let in_window = |list: &'a [Known]| {
            let from = list.partition_point(|m| m.s < window_start);
            let to = list.partition_point(|m| m.s < pos);
            &list[from..to.max(from)]
        };
        let cands: Vec<&Known> =
            in_window(&self.mentions).iter().chain(in_window(extra).iter()).filter(|m| m.e <= pos).filter(kind_ok).filter(compatible).collect();
        if female {
            let known = cands.iter().filter(|m| m.s >= window_start && genders.get(&*m.name) == Some(&true)).max_by_key(|m| (m.e, m.s));
            if let Some(m) = known {
                return Some((*m).clone());
            }
        }
        for back in 1..=4 {
            let Some(&(ss, se)) = si.checked_sub(back).and_then(|i| self.sentences.get(i)) else { break };
            let first = cands.iter().filter(|m| m.s >= ss && m.e <= se.min(pos)).min_by_key(|m| (m.s, std::cmp::Reverse(m.e)));
            if let Some(m) = first {
                return Some((*m).clone());
            }
        }
        if let Some(m) = cands.into_iter().max_by_key(|m| (m.e, m.s)) {
            return Some(m.clone());
        }
        // Nothing nearby: the last compatible mention before the window.
        let before = |list: &'a [Known]| {
            let to = list.partition_point(|m| m.s < window_start);
            list[..to].iter().rev().filter(|m| m.e <= pos).find(|m| kind_ok(m) && compatible(m))
        };
        match (before(&self.mentions), before(extra)) {
            (Some(a), Some(b)) => Some(if (a.e, a.s) >= (b.e, b.s) { a.clone() } else { b.clone() }),
            (a, b) => a.or(b).cloned(),
        }
    }
}

/// Whether byte `pos` lies inside a quote's content (quotes are in text order, not overlapping).
fn inside_quote(quotes: &[QuoteSpan], pos: usize) -> bool {
    let i = quotes.partition_point(|q| q.start <= pos);
    i > 0 && pos < quotes[i - 1].end
}

// ---------------------------------------------------------------------------------------------
// attribution

/// What one quote's attribution rests on (bytes).
#[derive(Debug, Clone)]
struct Attribution {
    speaker: Option<String>,
    entity_id: Option<String>,
    kind: SpeakerKind,
    mention: Option<(usize, usize)>,
    cue: Option<(usize, usize)>,
    rule: String,
}

/// A quote with no cue is given to its sentence's subject only from this many words on; shorter
/// ones with no cue are scare quotes (UNKNOWN).
const MIN_WORDS_SUBJECT_ONLY: usize = 4;

/// How far before and after a quote its attribution is looked for, in bytes.
const WINDOW_BYTES: usize = 600;

/// The nearest char boundary at or before `i`.
fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte ranges of the sentences of `doc.text` over `paragraphs` (its paragraphs in bytes): the
/// rows of the sentences step when it ran, which splits the same paragraphs the same way, else
/// split here. Rows that do not fit the text as it stands (set by other code, or stale) are
/// not trusted.
fn sentence_bytes(doc: &Document, map: &CharMap, paragraphs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let text = doc.text.as_str();
    let n_chars = map.len_chars();
    let from_rows: Option<Vec<(usize, usize)>> = doc
        .sentences
        .iter()
        .map(|r| {
            let (s, e) = (map.byte_of(r.start), map.byte_of(r.end));
            (r.start <= r.end && r.end <= n_chars && text[s..e] == r.text).then_some((s, e))
        })
        .collect();
    if let Some(rows) = from_rows.filter(|rows| !rows.is_empty()) {
        return rows;
    }
    let mut sentences = Vec::new();
    for &(s, e) in paragraphs {
        crate::sentences::split_block(&text[s..e], s, &mut sentences);
    }
    sentences
}

/// Quotes of a document with their speakers, as rows in text order.
pub fn attribute_quotes(doc: &Document) -> Vec<QuoteRow> {
    let text = doc.text.as_str();
    let map = CharMap::new(text);
    let n_chars = map.len_chars();
    let paragraphs: Vec<(usize, usize)> = doc
        .paragraphs
        .iter()
        .map(|&(s, e)| (s.min(n_chars), e.min(n_chars)))
        .filter(|&(s, e)| s < e)
        .map(|(s, e)| (map.byte_of(s), map.byte_of(e)))
        .collect();
    let quotes = find_quotes(text, &paragraphs);
    if quotes.is_empty() {
        return Vec::new();
    }
    let sentences = sentence_bytes(doc, &map, &paragraphs);
    let mut people = if doc.mentions.is_empty() {
        People::from_text(text, &paragraphs, &quotes)
    } else {
        People::from_mentions(doc, &map, &quotes)
    };
    people.sentences = sentences.clone();
    let para_of = |pos: usize| paragraphs.partition_point(|&(s, _)| s <= pos).saturating_sub(1);
    let sent_of = |pos: usize| {
        let i = sentences.partition_point(|&(s, _)| s <= pos).saturating_sub(1);
        sentences.get(i).copied().unwrap_or((0, text.len()))
    };
    let mut speakers_seen: Vec<Known> = Vec::new();
    let mut rows: Vec<QuoteRow> = Vec::new();
    let mut prev: Option<(usize, Attribution, usize)> = None; // (close_end, attribution, paragraph)
    for (qi, q) in quotes.iter().enumerate() {
        let (open_sent, close_sent) = (sent_of(q.open), sent_of(q.end.saturating_sub(1).max(q.start)));
        let ctx = Ctx { text, sent_start: open_sent.0, quotes: &quotes };
        let prev_close = if qi > 0 { quotes[qi - 1].close_end } else { 0 };
        let next_open = quotes.get(qi + 1).map_or(text.len(), |n| n.open);
        let before = (open_sent.0.max(prev_close).min(q.open), q.open);
        let after = (q.close_end, close_sent.1.max(q.close_end).min(next_open).max(q.close_end));
        // Cues sit near their quote: a window of a few hundred bytes on each side keeps the work
        // per quote bounded however long a sentence runs.
        let before = (floor_boundary(text, before.0.max(before.1.saturating_sub(WINDOW_BYTES))), before.1);
        let after = (after.0, floor_boundary(text, after.1.min(after.0 + WINDOW_BYTES)));
        let before_toks = tokenize(text, before.0, before.1);
        let open_ended = text[q.start..q.end].ends_with([',', '?', '!', '—', '–', '-', '…']);
        let after_toks = tokenize(text, after.0, after.1);
        let mut found = attribution_after(&ctx, &after_toks, open_ended);
        if found.is_none() {
            found = attribution_final_clause(&ctx, &after_toks);
        }
        let is_title = found.is_none() && looks_like_title(&ctx, &text[q.start..q.end], &before_toks);
        if found.is_none() && !is_title {
            found = attribution_before(&ctx, &before_toks);
        }
        if found.is_none() && !is_title {
            found = attribution_intro(&ctx, &before_toks);
        }
        if found.is_none() && !is_title && before_toks.is_empty() {
            // "Caddell continued:" closing the sentence or paragraph before the quote.
            let prev_sent = sentences.partition_point(|&(s, _)| s < open_sent.0).checked_sub(1).map(|i| sentences[i]);
            if let Some((ps, pe)) = prev_sent.filter(|&(_, pe)| text[..pe].trim_end().ends_with(':') && pe >= prev_close) {
                let toks = tokenize(text, ps.max(prev_close), pe);
                let toks = &toks[..toks.len().saturating_sub(1)];
                found = attribution_before(&ctx, toks).map(|(np, cue, _)| (np, cue, "colon_intro"));
            }
        }
        if let Some((np, _, _)) = &found
            && np.kind == NpKind::Pronoun
            && let Some(named) = named_attribution_before(&ctx, &before_toks, np.s)
        {
            found = Some(named);
        }
        let n_words = text[q.start..q.end].split_whitespace().count();
        let para = para_of(q.open);
        let att = match found {
            Some((np, cue, rule)) => resolve(&ctx, &people, &speakers_seen, np, cue, rule),
            None => {
                // No cue at all: a quoted phrase inside a sentence is most often the words of the
                // sentence's subject ("Trump took to Twitter to accuse them of being “duped”"),
                // unless it is marked as a scare quote ("so-called") or is very short. A quote
                // that opens its own sentence continues the previous quote's speaker, as does a
                // second fragment in the same sentence.
                let same_sentence = prev.as_ref().is_some_and(|(ce, _, _)| *ce >= open_sent.0);
                let so_called = before_toks.iter().rev().take(2).any(|t| SCARE_MARKERS.contains(&lower(ctx.w(t)).as_ref()));
                let subject = if !same_sentence && !is_title && !so_called && n_words >= MIN_WORDS_SUBJECT_ONLY {
                    ctx.clause_subject(&before_toks, 0, before_toks.len())
                } else {
                    None
                };
                // A quote that opens its sentence right after a sentence about a named person
                // ("Putin aide Yuri Ushakov brushed off the warning. “They won’t do that.”") is
                // that person's, not the previous quote's speaker's.
                let prev_subject = if subject.is_none() && !same_sentence && !is_title && before_toks.is_empty() && n_words >= MIN_WORDS_SUBJECT_ONLY {
                    let si = sentences.partition_point(|&(s, _)| s < open_sent.0);
                    si.checked_sub(1)
                        .map(|i| sentences[i])
                        .filter(|&(ps, _)| ps >= prev_close && para_of(ps) == para)
                        .and_then(|(ps, pe)| {
                            let toks = tokenize(text, ps, pe);
                            ctx.clause_subject(&toks, 0, toks.len()).filter(|np| np.kind == NpKind::Name)
                        })
                } else {
                    None
                };
                let subject = subject.or(prev_subject);
                let cont = prev.as_ref().filter(|(_, a, p)| {
                    !is_title
                        && a.kind != SpeakerKind::UNKNOWN
                        && (same_sentence || (subject.is_none() && para <= p + 1 && n_words >= MIN_WORDS_SUBJECT_ONLY))
                });
                let subject_rule = if prev_subject.is_some() { "previous_sentence_subject" } else { "sentence_subject" };
                match (cont, subject) {
                    (Some((_, a, _)), _) => Attribution { rule: "run_same_speaker".into(), ..a.clone() },
                    (None, Some(np)) => {
                        let mut a = resolve(&ctx, &people, &speakers_seen, np, (0, 0), subject_rule);
                        a.cue = None;
                        a
                    }
                    (None, None) => Attribution {
                        speaker: None,
                        entity_id: None,
                        kind: SpeakerKind::UNKNOWN,
                        mention: None,
                        cue: None,
                        rule: if is_title {
                            "title".into()
                        } else if n_words < MIN_WORDS_SUBJECT_ONLY {
                            "scare_quote".into()
                        } else {
                            "no_cue".into()
                        },
                    },
                }
            }
        };
        // Speakers a later "he"/"she" can stand for: people, and anonymous sources in the
        // singular ("An American official ... But he declined to “…”").
        let singular_anon = att.kind == SpeakerKind::ANON
            && att.speaker.as_deref().and_then(|d| d.rsplit(' ').next()).is_some_and(|h| {
                let h = h.to_lowercase();
                singular(&h) == h && !PRONOUNS.contains(&h.as_str())
            });
        if (att.kind == SpeakerKind::PER || singular_anon)
            && let (Some((s, e)), Some(name)) = (att.mention, att.speaker.clone())
            && !PRONOUNS.contains(&text[s..e].to_lowercase().as_str())
        {
            // Kept in text order (a run reuses an earlier mention) for the windowed look-ups.
            let at = speakers_seen.partition_point(|k| (k.s, k.e) <= (s, e));
            if at == 0 || (speakers_seen[at - 1].s, speakers_seen[at - 1].e) != (s, e) {
                speakers_seen.insert(at, Known { s, e, name: name.into(), entity_id: att.entity_id.as_deref().map(Rc::from), kind: att.kind });
            }
        }
        if att.kind != SpeakerKind::UNKNOWN {
            prev = Some((q.close_end, att.clone(), para_of(q.close_end.saturating_sub(1))));
        }
        let (start, end) = (map.char_of(q.start), map.char_of(q.end));
        let ch = |p: Option<(usize, usize)>| p.map(|(s, e)| (map.char_of(s), map.char_of(e)));
        rows.push(QuoteRow {
            doc_id: doc.doc_id.clone(),
            quote_id: span_id(&doc.doc_id, 'q', start, end),
            start,
            end,
            text: text[q.start..q.end].to_string(),
            speaker: att.speaker,
            speaker_entity_id: att.entity_id,
            speaker_kind: att.kind,
            speaker_start: ch(att.mention).map(|m| m.0),
            speaker_end: ch(att.mention).map(|m| m.1),
            cue: att.cue.map(|(s, e)| text[s..e].to_string()),
            cue_start: ch(att.cue).map(|m| m.0),
            cue_end: ch(att.cue).map(|m| m.1),
            rule: att.rule,
        });
    }
    rows
}

/// Index of a cue at token `i`: `Some(n)` with the number of tokens the cue spans.
fn cue_at(ctx: &Ctx, toks: &[Tok], i: usize) -> Option<usize> {
    if !toks[i].word {
        return None;
    }
    let w = ctx.w(&toks[i]);
    // A capitalised "States" or "Reports" is a name or a heading, not a verb.
    if is_cap(w) && w != "According" {
        return None;
    }
    let l = lower(w);
    if l == "according" && toks.get(i + 1).is_some_and(|t| lower(ctx.w(t)) == "to") {
        return Some(2);
    }
    if l == "put" && toks.get(i + 1).is_some_and(|t| lower(ctx.w(t)) == "it") {
        return Some(2);
    }
    if CUE_VERBS.contains(&l.as_ref()) { Some(1) } else { None }
}

type Found = (Np, (usize, usize), &'static str);

/// A cue in the words after the quote, up to the end of its clause. The speaker phrase or the
/// verb must follow the quote directly (`“…,” Putin said`, `“…,” said Putin`,
/// `“…,” Flynn, a top surrogate, said`); a clause that starts otherwise ("when Clinton blasted
/// him") is about something else.
/// `open_ended`: the quote ends in a comma, question or exclamation mark, as a quote that an
/// attribution follows does ("“…,” Bozell concludes").
fn attribution_after(ctx: &Ctx, toks: &[Tok], open_ended: bool) -> Option<Found> {
    let first = toks.first()?;
    // "” ― Nell Carden Grey": a dash and a name sign the quote.
    if matches!(ctx.w(first), "―" | "—" | "–" | "-")
        && let Some(np) = ctx.np_right(toks, 1, toks.len()).filter(|np| np.kind == NpKind::Name)
    {
        return Some((np, (first.s, first.e), "after_dash_name"));
    }
    let mut i = 0;
    while i < toks.len().min(40) {
        let w = ctx.w(&toks[i]);
        if w == "(" {
            // "Rep. John Mica (R-Fla.) said": skip the parenthesis.
            while i < toks.len() && ctx.w(&toks[i]) != ")" {
                i += 1;
            }
            i += 1;
            continue;
        }
        let next = toks.get(i + 1).map(|t| ctx.w(t));
        if matches!(w, "!" | "?" | ";" | "“" | "\"" | ":") || (w == "." && !matches!(next, Some("," | ")"))) {
            break;
        }
        i += 1;
        let i = i - 1;
        let Some(n) = cue_at(ctx, toks, i) else { continue };
        let cue = (toks[i].s, toks[i + n - 1].e);
        let only_skips = toks[..i].iter().all(|t| (!t.word && ctx.w(t) == ",") || (t.word && SKIP_LEFT.contains(&lower(ctx.w(t)).as_ref())));
        if lower(w) == "according" {
            return if only_skips { ctx.np_right(toks, i + n, toks.len()).map(|np| (np, cue, "after_according_to")) } else { None };
        }
        if only_skips {
            return ctx.np_right(toks, i + n, toks.len()).map(|np| (np, cue, "after_verb_subject"));
        }
        // The speaker phrase must open the clause: "amid Western fears" is not one.
        if !opens_np(ctx, &toks[0]) {
            return None;
        }
        let np = ctx.np_right(toks, 0, i).or_else(|| ctx.subject_left(toks, 0, i))?;
        return reaches_verb(ctx, toks, np, i).then_some((np, cue, "after_subject_verb"));
    }
    // “…,” Bozell concludes. / “…,” he points out. : a speaker phrase and a verb the cue list
    // does not know.
    if open_ended && opens_np(ctx, first) {
        let np = ctx.np_right(toks, 0, toks.len())?;
        let mut k = toks.iter().position(|t| t.s >= np.e)?;
        while k < toks.len() && toks[k].word && SKIP_LEFT.contains(&lower(ctx.w(&toks[k])).as_ref()) {
            k += 1;
        }
        let v = toks.get(k)?;
        let l = lower(ctx.w(v));
        let verb_like = v.word && !is_cap(ctx.w(v)) && is_plain_word(&l) && (l.ends_with('s') || l.ends_with("ed")) && !l.ends_with("ss");
        let then = toks.get(k + 1).map(|t| ctx.w(t));
        if verb_like && k <= 6 && then.is_none_or(|w| matches!(w, "." | "," | ";") || w.chars().all(|c| c.is_lowercase())) {
            return Some((np, (v.s, v.e), "after_subject_verb"));
        }
    }
    None
}

/// Whether the speaker phrase `np` leads straight to the verb at token `verb`: only adverbs
/// ("Putin then said"), a parenthesis ("Mica (R-Fla.) said") or an appositive between commas
/// ("Flynn, a top surrogate, said") may stand between. "“broken” campaign finance system and he
/// pledged" is not an attribution of the quote.
fn reaches_verb(ctx: &Ctx, toks: &[Tok], np: Np, verb: usize) -> bool {
    let Some(mut j) = toks.iter().position(|t| t.s >= np.e) else { return false };
    let skip = |j: &mut usize| {
        while *j < verb {
            let w = ctx.w(&toks[*j]);
            if w == "(" {
                while *j < verb && ctx.w(&toks[*j]) != ")" {
                    *j += 1;
                }
                *j += 1;
            } else if toks[*j].word && SKIP_LEFT.contains(&lower(w).as_ref()) {
                *j += 1;
            } else {
                break;
            }
        }
    };
    skip(&mut j);
    if j >= verb {
        return true;
    }
    // A short modifier: "Mr. Morgan of the Sierra Club said", "the New York businessman said".
    let filler = |t: &Tok| {
        let w = ctx.w(t);
        let l = lower(w);
        if t.word {
            !PRONOUNS.contains(&l.as_ref()) && !matches!(l.as_ref(), "and" | "but" | "or" | "that" | "which" | "who" | "when" | "while") && !CUE_VERBS.contains(&l.as_ref())
        } else {
            !matches!(w, "," | "." | ";" | ":" | "!" | "?" | "“" | "”" | "\"")
        }
    };
    if verb - j <= 5 && toks[j..verb].iter().all(filler) && !(j..verb).any(|v| ctx.is_verb_like(toks, v)) {
        return true;
    }
    if ctx.w(&toks[j]) != "," {
        return false;
    }
    // An appositive: the last comma before the verb closes it.
    let mut k = verb;
    while k > j && toks[k - 1].word && SKIP_LEFT.contains(&lower(ctx.w(&toks[k - 1])).as_ref()) {
        k -= 1;
    }
    if k > j + 1 && ctx.w(&toks[k - 1]) == "," {
        return true;
    }
    // A role appositive whose closing comma is missing ("Dmitri Trenin, director of the
    // Carnegie Center said"): a role word opens it, and it holds only words, no verb.
    let inner = j + 1..verb;
    let mut first = j + 1;
    while first < verb && DETERMINERS.contains(&lower(ctx.w(&toks[first])).as_ref()) {
        first += 1;
    }
    first < verb
        && inner.len() <= 10
        && {
            let l = lower(ctx.w(&toks[first]));
            is_speaker_noun(&l) || TITLE_WORDS.contains(&l.as_ref())
        }
        && inner.clone().all(|v| toks[v].word && !PRONOUNS.contains(&lower(ctx.w(&toks[v])).as_ref()) && !ctx.is_verb_like(toks, v))
}

/// Whether a token can open a speaker phrase (a name, a title, a pronoun, a determiner, a
/// possessive, a speaker noun), as opposed to a preposition or a conjunction.
fn opens_np(ctx: &Ctx, t0: &Tok) -> bool {
    let w0 = ctx.w(t0);
    let l0 = lower(w0);
    t0.word
        && (ctx.is_name_tok(t0)
            || is_title_abbrev(w0)
            || PRONOUNS.contains(&l0.as_ref())
            || DETERMINERS.contains(&l0.as_ref())
            || is_possessive(w0)
            || is_speaker_noun(&l0)
            || w0.chars().next().is_some_and(|c| c.is_ascii_digit())
            || (!NP_STOP.contains(&l0.as_ref()) && !CLAUSE_OPENERS.contains(&l0.as_ref())))
}

/// A closing attribution clause of the quote's sentence ("… a “complete rupture” of relations, a
/// Russian official told reporters."): it reports the whole sentence, the quote included.
/// The clause may be followed by a participle phrase or an appositive of its own ("…, the
/// official said, declining to go into details."): the last few commas are tried, nearest the
/// end first.
fn attribution_final_clause(ctx: &Ctx, toks: &[Tok]) -> Option<Found> {
    let commas = toks.iter().enumerate().filter(|(_, t)| ctx.w(t) == ",").map(|(i, _)| i).rev().take(3);
    for comma in commas {
        let clause = &toks[comma + 1..];
        if clause.len() > 16 {
            return None;
        }
        if let Some((np, cue, _)) = attribution_after(ctx, clause, false) {
            return Some((np, cue, "after_final_clause"));
        }
    }
    None
}

/// The nearest cue before the quote in its sentence that has a speaker.
fn attribution_before(ctx: &Ctx, toks: &[Tok]) -> Option<Found> {
    for i in (0..toks.len()).rev() {
        let Some(n) = cue_at(ctx, toks, i) else { continue };
        let cue = (toks[i].s, toks[i + n - 1].e);
        let l = lower(ctx.w(&toks[i]));
        // "if the West continues its “aggressive” run": a verb with a direct object (a
        // determiner or possessive after it, no "that") is not reporting speech here, unlike
        // "Smith continued: “…”" or "the FBI concluded this month that …".
        if INTRANSITIVE_CUES.contains(&l.as_ref()) {
            let rest = &toks[i + n..];
            let that = rest.iter().any(|t| lower(ctx.w(t)) == "that");
            let object = rest.first().is_some_and(|t| t.word && (DETERMINERS.contains(&lower(ctx.w(t)).as_ref()) || is_possessive(ctx.w(t))));
            if object && !that {
                continue;
            }
        }
        if l == "according" {
            if let Some(np) = ctx.np_right(toks, i + n, toks.len()) {
                return Some((np, cue, "before_according_to"));
            }
            continue;
        }
        if l.ends_with("ing") && i > 0 && ctx.w(&toks[i - 1]) == "," {
            if let Some(np) = ctx.clause_subject(toks, 0, i) {
                return Some((np, cue, "before_participle"));
            }
            continue;
        }
        if let Some(np) = ctx.subject_left(toks, 0, i).or_else(|| ctx.appositive_subject(toks[i].s)) {
            let head = lower(ctx.text[np.s..np.e].rsplit(' ').next().unwrap_or_default());
            // "a class called “Perception”": a naming verb after a thing is not speech.
            if np.kind == NpKind::Descriptor && NAMING_CUES.contains(&l.as_ref()) && !is_speaker_noun(&head) {
                continue;
            }
            // "what her team calls “…”" inside "Clinton’s aides cast it as …": the outer cue.
            let k = toks.iter().position(|t| t.s >= np.s).unwrap_or(0);
            if k > 0 && lower(ctx.w(&toks[k - 1])) == "what"
                && let Some(outer) = attribution_before(ctx, &toks[..k - 1])
            {
                return Some(outer);
            }
            return Some((np, cue, "before_subject_verb"));
        }
        // "… and vowed to punish “…”": the verb shares the clause's subject.
        let mut j = i;
        while j > 0 && toks[j - 1].word && SKIP_LEFT.contains(&lower(ctx.w(&toks[j - 1])).as_ref()) {
            j -= 1;
        }
        if j > 0 && (l.ends_with("ing") || matches!(lower(ctx.w(&toks[j - 1])).as_ref(), "and" | "but" | "then"))
            && let Some(np) = ctx.clause_subject(toks, 0, j - 1)
        {
            return Some((np, cue, "before_clause_subject"));
        }
        // "said Yuri Ushakov: “…”"
        if l != "put"
            && let Some(np) = ctx.np_right(toks, i + n, toks.len()).filter(|np| np.kind == NpKind::Name)
        {
            let next = toks.iter().position(|t| t.s >= np.e).map(|k| ctx.w(&toks[k]));
            if next.is_none_or(|w| matches!(w, "," | ":")) {
                return Some((np, cue, "before_verb_subject"));
            }
        }
    }
    None
}

/// A quote introduced without a known cue: "Politico reveals a few facts: “…”" (the name just
/// before the colon, or the clause's subject), "He jokes, “…”" (a verb and a comma).
fn attribution_intro(ctx: &Ctx, toks: &[Tok]) -> Option<Found> {
    let n = toks.len();
    if n < 2 {
        return None;
    }
    let last = ctx.w(&toks[n - 1]);
    let prev = &toks[n - 2];
    if last == ":" {
        let np = ctx.np_ending_at(toks, 0, n - 1).filter(|np| np.kind == NpKind::Name).or_else(|| ctx.clause_subject(toks, 0, n - 1))?;
        return Some((np, (toks[n - 1].s, toks[n - 1].e), "before_colon"));
    }
    let l = lower(ctx.w(prev));
    if last == "," && prev.word && !is_cap(ctx.w(prev)) && is_plain_word(&l) && (l.ends_with('s') || l.ends_with("ed") || l.ends_with("ing")) {
        let np = ctx.subject_left(toks, 0, n - 2).or_else(|| ctx.clause_subject(toks, 0, n - 2))?;
        return Some((np, (prev.s, prev.e), "before_intro_verb"));
    }
    None
}

/// Like [`attribution_before`], but only a cue whose speaker is a name or a description: for a
/// pronoun found nearer the quote ("Ditto said she expects “…”"), the outer speaker is the one
/// the pronoun stands for.
fn named_attribution_before(ctx: &Ctx, toks: &[Tok], before: usize) -> Option<Found> {
    let cut = toks.iter().position(|t| t.s >= before).unwrap_or(toks.len());
    let mut end = cut;
    while let Some(f) = attribution_before(ctx, &toks[..end]) {
        if f.0.kind != NpKind::Pronoun {
            return Some(f);
        }
        end = toks.iter().position(|t| t.s >= f.1.0.min(f.0.s)).unwrap_or(0);
        if end == 0 {
            break;
        }
    }
    None
}

/// A short quote in title case ("Morning Joe", "Fox and Friends.") names a show, a book or a
/// slogan; it is not something a speaker said unless a naming verb introduces it.
fn looks_like_title(ctx: &Ctx, quote: &str, before: &[Tok]) -> bool {
    let words: Vec<&str> = quote.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric())).filter(|w| !w.is_empty()).collect();
    if words.is_empty() || words.len() > 6 {
        return false;
    }
    let title_case = words.iter().all(|w| is_cap(w) || TITLE_SMALL_WORDS.contains(w) || w.chars().all(|c| c.is_ascii_digit()));
    let naming = before.iter().rev().take(3).any(|t| NAMING_CUES.contains(&lower(ctx.w(t)).as_ref()));
    title_case && words.iter().any(|w| is_cap(w)) && !naming
}

/// Turns the speaker phrase into who it names.
fn resolve(ctx: &Ctx, people: &People, seen: &[Known], np: Np, cue: (usize, usize), rule: &str) -> Attribution {
    let phrase = &ctx.text[np.s..np.e];
    // The entity mention the speaker rests on, when there is one: "Jake Sullivan" inside
    // "National Security Advisor Jake Sullivan".
    let mut mention = (np.s, np.e);
    let (speaker, entity_id, kind, rule) = match np.kind {
        NpKind::Name => {
            let (s, id, k, m) = people.for_name(ctx.text, np.s, np.e);
            if let Some(m) = m {
                mention = m;
            }
            (s, id, k, rule.to_string())
        }
        NpKind::Pronoun => {
            let p = phrase.to_lowercase();
            match p.as_str() {
                "he" | "she" | "it" => match people.antecedent(np.s, &p, seen) {
                    Some(k) => {
                        if p != "it" {
                            people.genders.borrow_mut().insert(k.name.to_string(), p == "she");
                        }
                        (Some(k.name.to_string()), k.entity_id.as_deref().map(str::to_string), k.kind, format!("{rule}+pronoun"))
                    }
                    None if p == "it" => (None, None, SpeakerKind::ORG, format!("{rule}+pronoun_unresolved")),
                    None => (None, None, SpeakerKind::PER, format!("{rule}+pronoun_unresolved")),
                },
                // "they", "we", "I": a group or the writer; kept as written.
                _ => (Some(phrase.to_string()), None, SpeakerKind::ANON, format!("{rule}+pronoun")),
            }
        }
        NpKind::Descriptor => {
            // "the Kremlin" or "a White House spokeswoman": an entity mention that ends the phrase
            // names the speaker; otherwise it is an anonymous source as written.
            let from = people.mentions.partition_point(|m| m.s < np.s);
            let hit = people.mentions[from..].iter().take_while(|m| m.s < np.e).find(|m| m.e == np.e);
            match hit {
                Some(m) => {
                    mention = (m.s, m.e);
                    (Some(m.name.to_string()), m.entity_id.as_deref().map(str::to_string), m.kind, rule.to_string())
                }
                None => (Some(phrase.to_string()), None, SpeakerKind::ANON, rule.to_string()),
            }
        }
    };
    Attribution { speaker, entity_id, kind, mention: Some(mention), cue: Some(cue), rule }
}

#[cfg(test)]
mod tests;
