//! Publication dates: finds calendar dates and weekday mentions in an article and infers the
//! day it was published when no line states it.
//!
//! Inference, as a newsroom librarian reads a story:
//! * News style (AP Stylebook and the papers that follow it) names days within a week of
//!   publication by weekday ("said Wednesday", "on Thursday evening") and anything farther by
//!   month and day ("During the Dec. 7 video call"). So past-tense weekday mentions fall in the
//!   six days up to the publication day, future-tense ones in the six days after it, and a
//!   month-day date in running text is normally at least a week away.
//! * A photo caption date ("... on Dec. 7, 2021. (Andriy Dubchak/AP)") is the day the photo was
//!   taken: publication is on it or within a week after.
//! * A month-day date said in the past tense ("last spoke on Dec. 3") is before publication,
//!   one said in the future tense ("talks that will begin in Geneva on Jan. 10") after it.
//! * The year comes from a full date, a copyright line, or a hint from outside the text.
//!
//! Every day of the candidate years is scored against these constraints; the days that fit
//! best win. When several days fit equally (the text says "Thursday" and the only dated events
//! are weeks apart), the tie is broken towards the nearest future dated event (stories cite
//! upcoming events when they are close, past ones at any distance), else towards the latest
//! past event. More than `MAX_TIED` equally good days means the text does not say: no date.
//!
//! Worked examples (the kinds of text in the shipped corpus):
//! * Caption "... on Dec. 7, 2021. (Andriy Dubchak/AP)" and "Putin on Wednesday called the
//!   video-link talks ...", "said Wednesday", "Tuesday's Biden-Putin talks", "due to brief
//!   Zelensky ... on Thursday": the caption allows Dec. 7-14, 2021; the Wednesday mentions pick
//!   Wednesday Dec. 8 (one day fits) -> 2021-12-08, InferredWeekday.
//! * "Copyright 2021", "spoke ... Thursday evening", "During the Dec. 7 video call" (past),
//!   "talks ... scheduled for Jan. 10" (future): Thursdays at least a week after Dec. 7 and
//!   before Jan. 3 are Dec. 16, 23 and 30; the tie-break takes the one nearest the Jan. 10
//!   talks -> 2021-12-30, InferredWeekday, with `tied` = 3 recorded.
//! * "their video meeting Tuesday" (future), "Peskov said Monday", "said Friday", "said
//!   Sunday", and no date or year anywhere: the mentions agree on a Monday (a Monday before
//!   a Tuesday meeting), but a Monday of which year and month the text cannot say, so the
//!   estimate keeps only `weekday` = Monday and `published` stays None. The collection pass
//!   (`collection`) can finish the job when another article dates the same meeting.
//! * The same text with no year but "last spoke on Dec. 3" and "will begin ... on Jan. 10":
//!   without a year the weekday cannot be placed; with a year from outside (a hint, or the
//!   collection) it is dated as in the second example.

// Nested `if let`s stay nested: collapsing them needs let chains (Rust 1.88), above the
// workspace's rust-version (1.85).
#![allow(clippy::collapsible_if)]

use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use pipeline::PublishedBasis;
use regex::Regex;

/// More equally good candidate days than this and the text is taken not to give a date.
pub const MAX_TIED: usize = 5;
/// Mentions used at most, so huge texts stay cheap.
const MAX_MENTIONS: usize = 200;
/// A yearless month-day date may point into the previous or next year only this close to
/// publication ("Jan. 10" talks seen from late December).
const CROSS_YEAR_REACH: i64 = 120;

const MONTHS: &str = r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";

static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b{MONTHS}\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}})\b)?"
    ))
    .unwrap()
});
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS}\.?(?:,?\s+(?P<year>\d{{4}})\b)?"))
        .unwrap()
});
static ISO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?P<year>\d{4})-(?P<m>\d{2})-(?P<day>\d{2})\b").unwrap());
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:['’]s)?\b").unwrap()
});

/// A calendar date written in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateMention {
    /// Byte range in the searched string.
    pub start: usize,
    pub end: usize,
    pub month: u32,
    pub day: u32,
    pub year: Option<i32>,
}

/// A full date (with year) found in a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FullDate {
    pub start: usize,
    pub end: usize,
    pub date: NaiveDate,
}

fn month_number(s: &str) -> Option<u32> {
    let p = s.get(..3)?;
    Some(match p {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    })
}

/// All month-day dates in `s` ("Dec. 7, 2021", "December 7", "8 December 2021", "2021-12-08"),
/// in text order, without overlaps.
pub fn find_dates(s: &str) -> Vec<DateMention> {
    let mut out: Vec<DateMention> = Vec::new();
    // Every date pattern has a digit (`\d`, any Unicode decimal digit): most sentences have
    // none and need no regex search.
    if !may_hold_digit(s) {
        return out;
    }
    for re in [&*MONTH_DAY, &*DAY_MONTH] {
        for c in re.captures_iter(s) {
            let (Some(m), Some(mon), Some(day)) = (c.get(0), c.name("mon"), c.name("day")) else { continue };
            let (Some(month), Ok(day)) = (month_number(mon.as_str()), day.as_str().parse::<u32>()) else { continue };
            let year = c.name("year").and_then(|y| y.as_str().parse::<i32>().ok()).filter(|y| (1800..=2200).contains(y));
            // "May 5" is a date; "may 5" would not match (case-sensitive). Check day validity.
            if !(1..=31).contains(&day) || NaiveDate::from_ymd_opt(year.unwrap_or(2000), month, day).is_none() {
                continue;
            }
            out.push(DateMention { start: m.start(), end: m.end(), month, day, year });
        }
    }
    for c in ISO.captures_iter(s) {
        let m = c.get(0).unwrap();
        let y = c["year"].parse::<i32>().ok();
        let mo = c["m"].parse::<u32>().ok();
        let d = c["day"].parse::<u32>().ok();
        if let (Some(y), Some(mo), Some(d)) = (y, mo, d) {
            if NaiveDate::from_ymd_opt(y, mo, d).is_some() {
                out.push(DateMention { start: m.start(), end: m.end(), month: mo, day: d, year: Some(y) });
            }
        }
    }
    out.sort_by_key(|d| (d.start, std::cmp::Reverse(d.end)));
    let mut kept: Vec<DateMention> = Vec::new();
    for d in out {
        if kept.last().is_none_or(|k| d.start >= k.end) {
            kept.push(d);
        }
    }
    kept
}

/// Dates in `s` that carry a year.
pub fn find_full_dates(s: &str) -> Vec<FullDate> {
    find_dates(s)
        .into_iter()
        .filter_map(|d| {
            let date = NaiveDate::from_ymd_opt(d.year?, d.month, d.day)?;
            Some(FullDate { start: d.start, end: d.end, date })
        })
        .collect()
}

/// Whether a mention is said of the past or the future, from the nearest tense cue around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tense {
    Past,
    Future,
    Unknown,
}

/// Words that put a mention in the future. (A `match` on the word, as in [`is_name_stop`]: a few
/// length and byte tests, where a list would be compared word by word.)
fn is_future_cue(w: &str) -> bool {
    matches!(
        w,
        "will" | "won't" | "shall" | "expected" | "due" | "slated" | "scheduled" | "plans" | "planned" | "planning"
            | "upcoming" | "next" | "ahead" | "going" | "intends" | "until" | "coming" | "later" | "would"
    )
}

/// Words that put a mention in the past (besides regular past tenses in -ed, see [`cue`]).
fn is_past_cue(w: &str) -> bool {
    matches!(
        w,
        "said" | "says" | "told" | "was" | "were" | "had" | "did" | "last" | "ago" | "earlier" | "met" | "spoke"
            | "held" | "took" | "made" | "gave" | "began" | "sent" | "saw" | "came" | "went" | "wrote" | "led" | "rose"
            | "fell" | "won" | "lost" | "left" | "ran" | "struck" | "hit" | "put" | "set" | "brought" | "sought"
            | "thought" | "kept" | "paid" | "understood"
    )
}

/// `w.trim_end_matches("'s").trim_end_matches("’s")`, with suffix tests: a `&str` pattern in
/// `trim_end_matches` sets up a substring searcher on every call (~250 instructions), and every
/// word of a mention's sentence is trimmed.
fn trim_possessive(mut w: &str) -> &str {
    while let Some(rest) = w.strip_suffix("'s") {
        w = rest;
    }
    while let Some(rest) = w.strip_suffix("’s") {
        w = rest;
    }
    w
}

/// Whether `s` contains a decimal digit (`\d` in a regex: any Unicode `Nd` character).
fn may_hold_digit(s: &str) -> bool {
    // The byte scans settle most text: an ASCII digit, or no character that could be another
    // decimal digit (news text's curly quotes and dashes are not). The regex decides the rest.
    has_ascii_digit(s.as_bytes()) || (may_hold_non_ascii_digit(s.as_bytes()) && DIGIT.is_match(s))
}

static DIGIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d").unwrap());

/// Whether `bytes` (UTF-8) has a character outside U+0000..U+007F and U+2000..U+9FFF (the
/// three-byte sequences led by E2..E9: punctuation, symbols, CJK), which hold no decimal digit
/// but ASCII ones (see the test). Other non-ASCII text ("é") is left to the regex, which ran on
/// every non-ASCII line before: ~1,200 instructions a call, most of `may_hold_digit`.
fn may_hold_non_ascii_digit(bytes: &[u8]) -> bool {
    bytes.chunks(32).any(|chunk| chunk.iter().fold(false, |seen, &b| seen | (b >= 0xC0 && !(0xE2..=0xE9).contains(&b))))
}

/// `bytes.iter().any(u8::is_ascii_digit)`, 32 bytes at a time: a test per chunk without an
/// early exit inside it compiles to vector compares, where the byte loop cost ~5 instructions a
/// byte (every line of every article is scanned, most of them to the end).
fn has_ascii_digit(bytes: &[u8]) -> bool {
    bytes.chunks(32).any(|chunk| chunk.iter().fold(false, |seen, b| seen | b.is_ascii_digit()))
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '’'
}

/// Word tokens of `s` with their byte starts.
fn words(s: &str) -> Vec<(usize, &str)> {
    // News prose has a word every ~6 bytes: room for them all at once, not grown word by word.
    let mut out = Vec::with_capacity(s.len() / 4 + 1);
    let mut start: Option<usize> = None;
    if s.is_ascii() {
        // Same tokens, byte by byte (no UTF-8 decoding).
        for (i, b) in s.bytes().enumerate() {
            if b.is_ascii_alphanumeric() || b == b'\'' {
                start.get_or_insert(i);
            } else if let Some(st) = start.take() {
                out.push((st, &s[st..i]));
            }
        }
    } else {
        for (i, c) in s.char_indices() {
            if is_word_char(c) {
                start.get_or_insert(i);
            } else if let Some(st) = start.take() {
                out.push((st, &s[st..i]));
            }
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

/// The last word token of `s` (what `words(s).last()` gives, without tokenising all of `s`).
fn last_word(s: &str) -> Option<&str> {
    let end = s.char_indices().rev().find(|&(_, c)| is_word_char(c)).map(|(i, c)| i + c.len_utf8())?;
    let start = s[..end].char_indices().rev().find(|&(_, c)| !is_word_char(c)).map_or(0, |(i, c)| i + c.len_utf8());
    Some(&s[start..end])
}

/// `word` lower-cased into `buf` when it is short ASCII (the common case: no allocation),
/// else into a new String.
fn lower<'b>(word: &'b str, buf: &'b mut [u8; 32], owned: &'b mut String) -> &'b str {
    if word.len() <= buf.len() && word.is_ascii() {
        // Most words are lower-case already: no copy, and no UTF-8 check of the copy.
        if !word.bytes().any(|b| b.is_ascii_uppercase()) {
            return word;
        }
        let b = &mut buf[..word.len()];
        b.copy_from_slice(word.as_bytes());
        b.make_ascii_lowercase();
        // ASCII stays valid UTF-8.
        std::str::from_utf8(b).unwrap_or_default()
    } else {
        *owned = word.to_lowercase();
        owned
    }
}

fn cue(word: &str) -> Option<Tense> {
    let (mut buf, mut owned) = ([0u8; 32], String::new());
    let w = lower(word, &mut buf, &mut owned);
    let w = trim_possessive(w);
    if is_future_cue(w) {
        return Some(Tense::Future);
    }
    if is_past_cue(w) {
        return Some(Tense::Past);
    }
    // Regular past tense ("called", "visited", "warned"); "need", "indeed" are not verbs in -ed.
    if w.len() > 4 && w.ends_with("ed") && !matches!(w, "need" | "indeed" | "hundred" | "proceed" | "succeed" | "exceed" | "speed") {
        return Some(Tense::Past);
    }
    None
}

fn is_reporting_verb(w: &str) -> bool {
    let (mut buf, mut owned) = ([0u8; 32], String::new());
    matches!(
        lower(w, &mut buf, &mut owned),
        "said" | "says" | "told" | "added" | "reported" | "announced" | "stated" | "noted" | "explained" | "wrote" | "according"
    )
}

/// Tense of the mention at bytes `start..end` of `sentence`: the nearest cue word within twelve
/// words before or eight after (a cue after the mention counts one word farther).
pub fn tense_at(sentence: &str, start: usize, end: usize) -> Tense {
    tense_in(&words(sentence), start, end)
}

/// [`tense_at`] on the sentence's word tokens (`words`), so a sentence with several mentions
/// is tokenised once.
fn tense_in(ws: &[(usize, &str)], start: usize, end: usize) -> Tense {
    let before = ws.iter().filter(|(p, _)| *p < start).map(|(_, w)| *w);
    let after = ws.iter().filter(|(p, _)| *p >= end).map(|(_, w)| *w);
    let mut best: Option<(usize, Tense)> = None;
    // A reporting verb ("said", "told") dates the saying: it marks the tense of a mention right
    // next to it ("said Monday", "told reporters on Monday") but not of one farther on ("said it
    // is calling for the redemption on Dec. 7").
    let usable = |w: &str, dist: usize| cue(w).filter(|_| dist <= 3 || !is_reporting_verb(w));
    for (i, w) in before.rev().take(12).enumerate() {
        if let Some(t) = usable(w, i + 1) {
            best = Some((i + 1, t));
            break;
        }
    }
    for (i, w) in after.take(8).enumerate() {
        if let Some(t) = usable(w, i + 1) {
            let d = i + 2;
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, t));
            }
            break;
        }
    }
    best.map(|(_, t)| t).unwrap_or(Tense::Unknown)
}

/// Byte ranges of the sentences of a line (split after . ! ? unless the word is an initial or
/// a short abbreviation such as "Dec." or "U.S.").
pub fn sentence_ranges(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    // Only a word (a run of word characters, as `words` cuts them) right before a '.', '!' or
    // '?' can end a sentence: visit the stops, not every word of the line.
    // The stops are ASCII, so a byte scan finds them (a `char` pattern decodes every character).
    for (end, stop) in stops(line.as_bytes()) {
        let before = &line[..end];
        let w_start = before.char_indices().rev().take_while(|&(_, c)| is_word_char(c)).last().map(|(p, _)| p);
        let Some(w) = w_start.map(|p| &before[p..]) else { continue };
        let is_abbrev = stop == b'.' && is_abbreviation(w);
        // The next word's first character is the next word character of the line.
        let next_word_upper = line[end + 1..].chars().find(|&c| is_word_char(c)).is_none_or(|c| c.is_uppercase() || c.is_numeric());
        if !is_abbrev && next_word_upper {
            out.push((start, end + 1));
            start = end + 1;
        }
    }
    if start < line.len() {
        out.push((start, line.len()));
    }
    out
}

/// The '.', '!' and '?' of `bytes` with their offsets, in order. Chunks of 32 bytes are tested
/// first (vector compares, as in [`has_ascii_digit`]), and only those holding a stop are walked:
/// a filter over every byte cost ~10 instructions a byte, most of `sentence_ranges`.
fn stops(bytes: &[u8]) -> impl Iterator<Item = (usize, u8)> + '_ {
    let is_stop = |b: &u8| matches!(b, b'.' | b'!' | b'?');
    bytes
        .chunks(32)
        .enumerate()
        .filter(move |(_, chunk)| chunk.iter().fold(false, |seen, b| seen | is_stop(b)))
        .flat_map(move |(k, chunk)| chunk.iter().enumerate().filter(move |(_, b)| is_stop(b)).map(move |(i, &b)| (32 * k + i, b)))
}

/// Whether a word before a period is an initial or a short abbreviation ("U", "Mr", "Dec"), after
/// which the period does not end the sentence.
fn is_abbreviation(w: &str) -> bool {
    let n = w.chars().count();
    w.chars().all(char::is_alphabetic)
        && (n == 1
            || (n == 2 && w.chars().next().is_some_and(char::is_uppercase))
            || matches!(w, "Jan" | "Feb" | "Mar" | "Apr" | "Aug" | "Sep" | "Sept" | "Oct" | "Nov" | "Dec" | "Gen" | "Col" | "Sgt" | "Gov" | "Sen" | "Rep" | "Mrs" | "Del" | "Calif" | "Ariz" | "Kan" | "Tenn" | "Mass" | "Conn"))
}

/// A weekday named in the text, with the tense it is said in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekdayMention {
    pub weekday: Weekday,
    pub tense: Tense,
}

/// A month-day date named in running text or a caption, with its tense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatedMention {
    pub month: u32,
    pub day: u32,
    pub year: Option<i32>,
    pub tense: Tense,
    pub in_caption: bool,
}

/// Holidays and the like that contain a weekday name but do not point at a day of the week.
const WEEKDAY_COMPOUNDS: &[&str] = &["Black", "Good", "Super", "Ash", "Easter", "Palm", "Bloody", "Cyber", "Holy", "Maundy", "Shrove", "Giving"];

/// The sentence a mention sits in, reduced to what links it to the same event told elsewhere:
/// its capitalised names and whether it speaks of a meeting (call, talks, summit, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MentionContext {
    /// Lower-cased capitalised words of the sentence, sorted, without months, weekdays and
    /// function words.
    /// (As 64-bit hashes, sorted: the collection pass only asks which names two sentences share,
    /// and a collection keeps one context per dated or weekday mention of every article.)
    pub names: Vec<u64>,
    pub meeting: bool,
}

/// Lower-cased words that are never a name in a mention's context. (A `match` on the word: the
/// compiler turns it into a few length and byte tests instead of a scan of the list.)
fn is_name_stop(w: &str) -> bool {
    matches!(
        w,
        "the" | "a" | "an" | "in" | "on" | "at" | "but" | "and" | "or" | "if" | "as" | "for" | "of" | "to" | "with"
            | "after" | "before" | "during" | "while" | "when" | "still" | "yet" | "so" | "this" | "that" | "it" | "he"
            | "she" | "they" | "we" | "i" | "mr" | "mrs" | "ms" | "dr" | "president" | "presidents" | "prime"
            | "minister" | "secretary" | "gen" | "last" | "next" | "january" | "february" | "march" | "april" | "may"
            | "june" | "july" | "august" | "september" | "october" | "november" | "december" | "jan" | "feb" | "mar"
            | "apr" | "jun" | "jul" | "aug" | "sep" | "sept" | "oct" | "nov" | "dec" | "monday" | "tuesday"
            | "wednesday" | "thursday" | "friday" | "saturday" | "sunday"
    )
}

/// Lower-cased words that make a mention's sentence about a meeting or a call.
fn is_meeting_word(w: &str) -> bool {
    matches!(
        w,
        "call" | "calls" | "called" | "phone" | "talks" | "talk" | "talked" | "summit" | "meeting" | "meet"
            | "met" | "videoconference" | "video" | "conversation" | "spoke" | "speak" | "speaks" | "negotiations"
    )
}

fn context_of(ws: &[(usize, &str)]) -> MentionContext {
    let mut names: Vec<u64> = Vec::new();
    let mut meeting = false;
    let (mut buf, mut owned) = ([0u8; 32], String::new());
    for &(_, w) in ws {
        let lw = lower(w, &mut buf, &mut owned);
        let lw = trim_possessive(lw);
        if is_meeting_word(lw) {
            meeting = true;
        }
        if w.chars().next().is_some_and(char::is_uppercase) && lw.chars().count() > 1 && !is_name_stop(lw) {
            names.push(pipeline::ids::key64(lw));
        }
    }
    names.sort();
    names.dedup();
    MentionContext { names, meeting }
}

/// Adds the date and weekday mentions of one line to `ev` (`caption`: the line is a photo
/// caption, whose dates are the photo's and whose weekdays are not the story's).
pub fn mentions_in_line(line: &str, caption: bool, ev: &mut DateEvidence) {
    add_mentions(line, caption, true, ev);
}

/// Like [`mentions_in_line`], leaving `ev.dated_ctx` and `ev.weekday_ctx` alone: enough for
/// [`infer`], which reads no context (only the collection pass does).
pub fn mentions_in_line_without_contexts(line: &str, caption: bool, ev: &mut DateEvidence) {
    add_mentions(line, caption, false, ev);
}

fn add_mentions(line: &str, caption: bool, contexts: bool, ev: &mut DateEvidence) {
    // A sentence's date or weekday match is a match in its line too (sentences end after
    // '.', '!' or '?', so word boundaries at their edges are the line's). A line with no
    // digit and no weekday name has none: skip splitting it into sentences.
    if !may_hold_digit(line) && (caption || !WEEKDAY.is_match(line)) {
        return;
    }
    for (s, e) in sentence_ranges(line) {
        let sent = &line[s..e];
        let mut ctx: Option<MentionContext> = None;
        // The sentence's words, tokenised when the first mention needs them.
        let mut ws: Option<Vec<(usize, &str)>> = None;
        for d in find_dates(sent) {
            if ev.dated.len() < MAX_MENTIONS {
                let ws = ws.get_or_insert_with(|| words(sent));
                let tense = tense_in(ws, d.start, d.end);
                ev.dated.push(DatedMention { month: d.month, day: d.day, year: d.year, tense, in_caption: caption });
                if contexts {
                    ev.dated_ctx.push(ctx.get_or_insert_with(|| context_of(ws)).clone());
                }
            }
        }
        // Every weekday name ends in "day": a sentence without one needs no regex search (whose
        // set-up alone costs more than the substring search).
        if caption || !sent.contains("day") {
            continue;
        }
        for c in WEEKDAY.captures_iter(sent) {
            let m = c.get(0).unwrap();
            let prev = last_word(&sent[..m.start()]).unwrap_or("");
            // "Black Friday" is a holiday; "each Thursday", "every Monday" recur.
            if WEEKDAY_COMPOUNDS.contains(&prev) || matches!(prev.to_lowercase().as_str(), "each" | "every") {
                continue;
            }
            let weekday = match &c["wd"] {
                "Monday" => Weekday::Mon,
                "Tuesday" => Weekday::Tue,
                "Wednesday" => Weekday::Wed,
                "Thursday" => Weekday::Thu,
                "Friday" => Weekday::Fri,
                "Saturday" => Weekday::Sat,
                _ => Weekday::Sun,
            };
            if ev.weekdays.len() < MAX_MENTIONS {
                let ws = ws.get_or_insert_with(|| words(sent));
                ev.weekdays.push(WeekdayMention { weekday, tense: tense_in(ws, m.start(), m.end()) });
                if contexts {
                    ev.weekday_ctx.push(ctx.get_or_insert_with(|| context_of(ws)).clone());
                }
            }
        }
    }
}

/// What the text says about when it was published, and how sure that is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicationEstimate {
    pub date: Option<NaiveDate>,
    pub basis: PublishedBasis,
    /// How many days fitted equally well before the tie-break (1 = the text pins the day).
    pub tied: usize,
    /// The weekday the text's weekday mentions point to, when they agree on one.
    pub weekday: Option<Weekday>,
    /// The reasoning, for logs and audits.
    pub note: String,
}

impl PublicationEstimate {
    fn unknown(note: impl Into<String>) -> Self {
        PublicationEstimate { date: None, basis: PublishedBasis::Unknown, tied: 0, weekday: None, note: note.into() }
    }
}

/// Everything the inference uses.
#[derive(Debug, Clone, Default)]
pub struct DateEvidence {
    pub dated: Vec<DatedMention>,
    pub weekdays: Vec<WeekdayMention>,
    /// Years the text gives for its own publication (copyright line) or a caller knows.
    pub publication_year: Option<i32>,
    /// Sentence context of each `dated` / `weekdays` entry (same order), for linking the same
    /// event across articles.
    pub dated_ctx: Vec<MentionContext>,
    pub weekday_ctx: Vec<MentionContext>,
}

fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    // `(b - a).num_days()`, without going through a `TimeDelta` (seconds, overflow checks).
    i64::from(b.num_days_from_ce() - a.num_days_from_ce())
}

/// Weekday distance: past mentions count days back from `p`, future ones days ahead.
pub(crate) fn weekday_cost(p: NaiveDate, w: &WeekdayMention) -> i64 {
    let pn = p.weekday().num_days_from_monday() as i64;
    let wn = w.weekday.num_days_from_monday() as i64;
    let back = (pn - wn).rem_euclid(7);
    let ahead = (wn - pn).rem_euclid(7);
    match w.tense {
        Tense::Past => back,
        Tense::Future => ahead,
        Tense::Unknown => back.min(ahead),
    }
}

/// The occurrence of month/day a mention refers to, seen from publication day `p`. News
/// style leaves the year off dates of the current year, so the occurrence in `p`'s year is
/// meant unless it lies on the wrong side of `p` (a past event in December seen from January):
/// then the one in the year before (past) or after (future). Mentions of unknown tense keep
/// the occurrence in `p`'s year.
pub(crate) fn resolve(p: NaiveDate, m: &DatedMention) -> Option<NaiveDate> {
    if let Some(y) = m.year {
        return NaiveDate::from_ymd_opt(y, m.month, m.day);
    }
    let same = NaiveDate::from_ymd_opt(p.year(), m.month, m.day);
    if m.tense == Tense::Unknown && !m.in_caption && same.is_some() {
        return same;
    }
    let past = m.in_caption || m.tense == Tense::Past;
    match same {
        Some(d) if (past && d <= p) || (!past && d >= p) => Some(d),
        _ => NaiveDate::from_ymd_opt(p.year() + if past { -1 } else { 1 }, m.month, m.day),
    }
}

/// Constraint levels: 0 = all; 1 = without the news-style week gap. Mentions of unknown tense
/// are not ordered against publication.
pub(crate) fn fits(p: NaiveDate, ev: &DateEvidence, level: u8) -> bool {
    ev.dated.iter().all(|m| {
        resolve(p, m).is_some_and(|d| {
            let other_year = m.year.is_none() && d.year() != p.year();
            mention_fits(m, days_between(d, p), other_year, level)
        })
    })
}

/// Whether mention `m`, resolved to a date `gap` days before publication (`other_year`: a
/// yearless mention resolved into another year), fits at constraint `level`.
fn mention_fits(m: &DatedMention, gap: i64, other_year: bool, level: u8) -> bool {
    if m.in_caption {
        return (0..=7).contains(&gap);
    }
    let ok_order = match m.tense {
        Tense::Future => gap <= 0,
        Tense::Past => gap >= 0,
        Tense::Unknown => true,
    };
    ok_order && !(other_year && gap.abs() > CROSS_YEAR_REACH) && !(level < 1 && gap.abs() < 7)
}

/// [`fits`] for many days in turn, on day numbers: the dates each mention can resolve to are
/// made once per year and compared as integers. (Making and subtracting dates for every day and
/// mention was most of the cost of [`infer`], which tests up to 800 days.)
struct Fitter<'e> {
    ev: &'e DateEvidence,
    year: Option<i32>,
    /// Per mention of `ev.dated`, what [`resolve`] chooses from for the days of `year`.
    occurrences: Vec<Occurrences>,
}

/// A mention's dates for the days of one year, as days from the Common Era (as
/// `NaiveDate::num_days_from_ce`): `same`, its date in that year (or in its own year), and
/// `other`, its date in the year before (said in the past, or in a caption) or after.
#[derive(Debug, Clone, Copy)]
struct Occurrences {
    same: Option<i32>,
    other: Option<i32>,
}

impl<'e> Fitter<'e> {
    fn new(ev: &'e DateEvidence) -> Self {
        Fitter { ev, year: None, occurrences: Vec::with_capacity(ev.dated.len()) }
    }

    fn fits(&mut self, p: NaiveDate, level: u8) -> bool {
        let year = p.year();
        if self.year != Some(year) {
            self.year = Some(year);
            let day = |y: i32, m: &DatedMention| NaiveDate::from_ymd_opt(y, m.month, m.day).map(|d| d.num_days_from_ce());
            self.occurrences.clear();
            self.occurrences.extend(self.ev.dated.iter().map(|m| match m.year {
                Some(own) => Occurrences { same: day(own, m), other: None },
                None => {
                    let past = m.in_caption || m.tense == Tense::Past;
                    Occurrences { same: day(year, m), other: day(year + if past { -1 } else { 1 }, m) }
                }
            }));
        }
        let p = p.num_days_from_ce();
        self.ev.dated.iter().zip(&self.occurrences).all(|(m, o)| {
            // `resolve`, and whether it left the year of `p` (only `other` does).
            let (d, other_year) = if m.year.is_some() || (m.tense == Tense::Unknown && !m.in_caption && o.same.is_some()) {
                (o.same, false)
            } else {
                let past = m.in_caption || m.tense == Tense::Past;
                match o.same {
                    Some(d) if (past && d <= p) || (!past && d >= p) => (Some(d), false),
                    _ => (o.other, true),
                }
            };
            d.is_some_and(|d| mention_fits(m, i64::from(p - d), other_year, level))
        })
    }
}

/// The weekday that fits the weekday mentions best, when exactly one does.
pub fn best_weekday(mentions: &[WeekdayMention]) -> Option<Weekday> {
    if mentions.is_empty() {
        return None;
    }
    // 2001-01-01 was a Monday; any week will do.
    let week: Vec<NaiveDate> = NaiveDate::from_ymd_opt(2001, 1, 1)?.iter_days().take(7).collect();
    let costs: Vec<i64> = week.iter().map(|p| mentions.iter().map(|w| weekday_cost(*p, w)).sum()).collect();
    let best = *costs.iter().min()?;
    let mut at = week.iter().zip(&costs).filter(|(_, c)| **c == best).map(|(d, _)| d.weekday());
    let first = at.next();
    if at.next().is_some() { None } else { first }
}

/// Infers the publication day from the evidence (see the module comment).
pub fn infer(ev: &DateEvidence) -> PublicationEstimate {
    // Candidate days.
    let captions: Vec<NaiveDate> = ev
        .dated
        .iter()
        .filter(|m| m.in_caption)
        .filter_map(|m| NaiveDate::from_ymd_opt(m.year?, m.month, m.day))
        .collect();
    let full: Vec<NaiveDate> = ev.dated.iter().filter_map(|m| NaiveDate::from_ymd_opt(m.year?, m.month, m.day)).collect();
    let (lo, hi) = if let Some(y) = ev.publication_year {
        match (NaiveDate::from_ymd_opt(y, 1, 1), NaiveDate::from_ymd_opt(y, 12, 31)) {
            (Some(a), Some(b)) => (a, b),
            _ => return PublicationEstimate::unknown("publication year out of range"),
        }
    } else if let (Some(a), Some(b)) = (captions.iter().min(), captions.iter().max()) {
        (*a, *b + Duration::days(7))
    } else if let Some(latest) = full.iter().max() {
        (*latest - Duration::days(400), *latest + Duration::days(400))
    } else {
        let mut e = PublicationEstimate::unknown("no year in the text: neither a full date nor a copyright year");
        e.weekday = best_weekday(&ev.weekdays);
        return e;
    };
    let days = || lo.iter_days().take_while(move |d| *d <= hi).take(800);

    // Constraint tiers: relax the news-style gap, then tense order, before giving up.
    let mut level = 0u8;
    let mut fitting: Vec<NaiveDate> = Vec::new();
    let mut fitter = Fitter::new(ev);
    while level <= 1 {
        fitting = days().filter(|p| fitter.fits(*p, level)).collect();
        if !fitting.is_empty() {
            break;
        }
        level += 1;
    }
    if fitting.is_empty() {
        let mut e = PublicationEstimate::unknown("the dated mentions contradict each other or the year");
        e.weekday = best_weekday(&ev.weekdays);
        return e;
    }

    // Best weekday fit.
    // A day's weekday distance depends on its weekday only: seven sums, not one per fitting day.
    let by_weekday: [i64; 7] = std::array::from_fn(|k| {
        // 2001-01-01 was a Monday: its week's day k has weekday k.
        let p = NaiveDate::from_ymd_opt(2001, 1, 1 + k as u32).expect("a day of January 2001");
        ev.weekdays.iter().map(|w| weekday_cost(p, w)).sum()
    });
    let cost = |p: &NaiveDate| by_weekday[p.weekday().num_days_from_monday() as usize];
    let best = fitting.iter().map(cost).min().unwrap_or(0);
    let tied: Vec<NaiveDate> = fitting.iter().copied().filter(|p| cost(p) == best).collect();
    let weekday = if ev.weekdays.is_empty() { None } else { tied.first().map(|d| d.weekday()) };
    let n = tied.len();
    let relaxed = if level == 0 { "" } else { "; news-style week gap relaxed" };

    let has_caption = !captions.is_empty() || ev.dated.iter().any(|m| m.in_caption);
    let futures: Vec<&DatedMention> = ev.dated.iter().filter(|m| !m.in_caption && m.tense == Tense::Future).collect();
    let pasts: Vec<&DatedMention> = ev.dated.iter().filter(|m| !m.in_caption && m.tense != Tense::Future).collect();
    if ev.weekdays.is_empty() {
        if has_caption {
            return PublicationEstimate {
                date: Some(tied[0]),
                basis: PublishedBasis::InferredCaption,
                tied: 1,
                weekday: None,
                note: format!("no weekday mentions; the caption date, as the earliest day it allows{relaxed}"),
            };
        }
        return PublicationEstimate::unknown("dated mentions but no weekday to place the story among them");
    }
    let (chosen, how) = if n == 1 {
        (tied[0], "the only day that fits")
    } else if has_caption {
        (tied[0], "earliest fitting day after the caption date")
    } else if !futures.is_empty() {
        (*tied.last().unwrap(), "fitting day nearest the next dated event")
    } else if !pasts.is_empty() {
        (tied[0], "earliest fitting day after the last dated event")
    } else {
        return PublicationEstimate {
            date: None,
            basis: PublishedBasis::Unknown,
            tied: n,
            weekday,
            note: format!("{n} days fit the weekday mentions and nothing dated narrows them"),
        };
    };
    if n > MAX_TIED {
        return PublicationEstimate {
            date: None,
            basis: PublishedBasis::Unknown,
            tied: n,
            weekday,
            note: format!("{n} days fit equally well; the text does not pin the date"),
        };
    }
    let basis = PublishedBasis::InferredWeekday;
    PublicationEstimate {
        date: Some(chosen),
        basis,
        tied: n,
        weekday,
        note: format!(
            "{n} day(s) fit {} weekday and {} dated mention(s) (weekday distance {best}); chose {how}{relaxed}",
            ev.weekdays.len(),
            ev.dated.len()
        ),
    }
}

#[cfg(test)]
mod tests {

    /// Next state of the seeded generator the randomized tests below draw their texts from.
    fn lcg(seed: u64) -> u64 {
        seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407)
    }

    /// The definition `sentence_ranges` keeps: every word token, then the character after it.
    fn sentence_ranges_by_words(line: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        let ws = words(line);
        for (k, (p, w)) in ws.iter().enumerate() {
            let end = p + w.len();
            let next = line[end..].chars().next();
            if !matches!(next, Some('.' | '!' | '?')) {
                continue;
            }
            let is_abbrev = next == Some('.') && is_abbreviation(w);
            let next_word_upper = ws.get(k + 1).is_none_or(|(_, nw)| nw.chars().next().is_some_and(|c| c.is_uppercase() || c.is_numeric()));
            if !is_abbrev && next_word_upper {
                out.push((start, end + 1));
                start = end + 1;
            }
        }
        if start < line.len() {
            out.push((start, line.len()));
        }
        out
    }

    #[test]
    fn sentence_ranges_visit_stops_as_the_word_list_did() {
        let pieces = ["Dec", ".", " ", "U", "S", "!", "?", "A", "word", "’", "'", "é", "Éric", "1", "٢", "\n", "“", "Mr", "Calif", "x.y", "..."];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..20000 {
            let mut t = String::new();
            seed = lcg(seed);
            for k in 0..(seed >> 60) as usize + 2 {
                t.push_str(pieces[((seed >> (3 * k)) as usize) % pieces.len()]);
            }
            assert_eq!(sentence_ranges(&t), sentence_ranges_by_words(&t), "{t:?}");
        }
    }

    #[test]
    fn stops_are_the_byte_filter() {
        let pieces = ["a", ".", "!", "?", " ", "é", "word ", "Sentence one. ", "x", "…", "“"];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..5000 {
            seed = lcg(seed);
            let n = (seed >> 56) as usize;
            let t: String = (0..n).map(|k| pieces[((seed >> (k % 60)) as usize ^ k) % pieces.len()]).collect();
            let want: Vec<(usize, u8)> = t.bytes().enumerate().filter(|(_, b)| matches!(b, b'.' | b'!' | b'?')).collect();
            assert_eq!(stops(t.as_bytes()).collect::<Vec<_>>(), want, "{t:?}");
            assert_eq!(sentence_ranges(&t), sentence_ranges_by_words(&t), "{t:?}");
        }
    }

    #[test]
    fn has_ascii_digit_is_the_byte_scan() {
        let pieces = ["a", "0", "9", "/", ":", " ", "é", "٢", "x", "Monday"];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..20000 {
            let mut t = String::new();
            seed = lcg(seed);
            // Mostly digit-free texts of up to ~100 bytes, a digit anywhere in the rest.
            for k in 0..(seed >> 58) as usize {
                let i = ((seed >> (k % 50)) as usize).wrapping_add(k * 7) % pieces.len();
                t.push_str(if k % 3 == 0 || (seed >> 57) & 1 == 1 { pieces[i] } else { "ab" });
            }
            assert_eq!(has_ascii_digit(t.as_bytes()), t.bytes().any(|b| b.is_ascii_digit()), "{t:?}");
        }
    }

    #[test]
    fn no_decimal_digit_between_u2000_and_u9fff() {
        let all: String = ('\u{2000}'..='\u{9FFF}').collect();
        assert!(!may_hold_non_ascii_digit(all.as_bytes()));
        assert!(!DIGIT.is_match(&all), "a decimal digit the byte scan would miss");
    }

    #[test]
    fn may_hold_digit_is_the_regex() {
        let pieces = ["a", "0", " ", "é", "٢", "“", "’", "—", "１", "①", "४", "𝟘", "€", "x", "Monday", "Кремль"];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20000 {
            seed = lcg(seed);
            let n = (seed >> 58) as usize;
            let t: String = (0..n).map(|k| pieces[((seed >> (k % 50)) as usize).wrapping_add(k * 7) % pieces.len()]).collect();
            assert_eq!(may_hold_digit(&t), DIGIT.is_match(&t), "{t:?}");
        }
    }

    #[test]
    fn trim_possessive_is_the_trim_end_matches_it_replaces() {
        let pieces = ["'s", "’s", "'", "’", "s", "said", "Putin", "é", "S", "'S"];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20000 {
            let mut w = String::new();
            seed = lcg(seed);
            for k in 0..(seed >> 61) as usize {
                w.push_str(pieces[((seed >> (4 * k)) as usize) % pieces.len()]);
            }
            assert_eq!(trim_possessive(&w), w.trim_end_matches("'s").trim_end_matches("’s"), "{w:?}");
        }
    }

    #[test]
    fn cue_words_are_the_listed_ones() {
        let future = ["will", "won't", "shall", "expected", "due", "slated", "scheduled", "plans", "planned", "planning", "upcoming", "next", "ahead", "going", "intends", "until", "coming", "later", "would"];
        let past = ["said", "says", "told", "was", "were", "had", "did", "last", "ago", "earlier", "met", "spoke", "held", "took", "made", "gave", "began", "sent", "saw", "came", "went", "wrote", "led", "rose", "fell", "won", "lost", "left", "ran", "struck", "hit", "put", "set", "brought", "sought", "thought", "kept", "paid", "understood"];
        for w in future {
            assert_eq!(cue(w), Some(Tense::Future), "{w}");
            assert_eq!(cue(&format!("{}’s", w.to_uppercase())), Some(Tense::Future), "{w}");
        }
        for w in past {
            assert_eq!(cue(w), Some(Tense::Past), "{w}");
        }
        for w in ["Putin", "wills", "sai", "need", "the", "Monday"] {
            assert_eq!(cue(w), None, "{w}");
        }
    }
    use super::*;

    #[test]
    fn days_between_is_the_duration_in_days() {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let start = ymd(1790, 1, 1);
        for _ in 0..20000 {
            seed = lcg(seed);
            let a = start + Duration::days((seed >> 20) as i64 % 160_000);
            let b = start + Duration::days((seed >> 40) as i64 % 160_000);
            assert_eq!(days_between(a, b), (b - a).num_days(), "{a} {b}");
        }
    }

    #[test]
    fn weekday_matches_hold_day() {
        // `add_mentions` skips the WEEKDAY search in sentences without "day".
        let pieces = ["Monday", "Tues", "day", "Day", "DAY", "’s", "'s", "Sunday’s", "today", " ", "x", "é", "Fri"];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut found = 0;
        for _ in 0..20000 {
            seed = lcg(seed);
            let t: String = (0..(seed >> 60) as usize).map(|k| pieces[((seed >> (4 * k)) as usize) % pieces.len()]).collect();
            for m in WEEKDAY.find_iter(&t) {
                assert!(m.as_str().contains("day"), "{t:?}");
                found += 1;
            }
        }
        assert!(found > 1000, "{found}");
    }

    #[test]
    fn lower_is_to_lowercase() {
        let pieces = ["a", "B", "said", "Putin", "É", "é", "’s", "'", "X", "KYIV", "0"];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..20000 {
            seed = lcg(seed);
            let w: String = (0..(seed >> 60) as usize).map(|k| pieces[((seed >> (4 * k)) as usize) % pieces.len()]).collect();
            let (mut buf, mut owned) = ([0u8; 32], String::new());
            assert_eq!(lower(&w, &mut buf, &mut owned), w.to_lowercase(), "{w:?}");
        }
    }

    #[test]
    fn fitter_is_fits_day_by_day() {
        // Random mentions (with and without a year, every tense, some in captions, Feb. 29)
        // tested on every day of 2019-2021 at both levels, in order as `infer` does and with
        // year changes back and forth.
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: u64| {
            seed = lcg(seed);
            (seed >> 33) % n
        };
        let days: Vec<NaiveDate> = ymd(2019, 1, 1).iter_days().take_while(|d| d.year() <= 2021).collect();
        for _ in 0..300 {
            let dated = (0..next(5))
                .map(|_| DatedMention {
                    month: 1 + next(12) as u32,
                    day: if next(8) == 0 { 29 } else { 1 + next(31) as u32 },
                    year: [None, None, Some(2019), Some(2020), Some(2021)][next(5) as usize],
                    tense: [Tense::Past, Tense::Future, Tense::Unknown][next(3) as usize],
                    in_caption: next(4) == 0,
                })
                .collect();
            let ev = DateEvidence { dated, ..Default::default() };
            let mut fitter = Fitter::new(&ev);
            for level in 0..=1 {
                for &p in days.iter().chain(days.iter().rev().step_by(97)) {
                    assert_eq!(fitter.fits(p, level), fits(p, &ev, level), "{p} level {level}: {:?}", ev.dated);
                }
            }
        }
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn finds_dates_in_common_forms() {
        let s = "on Dec. 7, 2021. Talks on Jan. 10 and 8 December 2021, not March or April; 2021-12-30.";
        let d = find_dates(s);
        assert_eq!(d.len(), 4);
        assert_eq!((d[0].month, d[0].day, d[0].year), (12, 7, Some(2021)));
        assert_eq!((d[1].month, d[1].day, d[1].year), (1, 10, None));
        assert_eq!((d[2].month, d[2].day, d[2].year), (12, 8, Some(2021)));
        assert_eq!((d[3].month, d[3].day, d[3].year), (12, 30, Some(2021)));
        assert!(find_dates("May 45 and Feb 30, 2021 are not dates").is_empty());
    }

    #[test]
    fn tense_from_nearby_cues() {
        let t = |s: &str, w: &str| {
            let i = s.find(w).unwrap();
            tense_at(s, i, i + w.len())
        };
        assert_eq!(t("Biden said Wednesday that troops are not on the table.", "Wednesday"), Tense::Past);
        assert_eq!(t("Putin on Wednesday called the talks constructive.", "Wednesday"), Tense::Past);
        assert_eq!(t("Biden is due to brief Zelensky on the results of the talks on Thursday.", "Thursday"), Tense::Future);
        assert_eq!(t("talks that will begin in Geneva on Jan. 10", "Jan. 10"), Tense::Future);
        assert_eq!(t("the two leaders last spoke on Dec. 3.", "Dec. 3"), Tense::Past);
        assert_eq!(t("On Monday, Zelensky visited troops", "Monday"), Tense::Past);
    }

    #[test]
    fn sentences_do_not_split_at_abbreviations() {
        let s = "Mr. Putin met Gen. Mark A. Milley on Dec. 3. Then he left.";
        let r = sentence_ranges(s);
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(&s[r[0].0..r[0].1], "Mr. Putin met Gen. Mark A. Milley on Dec. 3.");
    }

    #[test]
    fn caption_and_weekday_pin_the_day() {
        let ev = DateEvidence {
            dated: vec![DatedMention { month: 12, day: 7, year: Some(2021), tense: Tense::Past, in_caption: true }],
            weekdays: vec![
                WeekdayMention { weekday: Weekday::Wed, tense: Tense::Past },
                WeekdayMention { weekday: Weekday::Tue, tense: Tense::Past },
                WeekdayMention { weekday: Weekday::Thu, tense: Tense::Future },
            ],
            publication_year: None,
            ..Default::default()
        };
        let e = infer(&ev);
        assert_eq!(e.date, Some(ymd(2021, 12, 8)));
        assert_eq!(e.basis, PublishedBasis::InferredWeekday);
        assert_eq!(e.tied, 1);
    }

    #[test]
    fn caption_alone_gives_caption_basis() {
        let ev = DateEvidence {
            dated: vec![DatedMention { month: 3, day: 2, year: Some(2020), tense: Tense::Unknown, in_caption: true }],
            ..Default::default()
        };
        let e = infer(&ev);
        assert_eq!(e.date, Some(ymd(2020, 3, 2)));
        assert_eq!(e.basis, PublishedBasis::InferredCaption);
    }

    #[test]
    fn no_year_no_date() {
        let ev = DateEvidence {
            dated: vec![DatedMention { month: 1, day: 10, year: None, tense: Tense::Future, in_caption: false }],
            weekdays: vec![WeekdayMention { weekday: Weekday::Thu, tense: Tense::Past }],
            publication_year: None,
            ..Default::default()
        };
        let e = infer(&ev);
        assert_eq!(e.date, None);
        assert_eq!(e.basis, PublishedBasis::Unknown);
    }

    #[test]
    fn weekday_only_with_year_is_too_vague() {
        let ev = DateEvidence {
            weekdays: vec![WeekdayMention { weekday: Weekday::Mon, tense: Tense::Past }],
            publication_year: Some(2021),
            ..Default::default()
        };
        let e = infer(&ev);
        assert_eq!(e.date, None);
        assert_eq!(e.weekday, Some(Weekday::Mon));
    }

    #[test]
    fn conflicting_weekdays_still_give_a_documented_best_guess() {
        // "said Monday" and "said Friday" and "will meet Monday": cannot all be within a week
        // in the strict sense; the weekday-distance sum still ranks days.
        let ev = DateEvidence {
            dated: vec![DatedMention { month: 6, day: 1, year: Some(2022), tense: Tense::Unknown, in_caption: true }],
            weekdays: vec![
                WeekdayMention { weekday: Weekday::Mon, tense: Tense::Past },
                WeekdayMention { weekday: Weekday::Fri, tense: Tense::Past },
                WeekdayMention { weekday: Weekday::Mon, tense: Tense::Future },
                WeekdayMention { weekday: Weekday::Sun, tense: Tense::Future },
            ],
            publication_year: None,
            ..Default::default()
        };
        let e = infer(&ev);
        let d = e.date.expect("a best guess");
        assert!(d >= ymd(2022, 6, 1) && d <= ymd(2022, 6, 8));
        assert!(!e.note.is_empty());
    }
}
