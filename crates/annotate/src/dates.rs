//! Dates: temporal expressions in the clean text, resolved to ISO 8601 / TIMEX3 values against
//! the document's publication date ([`DateRow`]s).
//!
//! A cascade of pattern rules proposes spans ("Dec. 7, 2021", "on Thursday" -> "Thursday",
//! "earlier this month", "two-hour", "3:35 p.m. EST"); overlapping proposals are settled in favour
//! of the longest. Each rule then resolves its span:
//! - absolute expressions ("Dec. 7, 2021", "since 2014", "the 1990s") need no anchor;
//! - relative ones ("Thursday", "Jan. 10", "next month", "last week", "a year ago") are resolved
//!   against the publication date, and stay unresolved (value null) when there is none;
//! - a weekday is the nearest such day looking back, or forward when the sentence speaks of the
//!   future ("will", "next", "scheduled"); a month or a day without a year takes the year that puts
//!   it closest to the anchor ("Jan. 10" in a late-December article is next January).
//!
//! Values follow TimeML: 2021-12-30, 2021-12, 2021-W49, 2021-W49-WE, 2021-Q3, 2021-SU, 2021,
//! 202 (decade), 20 (century), 2021-12-30T15:35, PT2H / P50Y / PXY (durations), P1W or
//! XXXX-WXX-4 (sets: "weekly", "every Thursday"), PRESENT_REF / PAST_REF / FUTURE_REF ("now",
//! "recently", "in recent years", "the future"; granularity day, or year for "recent years").
//! A weekday with a part of the day ("Thursday evening") keeps the part in its span but takes the
//! day as value, as TimeML annotators mostly do; "tonight", "this morning" get TNI/TMO times.
//!
//! Tuned on TempEval-3 TBAQ-cleaned (see [`eval`]); `rule` in each row names the pattern that
//! produced it, so users can filter rules they do not trust.

pub mod eval;

pub use eval::{DateEvalError, eval_timeml};

use std::collections::BTreeMap;
use std::sync::{LazyLock, OnceLock};

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use pipeline::text::CharMap;
use pipeline::{CorpusKnowledge, DateRow, DocStep, Document, Granularity, StepError};
use aho_corasick::AhoCorasick;
use regex::Captures;

use pipeline::word_regex::{WordRegex, WordText};

/// The `dates` annotate step.
#[derive(Debug, Default, Clone)]
pub struct DateTagger;

/// One temporal expression, with byte offsets into the text it was found in.
#[derive(Debug, Clone, PartialEq)]
pub struct Timex {
    pub start: usize,
    pub end: usize,
    /// TIMEX3 value; None when the expression is relative and there is no anchor.
    pub value: Option<String>,
    pub granularity: Granularity,
    /// Whether the value depends on the anchor date.
    pub relative: bool,
    pub rule: &'static str,
}

impl DateTagger {
    pub fn new() -> Self {
        DateTagger
    }

    /// Temporal expressions of `text` in text order, resolved against `anchor` (publication date).
    pub fn find(&self, text: &str, anchor: Option<NaiveDate>) -> Vec<Timex> {
        find_timexes(text, anchor)
    }
}

impl DocStep for DateTagger {
    fn name(&self) -> &'static str {
        "dates"
    }

    fn apply(&self, doc: &mut Document, _corpus: &CorpusKnowledge) -> Result<(), StepError> {
        let anchor = doc.meta.published.as_deref().and_then(parse_anchor);
        let anchor_s = anchor.map(|a| a.format("%Y-%m-%d").to_string());
        let map = CharMap::new(&doc.text);
        for t in find_timexes(&doc.text, anchor) {
            doc.dates.push(DateRow {
                doc_id: doc.doc_id.clone(),
                start: map.char_of(t.start),
                end: map.char_of(t.end),
                text: doc.text[t.start..t.end].to_string(),
                anchor: if t.relative && t.value.is_some() { anchor_s.clone() } else { None },
                value: t.value,
                granularity: t.granularity,
                rule: t.rule.to_string(),
            });
        }
        Ok(())
    }
}

/// The date part of an ISO date or date-time ("2021-12-30", "2021-12-30T10:00:00Z").
pub fn parse_anchor(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

// ---------------------------------------------------------------------------------------------
// Patterns

const MONTH_FULL: &str = "January|February|March|April|May|June|July|August|September|October|November|December";
const MONTH_ABBR: &str = r"Jan\.?|Feb\.?|Mar\.|Apr\.?|Jun\.|Jul\.|Aug\.?|Sept\.?|Sep\.|Oct\.?|Nov\.?|Dec\.?";
const WEEKDAY: &str = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday";
const NUMW: &str = r"\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|a hundred|several|a few|few|many|a couple of|couple of|some";
const UNIT: &str = "seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|years?|decades?|centuries|century|quarters?";

fn wre(p: &str) -> WordRegex {
    WordRegex::new(p).unwrap_or_else(|e| panic!("bad date pattern {p}: {e}"))
}

/// A rule's pattern, compiled when a text first needs its scan: a rule whose words no text of
/// the run has is never compiled (compiling all 28 was a third of a small run's start-up).
struct LazyWordRegex {
    pattern: String,
    re: OnceLock<WordRegex>,
}

fn lazy_wre(p: &str) -> LazyWordRegex {
    LazyWordRegex { pattern: p.to_string(), re: OnceLock::new() }
}

impl std::ops::Deref for LazyWordRegex {
    type Target = WordRegex;

    fn deref(&self) -> &WordRegex {
        self.re.get_or_init(|| wre(&self.pattern))
    }
}

struct Rule {
    name: &'static str,
    re: LazyWordRegex,
    resolve: fn(&Captures, &Ctx) -> Option<Res>,
    /// Words every match of `re` contains, ASCII case aside: one of each group. A text missing
    /// every word of a group has no match, so its scan is skipped ([`Keywords`]); most rules
    /// match in few texts, and each scan is a pass over the whole text. Empty: always scanned.
    needs: &'static [&'static [&'static str]],
}

/// What a rule makes of its match; `None` from a rule means "not a temporal expression here".
struct Res {
    value: Option<String>,
    granularity: Granularity,
    relative: bool,
}

fn abs(value: String, granularity: Granularity) -> Option<Res> {
    Some(Res { value: Some(value), granularity, relative: false })
}

fn rel(value: Option<String>, granularity: Granularity) -> Option<Res> {
    Some(Res { value, granularity, relative: true })
}

struct Ctx<'a> {
    text: &'a str,
    /// `text` prepared for word-boundary searches.
    words: &'a WordText<'a>,
    anchor: Option<NaiveDate>,
    start: usize,
    end: usize,
}

/// First three letters of every month name and abbreviation.
const MONTHS3: &[&str] = &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
/// A word in every alternative of [`UNIT`].
const UNITS: &[&str] = &["second", "minute", "hour", "day", "week", "fortnight", "month", "year", "decade", "centur", "quarter"];
const SEASONS: &[&str] = &["spring", "summer", "fall", "autumn", "winter"];
/// Every match of the numeric rules holds an ASCII digit wherever keyword skipping applies: a text
/// with a non-ASCII digit is searched with the Unicode forms ([`WordText`]), which skip nothing.
const DIGITS: &[&str] = &["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    let month = format!("{MONTH_FULL}|{MONTH_ABBR}");
    vec![
        Rule {
            name: "month_day_year",
            re: lazy_wre(&format!(r"\b(?:(?P<wd>{WEEKDAY}),?\s+)?(?P<mon>{month})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b")),
            needs: &[MONTHS3, DIGITS],
            resolve: |c, _| abs_day(&c["year"], &c["mon"], &c["day"]),
        },
        Rule {
            name: "day_month_year",
            re: lazy_wre(&format!(r"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{month}),?\s+(?P<year>\d{{4}})\b")),
            needs: &[MONTHS3, DIGITS],
            resolve: |c, _| abs_day(&c["year"], &c["mon"], &c["day"]),
        },
        Rule {
            name: "month_day",
            re: lazy_wre(&format!(r"\b(?:(?P<wd>{WEEKDAY}),?\s+)?(?P<mon>{month})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b")),
            needs: &[MONTHS3, DIGITS],
            resolve: month_day,
        },
        Rule {
            name: "day_month",
            re: lazy_wre(&format!(r"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MONTH_FULL}|{MONTH_ABBR})\b")),
            needs: &[MONTHS3, DIGITS],
            resolve: month_day,
        },
        Rule {
            name: "iso_date",
            re: lazy_wre(r"\b(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})\b"),
            needs: &[DIGITS],
            resolve: |c, _| abs_day(&c["year"], &c["mon"], &c["day"]),
        },
        Rule {
            name: "us_numeric_date",
            re: lazy_wre(r"\b(?P<mon>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})\b"),
            needs: &[DIGITS],
            resolve: |c, _| abs_day(&c["year"], &c["mon"], &c["day"]),
        },
        Rule {
            name: "month_year",
            re: lazy_wre(&format!(r"\b(?:(?P<mod>[Ee]arly|[Ll]ate|[Mm]id-?|the end of|the beginning of|the middle of|the start of)\s*)?(?P<mon>{month}),?\s+(?:of\s+)?(?P<year>\d{{4}})\b")),
            needs: &[MONTHS3, DIGITS],
            resolve: |c, _| {
                let m = month_number(&c["mon"])?;
                abs(format!("{}-{m:02}", &c["year"]), Granularity::Month)
            },
        },
        Rule {
            name: "month_relative_year",
            re: lazy_wre(&format!(r"\b(?P<mon>{MONTH_FULL}|{MONTH_ABBR})\s+(?:of\s+)?(?P<det>last|this|next) year\b")),
            needs: &[MONTHS3, &["year"]],
            resolve: |c, ctx| {
                let m = month_number(&c["mon"])?;
                let step = match &c["det"] {
                    "last" => -1,
                    "next" => 1,
                    _ => 0,
                };
                let y = ctx.anchor.map(|a| format!("{:04}-{m:02}", a.year() + step));
                rel(y, Granularity::Month)
            },
        },
        Rule {
            name: "month",
            re: lazy_wre(&format!(r"\b(?:(?P<mod>[Ee]arly|[Ll]ate|[Mm]id-|[Ee]arlier|[Ll]ater|[Ll]ast|[Nn]ext|[Tt]his|[Tt]his past|[Tt]his coming|[Cc]oming|the (?:end|beginning|middle|start) of)\s*)?(?P<mon>{MONTH_FULL})\b")),
            needs: &[MONTHS3],
            resolve: bare_month,
        },
        Rule {
            name: "decade",
            re: lazy_wre(r"\b(?:[Tt]he\s+)?(?:(?:early|late|mid-|mid)\s*)?(?:(?P<c>1[5-9]|20)(?P<d>\d)0s\b|['’](?P<d2>\d)0s\b)"),
            needs: &[&["0s"]],
            resolve: |c, ctx| {
                if let (Some(cen), Some(d)) = (c.name("c"), c.name("d")) {
                    return abs(format!("{}{}", cen.as_str(), d.as_str()), Granularity::Decade);
                }
                let d: u32 = c.name("d2")?.as_str().parse().ok()?;
                // '90s is the 1990s; '10s the 2010s when the anchor is past them.
                let ay = ctx.anchor.map_or(2000, |a| a.year());
                let cen = if 2000 + d as i32 * 10 <= ay { 20 } else { 19 };
                abs(format!("{cen}{d}"), Granularity::Decade)
            },
        },
        Rule {
            name: "year",
            re: lazy_wre(r"\b(?:(?P<mod>[Ff]iscal|[Ee]arly|[Ll]ate|[Mm]id-|the end of|the beginning of|the year)\s*)?(?P<year>1[6-9]\d\d|20\d\d)\b"),
            needs: &[DIGITS],
            resolve: year,
        },
        Rule {
            name: "weekday",
            re: lazy_wre(&format!(r"\b(?:(?P<mod>[Ll]ast|[Nn]ext|[Tt]his|[Tt]his past|[Tt]his coming|[Cc]oming|[Pp]ast)\s+)?(?P<wd>{WEEKDAY})(?:\s+(?P<part>morning|afternoon|evening|night))?\b")),
            needs: &[WEEKDAYS],
            resolve: weekday,
        },
        Rule {
            name: "relative_day",
            re: lazy_wre(r"(?i)\b(?:(?P<w>today|yesterday|tomorrow|tonight|last night)(?:\s+(?P<part>morning|afternoon|evening|night))?|this\s+(?P<part2>morning|afternoon|evening)|the day before yesterday|the day after tomorrow)\b"),
            needs: &[&["today", "yesterday", "tomorrow", "night", "morning", "afternoon", "evening"]],
            resolve: relative_day,
        },
        Rule {
            name: "reference",
            re: lazy_wre(r"(?i)\b(?:now|currently|recently|the past|the future|the near future|nowadays|these days|at present|presently)\b"),
            needs: &[&["now", "currently", "recently", "past", "future", "these", "present"]],
            resolve: |c, _| {
                let w = c[0].to_lowercase();
                let v = match w.as_str() {
                    "recently" | "the past" => "PAST_REF",
                    "the future" | "the near future" => "FUTURE_REF",
                    _ => "PRESENT_REF",
                };
                Some(Res { value: Some(v.into()), granularity: Granularity::Day, relative: true })
            },
        },
        Rule {
            name: "relative_unit",
            re: lazy_wre(r"(?i)\b(?:(?P<pre>earlier|later|early|late|mid-|the end of|the beginning of|the start of|the middle of)\s*)?(?P<det>this|last|next|past|previous|coming|the past|the last|the next|the coming|the previous|this past|this coming)\s+(?P<u>week|weekend|month|year|quarter|decade|century|spring|summer|fall|autumn|winter)\b"),
            needs: &[&["this", "last", "next", "past", "previous", "coming"], &["week", "month", "year", "quarter", "decade", "century", "spring", "summer", "fall", "autumn", "winter"]],
            resolve: relative_unit,
        },
        Rule {
            name: "span_duration",
            re: lazy_wre(&format!(r"(?i)\b(?:the\s+)?(?:past|last|next|coming|previous|first|final)\s+(?P<n>{NUMW})\s+(?P<u>{UNIT})(?:\s+or\s+so)?\b")),
            needs: &[&["past", "last", "next", "coming", "previous", "first", "final"], UNITS],
            resolve: duration,
        },
        Rule {
            name: "ago",
            re: lazy_wre(&format!(r"(?i)\b(?P<n>{NUMW})\s+(?P<u>{UNIT})\s+(?P<dir>ago|earlier|from now|hence)\b")),
            needs: &[&["ago", "earlier", "now", "hence"], UNITS],
            resolve: ago,
        },
        Rule {
            name: "the_duration",
            re: lazy_wre(&format!(r"(?i)\bthe\s+(?:first\s+|latest\s+|full\s+|entire\s+)?(?P<n>{NUMW})\s+(?P<u>{UNIT})\b")),
            needs: &[UNITS],
            resolve: |c, ctx| {
                // "the two days of talks" is a duration; "the one day" and "the a ..." are not.
                if matches!(c["n"].to_lowercase().as_str(), "a" | "an" | "some" | "many" | "few") {
                    return None;
                }
                duration(c, ctx)
            },
        },
        Rule {
            name: "duration",
            re: lazy_wre(&format!(r"(?i)\b(?P<n>{NUMW})(?P<half>\s+1/2|½|\s+and\s+a\s+half)?(?:\s+(?:more|full|straight|consecutive|whole))?(?:\s+|-)(?P<u>{UNIT})\b")),
            needs: &[UNITS],
            resolve: duration,
        },
        Rule {
            name: "vague_duration",
            re: lazy_wre(r"(?i)\b(?:(?:several|a few|few|many|recent|coming|the coming|the past few|the last few|the next few)\s+)?(?P<u>years|months|weeks|days|hours|minutes|decades|centuries)\b"),
            needs: &[UNITS],
            resolve: |c, ctx| {
                let w = c[0].to_lowercase();
                if !w.contains(' ') && !is_bare_vague_duration(ctx) {
                    return None;
                }
                // "in recent years" is the recent past in TimeML, not a length of time.
                if w.starts_with("recent ") {
                    return rel(Some("PAST_REF".into()), Granularity::Year);
                }
                let u = unit_code(&c["u"])?;
                Some(Res { value: Some(format!("P{}X{}", if u.1 { "T" } else { "" }, u.0)), granularity: Granularity::Duration, relative: false })
            },
        },
        Rule {
            name: "weekend",
            re: lazy_wre(r"(?i)\bthe\s+weekend\b"),
            needs: &[&["weekend"]],
            resolve: |_, ctx| {
                let Some(a) = ctx.anchor else {
                    return rel(None, Granularity::Week);
                };
                // The weekend just past, unless the sentence looks ahead or it is the weekend now.
                let in_weekend = a.weekday().num_days_from_monday() >= 5;
                let d = if in_weekend || future_tense(ctx) { a } else { add_days(a, -7) };
                rel(Some(format!("{}-WE", week(d))), Granularity::Week)
            },
        },
        Rule {
            name: "ordinal_century",
            re: lazy_wre(r"(?i)\b(?:the\s+)?(?P<n>\d{1,2})(?:st|nd|rd|th)[\s-]+century\b"),
            needs: &[&["century"]],
            resolve: |c, _| {
                let n: u32 = c["n"].parse().ok()?;
                abs(format!("{:02}", n.checked_sub(1)?), Granularity::Century)
            },
        },
        Rule {
            name: "quarter",
            re: lazy_wre(r"(?i)\b(?:the\s+)?(?:(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|last|latest|current|final|fiscal)[\s-]+)?(?:fiscal\s+)?quarter\b(?:\s+of\s+(?P<year>\d{4}))?"),
            needs: &[&["quarter"]],
            resolve: quarter,
        },
        Rule {
            name: "season",
            re: lazy_wre(r"(?i)\b(?:(?P<det>this|last|next|the|early|late|this past|this coming|in)\s+)?(?P<s>spring|summer|fall|autumn|winter)\b(?:\s+(?:of\s+)?(?P<year>\d{4})\b)?"),
            needs: &[SEASONS],
            resolve: season,
        },
        Rule {
            name: "clock_time",
            re: lazy_wre(&format!(r"(?i)\b(?:(?P<h>\d{{1,2}})(?::(?P<m>[0-5]\d))?\s*(?P<ap>a\.m\.|p\.m\.|a\.m\b|p\.m\b|am\b|pm\b)|(?P<h2>\d{{1,2}}):(?P<m2>[0-5]\d)\b|(?P<word>noon|midnight)\b)(?:\s+(?P<tz>[ECMP][SD]T|GMT|UTC|BST|CET|MSK)\b)?(?-i:,?\s+(?:on\s+)?(?P<wd>{WEEKDAY})\b|,?\s+(?P<mon>{month})\s+(?P<day>\d{{1,2}})\b)?")),
            // Every time has an hour's digits or is noon or midnight: "am" alone is in too many words.
            needs: &[&["a.m", "p.m", "am", "pm", ":", "noon", "midnight"], &["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "noon", "midnight"]],
            resolve: clock_time,
        },
        Rule {
            name: "set",
            re: lazy_wre(r"(?i)\b(?:(?:every|each|per)\s+(?P<u>day|week|month|year|hour|season|night|morning)|(?P<adv>daily|weekly|monthly|annually|yearly|hourly|nightly))\b"),
            needs: &[&["every", "each", "per", "daily", "weekly", "monthly", "annually", "yearly", "hourly", "nightly"]],
            resolve: |c, _| {
                let v = match c.name("u").or(c.name("adv"))?.as_str().to_lowercase().as_str() {
                    "day" | "daily" | "night" | "nightly" | "morning" => "P1D",
                    "week" | "weekly" => "P1W",
                    "month" | "monthly" => "P1M",
                    "year" | "yearly" | "annually" => "P1Y",
                    "hour" | "hourly" => "PT1H",
                    _ => return None,
                };
                Some(Res { value: Some(v.into()), granularity: Granularity::Set, relative: false })
            },
        },
        Rule {
            name: "weekly",
            re: lazy_wre(&format!(r"\b(?:[Ee]very|[Ee]ach)\s+(?P<wd>{WEEKDAY})\b")),
            needs: &[&["every", "each"], WEEKDAYS],
            resolve: |c, _| {
                let wd: Weekday = c["wd"].parse().ok()?;
                Some(Res { value: Some(format!("XXXX-WXX-{}", wd.number_from_monday())), granularity: Granularity::Set, relative: false })
            },
        },
        Rule {
            name: "holiday",
            re: lazy_wre(r"\b(?:(?P<xmas>Christmas(?: Day| Eve)?)|(?P<ny>New Year(?:['’]s)?(?: Day| Eve)?)|(?P<thx>Thanksgiving(?: Day)?))\b"),
            needs: &[&["christmas", "new year", "thanksgiving"]],
            resolve: holiday,
        },
    ]
});

// ---------------------------------------------------------------------------------------------
// Resolvers

fn month_number(s: &str) -> Option<u32> {
    let l = s.trim_end_matches('.').to_ascii_lowercase();
    let i = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].iter().position(|m| l.starts_with(m))?;
    Some(i as u32 + 1)
}

fn abs_day(y: &str, m: &str, d: &str) -> Option<Res> {
    let y: i32 = y.parse().ok()?;
    let m = m.parse::<u32>().ok().or_else(|| month_number(m))?;
    let d: u32 = d.parse().ok()?;
    let date = NaiveDate::from_ymd_opt(y, m, d)?;
    abs(day(date), Granularity::Day)
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn week(d: NaiveDate) -> String {
    let w = d.iso_week();
    format!("{:04}-W{:02}", w.year(), w.week())
}

fn add_months(d: NaiveDate, n: i32) -> NaiveDate {
    if n >= 0 { d.checked_add_months(Months::new(n as u32)) } else { d.checked_sub_months(Months::new((-n) as u32)) }.unwrap_or(d)
}

fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 { d.checked_add_days(Days::new(n as u64)) } else { d.checked_sub_days(Days::new((-n) as u64)) }.unwrap_or(d)
}

/// A month and day without a year: the year that puts it closest to the anchor.
fn month_day(c: &Captures, ctx: &Ctx) -> Option<Res> {
    let m = month_number(&c["mon"])?;
    let d: u32 = c["day"].parse().ok()?;
    if !(1..=31).contains(&d) {
        return None;
    }
    // "May 5" at a sentence start is fine, but "May" alone as a verb never has a day after it.
    let after = &ctx.text[ctx.end..];
    let digit_after = |p: &str| after.strip_prefix(p).is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()));
    if after.starts_with(|c: char| c == '%' || c.is_ascii_digit()) || digit_after(":") || digit_after(",") || digit_after(".") {
        return None;
    }
    let Some(a) = ctx.anchor else {
        return rel(None, Granularity::Day);
    };
    let future = future_tense(ctx);
    let since = preceding_word(ctx) == "since";
    let best = (a.year() - 1..=a.year() + 1)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, m, d))
        .filter(|x| !since || *x <= a)
        .min_by_key(|x| lean((*x - a).num_days(), future))?;
    rel(Some(day(best)), Granularity::Day)
}

/// Distance of a candidate `diff` units after the anchor, weighted by tense: news reports the past,
/// so a future candidate counts half as much again, unless the sentence speaks of the future, when
/// a past one does.
fn lean(diff: i64, future: bool) -> i64 {
    match (diff > 0, future) {
        (true, false) => 3 * diff,
        (false, true) => -3 * diff,
        _ => 2 * diff.abs(),
    }
}

fn preceding_word(ctx: &Ctx) -> String {
    let (start, before) = preceding_word_at(ctx);
    before[start..].to_lowercase()
}

/// The text before the match (trailing space trimmed) and the byte offset in it where its last
/// word (letters, digits, hyphens) starts. Offsets come from the text as it stands: lower-casing
/// can change a word's length in bytes ("İ" is two bytes, "i̇" three).
fn preceding_word_at<'t>(ctx: &Ctx<'t>) -> (usize, &'t str) {
    let before = ctx.text[..ctx.start].trim_end();
    let start = before.rfind(|c: char| !c.is_alphanumeric() && c != '-').map_or(0, |i| i + before[i..].chars().next().map_or(1, char::len_utf8));
    (start, before)
}

fn bare_month(c: &Captures, ctx: &Ctx) -> Option<Res> {
    let m = month_number(&c["mon"])?;
    let modifier = c.name("mod").map(|x| x.as_str().to_lowercase());
    let pw = preceding_word(ctx);
    let after = ctx.text[ctx.end..].trim_start();
    // "May" is a verb and a name, "March" a noun and a verb: take them alone only after a word that
    // introduces a month.
    if modifier.is_none() && (m == 5 || m == 3) {
        let intro = ["in", "of", "since", "until", "till", "by", "from", "through", "to", "and", "or", "between", "before", "after", "during", "early", "late"];
        if !intro.contains(&pw.as_str()) || after.starts_with(|c: char| c.is_uppercase()) {
            return None;
        }
    }
    if pw == "the" && modifier.is_none() {
        return None;
    }
    let Some(a) = ctx.anchor else {
        return rel(None, Granularity::Month);
    };
    let (ay, am) = (a.year(), a.month() as i32);
    let key = |y: i32| y * 12 + m as i32;
    let now = ay * 12 + am;
    let y = match modifier.as_deref() {
        Some("last") | Some("this past") => (ay - 1..=ay).rev().find(|&y| key(y) < now)?,
        Some("next") | Some("coming") | Some("this coming") => (ay..=ay + 1).find(|&y| key(y) > now)?,
        Some("this") => ay,
        _ => {
            let future = future_tense(ctx);
            // "since March" is a month already begun.
            let since = pw == "since";
            (ay - 1..=ay + 1).filter(|&y| !since || key(y) <= now).min_by_key(|&y| (lean((key(y) - now) as i64, future), key(y) > now))?
        }
    };
    rel(Some(format!("{y:04}-{m:02}")), Granularity::Month)
}

fn year(c: &Captures, ctx: &Ctx) -> Option<Res> {
    let after = &ctx.text[ctx.end..];
    let before = ctx.text[..ctx.start].chars().next_back();
    if after.starts_with(|c: char| c == '%' || c == ':' || c == '/' || c == ',' && after[1..].starts_with(|d: char| d.is_ascii_digit()))
        || before.is_some_and(|b| "$€£#/:.,".contains(b) || b.is_ascii_digit())
        || after.starts_with('.') && after[1..].starts_with(|d: char| d.is_ascii_digit())
    {
        return None;
    }
    // A count, not a year: "2000 troops", "1800 people".
    let next_word: String = after.trim_start().chars().take_while(|c| c.is_alphabetic()).collect();
    if after.starts_with(' ') && ["people", "troops", "soldiers", "percent", "dollars", "euros", "men", "women", "jobs", "miles", "meters", "feet", "tons", "barrels", "units", "cases", "deaths", "votes"].contains(&next_word.to_lowercase().as_str()) {
        return None;
    }
    // Names with numbers: "Windows 2000", "Nord Stream 2", "Agenda 2030" follow a capitalised word.
    let pw = preceding_word(ctx);
    let raw_pw_upper = ctx.text[..ctx.start].trim_end().chars().rev().take_while(|c| c.is_alphanumeric()).last().is_some_and(char::is_uppercase);
    if c.name("mod").is_none() && raw_pw_upper && !["in", "since", "by", "until", "from", "of", "for", "before", "after", "through", "during", "copyright", "late", "early", "mid", "summer", "spring", "winter", "autumn", "fall"].contains(&pw.as_str()) {
        let (pw_start, before_pw) = preceding_word_at(ctx);
        let sentence_start = pw_start == 0 || before_pw[..pw_start].trim_end().ends_with(['.', '\n', '“', '"']);
        if !sentence_start {
            return None;
        }
    }
    abs(c["year"].to_string(), Granularity::Year)
}

/// Whether the sentence around the match speaks of the future.
fn future_tense(ctx: &Ctx) -> bool {
    static FUTURE: LazyLock<WordRegex> = LazyLock::new(|| {
        wre(r"(?i)\b(?:will|shall|going to|is to|are to|scheduled|expected to|plans?|planning|due to|set to|upcoming|next|as (?:soon|early) as|until|would be)\b|['’]ll\b")
    });
    // Only the clause around the date: up to 60 bytes before, and after it up to 40 bytes or the
    // next comma ("announced Wednesday, they said they will appeal" is past).
    let lo = floor_boundary(ctx.text, ctx.start.saturating_sub(60));
    let hi = floor_boundary(ctx.text, (ctx.end + 40).min(ctx.text.len())).max(ctx.end);
    let s = ctx.text[lo..ctx.start].rfind(['.', '!', '?', '\n']).map_or(lo, |i| lo + i + 1);
    let e = ctx.text[ctx.end..hi].find(['.', '!', '?', '\n', ',']).map_or(hi, |i| ctx.end + i);
    FUTURE.is_match(&ctx.words.slice(s..ctx.start)) || FUTURE.is_match(&ctx.words.slice(ctx.end..e))
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn part_of_day(p: Option<&str>) -> Option<&'static str> {
    match p?.to_lowercase().as_str() {
        "morning" => Some("MO"),
        "afternoon" => Some("AF"),
        "evening" => Some("EV"),
        "night" => Some("NI"),
        _ => None,
    }
}

fn with_part(d: NaiveDate, part: Option<&str>) -> (String, Granularity) {
    match part_of_day(part) {
        Some(p) => (format!("{}T{p}", day(d)), Granularity::Time),
        None => (day(d), Granularity::Day),
    }
}

fn weekday(c: &Captures, ctx: &Ctx) -> Option<Res> {
    let wd: Weekday = c["wd"].parse().ok()?;
    let part = c.name("part").map(|p| p.as_str());
    let Some(a) = ctx.anchor else {
        return rel(None, Granularity::Day);
    };
    let modifier = c.name("mod").map(|m| m.as_str().to_lowercase());
    let _ = part;
    rel(Some(day(weekday_date(wd, modifier.as_deref(), a, ctx))), Granularity::Day)
}

/// The date a weekday names: the anchor itself on that weekday, else the nearest one back, or
/// forward when the modifier or the sentence points to the future.
fn weekday_date(wd: Weekday, modifier: Option<&str>, a: NaiveDate, ctx: &Ctx) -> NaiveDate {
    let back = (a.weekday().num_days_from_monday() + 7 - wd.num_days_from_monday()) % 7;
    let fwd = (7 - back) % 7;
    let offset: i64 = match modifier {
        Some("last") | Some("past") | Some("this past") => -(if back == 0 { 7 } else { back as i64 }),
        Some("next") | Some("coming") | Some("this coming") => if fwd == 0 { 7 } else { fwd as i64 },
        _ if back == 0 => 0,
        _ if future_tense(ctx) => fwd as i64,
        _ => -(back as i64),
    };
    add_days(a, offset)
}

fn relative_day(c: &Captures, ctx: &Ctx) -> Option<Res> {
    let whole = c[0].to_lowercase();
    let w = c.name("w").map(|w| w.as_str().to_lowercase());
    let part = c.name("part").or(c.name("part2")).map(|p| p.as_str());
    let (offset, part) = match w.as_deref() {
        Some("today") => (0, part),
        Some("yesterday") => (-1, part),
        Some("tomorrow") => (1, part),
        Some("tonight") => (0, Some("night")),
        Some("last night") => (-1, Some("night")),
        _ if whole.contains("before yesterday") => (-2, None),
        _ if whole.contains("after tomorrow") => (2, None),
        _ => (0, part),
    };
    let Some(a) = ctx.anchor else {
        return rel(None, if part.is_some() { Granularity::Time } else { Granularity::Day });
    };
    let (v, g) = with_part(add_days(a, offset), part);
    rel(Some(v), g)
}

fn season_code(s: &str) -> &'static str {
    match s.to_lowercase().as_str() {
        "spring" => "SP",
        "summer" => "SU",
        "fall" | "autumn" => "FA",
        _ => "WI",
    }
}

/// Index of the season a date falls in (0 spring .. 3 winter, December counting with next year's
/// winter's start year kept as its own year for simplicity).
fn season_of(d: NaiveDate) -> i32 {
    match d.month() {
        3..=5 => 0,
        6..=8 => 1,
        9..=11 => 2,
        _ => 3,
    }
}

fn relative_unit(c: &Captures, ctx: &Ctx) -> Option<Res> {
    let det = c["det"].to_lowercase();
    let u = c["u"].to_lowercase();
    let step: i32 = match det.trim_start_matches("the ") {
        "this" => 0,
        "last" | "past" | "previous" | "this past" => -1,
        "next" | "coming" | "this coming" => 1,
        _ => 0,
    };
    let gran = match u.as_str() {
        "week" | "weekend" => Granularity::Week,
        "month" => Granularity::Month,
        "year" => Granularity::Year,
        "quarter" => Granularity::Quarter,
        "decade" => Granularity::Decade,
        "century" => Granularity::Century,
        _ => Granularity::Season,
    };
    let Some(a) = ctx.anchor else {
        return rel(None, gran);
    };
    let v = match u.as_str() {
        "week" => week(add_days(a, 7 * step as i64)),
        "weekend" => format!("{}-WE", week(add_days(a, 7 * step as i64))),
        "month" => add_months(a, step).format("%Y-%m").to_string(),
        "year" => format!("{:04}", a.year() + step),
        "quarter" => {
            let q = (a.year() * 4 + (a.month0() / 3) as i32) + step;
            format!("{:04}-Q{}", q.div_euclid(4), q.rem_euclid(4) + 1)
        }
        "decade" => format!("{}", a.year().div_euclid(10) + step),
        "century" => format!("{:02}", a.year().div_euclid(100) + step),
        s => {
            let want = match season_code(s) {
                "SP" => 0,
                "SU" => 1,
                "FA" => 2,
                _ => 3,
            };
            let now = season_of(a);
            let mut y = a.year();
            if a.month() <= 2 {
                y -= 1; // January and February belong to the winter that began the year before.
            }
            let y = match step {
                0 => y,
                -1 if want < now => y,
                -1 => y - 1,
                _ if want > now => y,
                _ => y + 1,
            };
            format!("{y:04}-{}", season_code(s))
        }
    };
    rel(Some(v), gran)
}

/// (unit code, is a time unit) for a duration unit word; decades count as 10 years.
fn unit_code(u: &str) -> Option<(&'static str, bool)> {
    let l = u.to_lowercase();
    let l = l.trim_end_matches('s');
    Some(match l {
        "second" => ("S", true),
        "minute" => ("M", true),
        "hour" => ("H", true),
        "day" => ("D", false),
        "week" => ("W", false),
        "fortnight" => ("W", false),
        "month" => ("M", false),
        "year" => ("Y", false),
        "decade" => ("DE", false),
        "century" | "centurie" => ("CE", false),
        "quarter" => ("Q", false),
        _ => return None,
    })
}

fn count(n: &str) -> Option<Option<f64>> {
    let l = n.to_lowercase().replace('-', " ");
    let small = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ];
    let tens = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    if let Ok(v) = l.parse::<f64>() {
        return Some(Some(v));
    }
    if let Some(i) = small.iter().position(|s| *s == l) {
        return Some(Some(i as f64));
    }
    match l.as_str() {
        "a" | "an" => return Some(Some(1.0)),
        "a hundred" => return Some(Some(100.0)),
        "a couple of" | "couple of" => return Some(Some(2.0)),
        "several" | "a few" | "few" | "many" | "some" => return Some(None),
        _ => {}
    }
    let mut parts = l.split(' ');
    let t = tens.iter().position(|s| Some(*s) == parts.next())?;
    let u = match parts.next() {
        Some(w) => small.iter().position(|s| *s == w)?,
        None => 0,
    };
    Some(Some((20 + 10 * t + u) as f64))
}

fn duration_value(n: Option<f64>, u: &str) -> Option<String> {
    let (code, time) = unit_code(u)?;
    let t = if time { "T" } else { "" };
    if let Some(x) = n.filter(|x| x.fract() != 0.0) {
        // "5 1/2 hours", "2 1/2 years": the fraction in the next smaller unit.
        let whole = x.trunc() as i64;
        let frac = x.fract();
        return Some(match code {
            "Y" => format!("P{whole}Y{}M", (frac * 12.0).round() as i64),
            "M" if !time => format!("P{whole}M{}D", (frac * 30.0).round() as i64),
            "W" => format!("P{}D", (x * 7.0).round() as i64),
            "D" => format!("P{whole}DT{}H", (frac * 24.0).round() as i64),
            "H" => format!("PT{whole}H{}M", (frac * 60.0).round() as i64),
            "M" => format!("PT{whole}M{}S", (frac * 60.0).round() as i64),
            _ => format!("P{t}{x}{code}"),
        });
    }
    let Some(n) = n else {
        return Some(format!("P{t}X{code}"));
    };
    let num = |x: f64| if x.fract() == 0.0 { format!("{}", x as i64) } else { format!("{x}") };
    Some(match code {
        "DE" => format!("P{}Y", num(n * 10.0)),
        "CE" => format!("P{}Y", num(n * 100.0)),
        "Q" => format!("P{}M", num(n * 3.0)),
        c => format!("P{t}{}{c}", num(n)),
    })
}

fn duration(c: &Captures, ctx: &Ctx) -> Option<Res> {
    let mut n = count(&c["n"])?;
    if c.name("half").is_some() {
        n = n.map(|x| x + 0.5);
    }
    let u = &c["u"];
    // "one day" is often "some day", and "a day" in "twice a day" is a frequency: still a duration
    // value in TimeML, so keep; but a bare "some" is more often a determiner: "some years".
    if c["n"].eq_ignore_ascii_case("some") && !c[0].to_lowercase().starts_with("the") {
        return None;
    }
    // "Su-27" style or "5-year-old"?
    let after = &ctx.text[ctx.end..];
    if ["-old", " old", "-earlier", "-ago", "-end", "-to-"].iter().any(|x| after.starts_with(x)) {
        return None;
    }
    if u.to_lowercase().starts_with("quarters") && c[0].contains('-') {
        return None;
    }
    let before = ctx.text[..ctx.start].chars().next_back();
    if before.is_some_and(|b| b == '$' || b == '-' || b == '.' || b == ',') {
        return None;
    }
    let article = matches!(c["n"].to_lowercase().as_str(), "a" | "an" | "one");
    // "A second group", "60 Minutes": an ordinal or a name.
    if (article && u.to_lowercase().starts_with("second")) || u.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    // A rate, not a length: "24 hours a day", "$1.76 a year", "700 seats a week".
    if matches!(c["n"].to_lowercase().as_str(), "a" | "an") {
        let pw = preceding_word(ctx);
        let raw_prev = ctx.text[..ctx.start].trim_end();
        if raw_prev.ends_with(|c: char| c.is_ascii_digit()) || pw.ends_with('s') && pw.len() > 3 && !["was", "is", "has", "this", "across", "less", "plus"].contains(&pw.as_str()) || ["million", "billion", "percent", "cents"].contains(&pw.as_str()) {
            return None;
        }
    }
    // "a quarter of the vote", "a quarter century": a fraction, not three months.
    if u.to_lowercase().starts_with("quarter") && matches!(c["n"].to_lowercase().as_str(), "a" | "an" | "one") {
        return None;
    }
    if n.is_some_and(|n| n >= 1000.0) {
        return None;
    }
    let v = duration_value(n, u)?;
    Some(Res { value: Some(v), granularity: Granularity::Duration, relative: false })
}

/// A bare plural unit ("for years", "in recent months") is a duration only after a preposition
/// that takes one.
fn is_bare_vague_duration(ctx: &Ctx) -> bool {
    let pw = preceding_word(ctx);
    ["for", "over", "within", "in", "lasted", "take", "took", "takes", "spent"].contains(&pw.as_str())
        && !ctx.text[ctx.end..].trim_start().starts_with("of")
}

fn ago(c: &Captures, ctx: &Ctx) -> Option<Res> {
    let n = count(&c["n"])?;
    let dir = c["dir"].to_lowercase();
    let sign: i64 = if dir == "ago" || dir == "earlier" { -1 } else { 1 };
    let (code, time) = unit_code(&c["u"])?;
    let gran = match code {
        "D" => Granularity::Day,
        "W" => Granularity::Week,
        "M" if !time => Granularity::Month,
        "Y" => Granularity::Year,
        "DE" => Granularity::Decade,
        "Q" => Granularity::Quarter,
        _ => Granularity::Time,
    };
    let Some(a) = ctx.anchor else {
        return rel(None, gran);
    };
    let Some(n) = n.filter(|n| n.fract() == 0.0 && *n < 10_000.0) else {
        return rel(Some(if sign < 0 { "PAST_REF" } else { "FUTURE_REF" }.into()), gran);
    };
    let n = n as i64 * sign;
    let v = match code {
        "D" => day(add_days(a, n)),
        "W" => week(add_days(a, 7 * n)),
        "M" if !time => add_months(a, n as i32).format("%Y-%m").to_string(),
        "Y" => format!("{:04}", a.year() + n as i32),
        "DE" => format!("{}", (a.year() + 10 * n as i32).div_euclid(10)),
        "Q" => {
            let q = a.year() as i64 * 4 + (a.month0() / 3) as i64 + n;
            format!("{:04}-Q{}", q.div_euclid(4), q.rem_euclid(4) + 1)
        }
        _ => return rel(Some(day(a)), Granularity::Day),
    };
    rel(Some(v), gran)
}

fn quarter(c: &Captures, ctx: &Ctx) -> Option<Res> {
    let ord = c.name("ord").map(|o| o.as_str().to_lowercase());
    let whole = c[0].to_lowercase();
    if ord.is_none() && !whole.starts_with("the") {
        return None;
    }
    // "a quarter of the vote" / "a quarter century" are not quarters of a year.
    if ctx.text[ctx.end..].trim_start().to_lowercase().starts_with("of ") && c.name("year").is_none() {
        return None;
    }
    let explicit_year: Option<i32> = c.name("year").and_then(|y| y.as_str().parse().ok());
    let q = match ord.as_deref() {
        Some("first" | "1st") => Some(1),
        Some("second" | "2nd") => Some(2),
        Some("third" | "3rd") => Some(3),
        Some("fourth" | "4th" | "final") => Some(4),
        _ => None,
    };
    match (q, explicit_year, ctx.anchor) {
        (Some(q), Some(y), _) => abs(format!("{y:04}-Q{q}"), Granularity::Quarter),
        (Some(q), None, Some(a)) => rel(Some(format!("{:04}-Q{q}", a.year())), Granularity::Quarter),
        (None, _, Some(a)) => {
            // "the quarter", "the latest quarter": the last one reported, the one before the anchor's.
            let qi = a.year() * 4 + (a.month0() / 3) as i32 - 1;
            rel(Some(format!("{:04}-Q{}", qi.div_euclid(4), qi.rem_euclid(4) + 1)), Granularity::Quarter)
        }
        _ => rel(None, Granularity::Quarter),
    }
}

fn season(c: &Captures, ctx: &Ctx) -> Option<Res> {
    let s = &c["s"];
    let code = season_code(s);
    if let Some(y) = c.name("year") {
        return abs(format!("{}-{code}", y.as_str()), Granularity::Season);
    }
    let det = c.name("det").map(|d| d.as_str().to_lowercase());
    // Without a determiner "spring", "fall" are nouns and verbs of other kinds.
    let det = det?;
    if det == "the" && s.eq_ignore_ascii_case("fall") {
        // "the fall of Kabul"
        if ctx.text[ctx.end..].trim_start().starts_with("of") {
            return None;
        }
    }
    let Some(a) = ctx.anchor else {
        return rel(None, Granularity::Season);
    };
    let want = ["SP", "SU", "FA", "WI"].iter().position(|x| *x == code)? as i32;
    let mut y = a.year();
    if a.month() <= 2 {
        y -= 1;
    }
    let now = season_of(a);
    let y = match det.as_str() {
        "last" | "this past" => if want < now { y } else { y - 1 },
        "next" | "this coming" => if want > now { y } else { y + 1 },
        "this" => y,
        // Closest instance: a season up to two ahead is coming, otherwise it is past.
        _ => {
            let diff = (want - now).rem_euclid(4);
            if diff == 0 { y } else if diff <= 2 { if want < now { y + 1 } else { y } } else if want < now { y } else { y - 1 }
        }
    };
    rel(Some(format!("{y:04}-{code}")), Granularity::Season)
}

fn clock_time(c: &Captures, ctx: &Ctx) -> Option<Res> {
    let (h, m): (u32, u32) = if let Some(w) = c.name("word") {
        if w.as_str().eq_ignore_ascii_case("noon") { (12, 0) } else { (0, 0) }
    } else if let Some(h) = c.name("h") {
        let mut h: u32 = h.as_str().parse().ok()?;
        let m: u32 = c.name("m").map_or(Some(0), |m| m.as_str().parse().ok())?;
        let pm = c["ap"].to_lowercase().starts_with('p');
        if !(1..=12).contains(&h) {
            return None;
        }
        if pm && h != 12 {
            h += 12;
        }
        if !pm && h == 12 {
            h = 0;
        }
        (h, m)
    } else {
        let h: u32 = c["h2"].parse().ok()?;
        let m: u32 = c["m2"].parse().ok()?;
        // A bare H:MM is a time only with a time word nearby: "at 14:30", not a ratio or score.
        if h > 23 || !preceding_word(ctx).eq("at") {
            return None;
        }
        (h, m)
    };
    let Some(a) = ctx.anchor else {
        return rel(None, Granularity::Time);
    };
    // "10 p.m. Wednesday", "5 p.m. EST Nov. 9": the day named, else the anchor's.
    let date = if let Some(wd) = c.name("wd").and_then(|w| w.as_str().parse::<Weekday>().ok()) {
        weekday_date(wd, None, a, ctx)
    } else if let (Some(mon), Some(d)) = (c.name("mon").and_then(|x| month_number(x.as_str())), c.name("day").and_then(|x| x.as_str().parse::<u32>().ok())) {
        let future = future_tense(ctx);
        (a.year() - 1..=a.year() + 1).filter_map(|y| NaiveDate::from_ymd_opt(y, mon, d)).min_by_key(|x| lean((*x - a).num_days(), future))?
    } else {
        a
    };
    rel(Some(format!("{}T{h:02}:{m:02}", day(date))), Granularity::Time)
}

fn holiday(c: &Captures, ctx: &Ctx) -> Option<Res> {
    let Some(a) = ctx.anchor else {
        return rel(None, Granularity::Day);
    };
    let closest = |m: u32, d: u32| (a.year() - 1..=a.year() + 1).filter_map(|y| NaiveDate::from_ymd_opt(y, m, d)).min_by_key(|x| (*x - a).num_days().abs());
    let date = if let Some(x) = c.name("xmas") {
        closest(12, if x.as_str().ends_with("Eve") { 24 } else { 25 })?
    } else if let Some(x) = c.name("ny") {
        if x.as_str().ends_with("Eve") { closest(12, 31)? } else { closest(1, 1)? }
    } else {
        // Thanksgiving: fourth Thursday of November.
        let y = if a.month() >= 6 { a.year() } else { a.year() - 1 };
        NaiveDate::from_weekday_of_month_opt(y, 11, Weekday::Thu, 4)?
    };
    rel(Some(day(date)), Granularity::Day)
}

// ---------------------------------------------------------------------------------------------

/// The words of every rule's [`Rule::needs`], to find in one pass which of them a text holds.
struct Keywords {
    /// All the words, ASCII case-insensitively.
    ac: AhoCorasick,
    /// For each rule (in [`RULES`] order), its groups as pattern ids of `ac`.
    needs: Vec<Vec<Vec<usize>>>,
}

static KEYWORDS: LazyLock<Keywords> = LazyLock::new(|| {
    let mut words: Vec<&'static str> = Vec::new();
    let mut id = |w: &'static str| words.iter().position(|x| *x == w).unwrap_or_else(|| {
        words.push(w);
        words.len() - 1
    });
    let needs = RULES.iter().map(|r| r.needs.iter().map(|g| g.iter().map(|w| id(w)).collect()).collect()).collect();
    let ac = AhoCorasick::builder().ascii_case_insensitive(true).build(&words).expect("plain words");
    Keywords { ac, needs }
});

/// Where no rule's match can reach across: the text splits into segments at characters no rule
/// can consume, so every match lies inside one segment, and a rule need only search the segments
/// that hold its words ([`Rule::needs`]) instead of the whole text (28 passes of 28 lazy DFAs
/// over every text were most of the step's cycles, in cache misses).
///
/// A cut character is a non-word character, so `\b` at a segment's edges reads the same whether
/// the search sees the text beyond or not. It is either
/// - a character no pattern consumes anywhere (`"`, `;`, `(`, `?`, curly double quotes, dashes...),
/// - or `.`, `,` or `:` after an ASCII letter ending a run of letters that no pattern puts right
///   before such a character: patterns consume `.` only in month abbreviations, "a.m."/"p.m." and
///   between digits, `,` only after a weekday, a month, a day's digits or ordinal suffix, a time
///   ("a.m", "pm", "noon", a time zone), and `:` only after a digit. The run is compared by its
///   end ("midJan." is "mid" + "Jan."), so every run that *ends* with such a word is kept whole.
/// Checked against every rule's matches by `cuts_are_never_inside_a_match`.
fn is_cut(text: &str, i: usize, c: char) -> bool {
    /// Words a pattern can consume right before `.`, `,` or `:` (ordinal suffixes aside), by
    /// their last letter: a run of letters is checked only against words it could end with.
    static BEFORE_PUNCT: LazyLock<[Vec<Vec<u8>>; 26]> = LazyLock::new(|| {
        let months = format!("{MONTH_FULL}|{MONTH_ABBR}").replace(['\\', '.', '?'], "");
        let times = "a|p|m|am|pm|noon|midnight|est|edt|cst|cdt|mst|mdt|pst|pdt|gmt|utc|bst|cet|msk";
        let mut by_last: [Vec<Vec<u8>>; 26] = Default::default();
        for w in [months.as_str(), WEEKDAY, times].iter().flat_map(|ws| ws.split('|')) {
            let w = w.to_ascii_lowercase().into_bytes();
            by_last[(w[w.len() - 1] - b'a') as usize].push(w);
        }
        by_last
    });
    match c {
        '"' | ';' | '(' | ')' | '[' | ']' | '{' | '}' | '?' | '!' | '|' | '<' | '>' | '*' | '=' | '@' | '^' | '~' | '`' | '#' | '$'
        | '%' | '&' | '+' | '\\' | '“' | '”' | '‘' | '—' | '–' | '…' | '«' | '»' | '•' | '·' | '€' | '£' => true,
        '.' | ',' | ':' => {
            let before = &text.as_bytes()[..i];
            let letters = before.iter().rev().take_while(|b| b.is_ascii_alphabetic()).count();
            if letters == 0 {
                return false;
            }
            let run = &before[i - letters..];
            let ordinal = ["st", "nd", "rd", "th"].iter().any(|o| run.eq_ignore_ascii_case(o.as_bytes()));
            let last = run[letters - 1].to_ascii_lowercase();
            let ends_with = |w: &Vec<u8>| letters >= w.len() && run[letters - w.len()..].eq_ignore_ascii_case(w);
            !ordinal && !BEFORE_PUNCT[(last - b'a') as usize].iter().any(ends_with)
        }
        _ => false,
    }
}

/// Bytes that may start a cut character: the ASCII ones [`is_cut`] can accept, and the lead
/// bytes of its non-ASCII ones (all two- or three-byte characters led by 0xC2 or 0xE2).
static MAY_CUT: [bool; 256] = {
    let mut t = [false; 256];
    let ascii = b"\";()[]{}?!|<>*=@^~`#$%&+\\.,:";
    let mut i = 0;
    while i < ascii.len() {
        t[ascii[i] as usize] = true;
        i += 1;
    }
    t[0xC2] = true;
    t[0xE2] = true;
    t
};

/// The stretches of `text` between cut characters ([`is_cut`]), as byte ranges.
fn segments(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    // A table lookup per byte: most bytes are letters and spaces, never cuts.
    for (i, _) in text.bytes().enumerate().filter(|&(_, b)| MAY_CUT[b as usize]) {
        let c = text[i..].chars().next().expect("a character starts here");
        if is_cut(text, i, c) {
            if start < i {
                out.push(start..i);
            }
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

fn find_timexes(text: &str, anchor: Option<NaiveDate>) -> Vec<Timex> {
    settle(candidates(text, anchor, true))
}

/// Every rule's resolved matches, in no particular order. `by_segment` searches each rule only in
/// the segments that hold its words; without it, each rule scans the whole text (the reference).
fn candidates(text: &str, anchor: Option<NaiveDate>, by_segment: bool) -> Vec<Timex> {
    let mut cands: Vec<Timex> = Vec::new();
    let words = WordText::new(text);
    let mut push = |rule: &Rule, c: &Captures| {
        let m = c.get(0).expect("match");
        let ctx = Ctx { text, words: &words, anchor, start: m.start(), end: m.end() };
        if let Some(r) = (rule.resolve)(c, &ctx) {
            let value = if r.relative && anchor.is_none() { None } else { r.value };
            cands.push(Timex { start: m.start(), end: m.end(), value, granularity: r.granularity, relative: r.relative, rule: rule.name });
        }
    };
    // Skipping by words is exact only where the match's letters are ASCII (see `searches_ascii`),
    // which they always are in a text whose word characters are: then a skipped rule need not
    // even be compiled. Every rule masks (`every_pattern_searches_masked_text`), so this fails
    // only for texts searched with the Unicode forms.
    let skippable = |rule: &Rule| !rule.needs.is_empty() && (words.ascii_words() || rule.re.searches_ascii(&words));
    let segs = if by_segment { segments(text) } else { vec![0..text.len()] };
    // The keywords found in each segment, as (segment, pattern id), grouped by segment.
    let mut hits: Vec<(usize, usize)> = Vec::new();
    for m in KEYWORDS.ac.find_overlapping_iter(text) {
        let s = segs.partition_point(|r| r.end < m.end());
        if segs.get(s).is_some_and(|r| r.start <= m.start() && m.end() <= r.end) {
            hits.push((s, m.pattern().as_usize()));
        }
    }
    hits.sort_unstable();
    hits.dedup();
    for rule in RULES.iter() {
        if !skippable(rule) {
            for c in rule.re.captures_iter(&words) {
                push(rule, &c);
            }
        }
    }
    // Which rules each segment with keywords needs searched: one bit per rule.
    assert!(RULES.len() <= u64::BITS as usize, "a rule mask has a bit per rule");
    let mut present = vec![false; KEYWORDS.ac.patterns_len()];
    let mut todo: Vec<(std::ops::Range<usize>, u64)> = Vec::new();
    for group in hits.chunk_by(|a, b| a.0 == b.0) {
        group.iter().for_each(|&(_, w)| present[w] = true);
        let mut mask = 0;
        for (i, (rule, needs)) in RULES.iter().zip(&KEYWORDS.needs).enumerate() {
            if skippable(rule) && needs.iter().all(|g| g.iter().any(|&w| present[w])) {
                mask |= 1 << i;
            }
        }
        group.iter().for_each(|&(_, w)| present[w] = false);
        todo.push((segs[group[0].0].clone(), mask));
    }
    // Rule by rule, so that one rule's lazy DFA stays in cache over all its segments (segment by
    // segment, the 28 DFAs took turns and missed the data cache half again as often).
    for (i, rule) in RULES.iter().enumerate() {
        for (seg, _) in todo.iter().filter(|(_, mask)| mask & 1 << i != 0) {
            // No match crosses the segment's ends, so the matches found in it are those a scan of
            // the whole text finds there: the same leftmost-first steps from the same places.
            let (re, hay) = rule.re.search(&words);
            let hay = &hay[..seg.end];
            let mut at = seg.start;
            // `find_at` first: most searches find nothing, and captures cost more.
            while let Some(m) = re.find_at(hay, at) {
                let c = re.captures_at(hay, m.start()).expect("a match starts here");
                push(rule, &c);
                // No rule matches the empty string, so this moves on, as `captures_iter` does.
                at = m.end();
            }
        }
    }
    cands
}

/// Settles overlapping candidates in favour of the longest; returns the kept ones in text order.
fn settle(mut cands: Vec<Timex>) -> Vec<Timex> {
    // The sort below orders candidates fully (no rule yields two at one start), so the order the
    // rules were searched in does not matter.
    // Longest first; among equal lengths, the earlier rule (more specific) wins.
    let order: Vec<&'static str> = RULES.iter().map(|r| r.name).collect();
    let rank = |n: &str| order.iter().position(|x| *x == n).unwrap_or(usize::MAX);
    cands.sort_by(|a, b| (b.end - b.start).cmp(&(a.end - a.start)).then(a.start.cmp(&b.start)).then_with(|| rank(a.rule).cmp(&rank(b.rule))));
    // Kept spans never overlap (and no rule matches the empty string), so the kept span starting
    // last before `c.end` is the only one that can reach past `c.start`: a lookup instead of a
    // scan of all kept spans, which made the step quadratic on number-heavy text.
    let mut kept: BTreeMap<usize, usize> = BTreeMap::new();
    let mut out: Vec<Timex> = Vec::new();
    for c in cands {
        debug_assert!(c.start < c.end);
        if kept.range(..c.end).next_back().is_none_or(|(_, &end)| end <= c.start) {
            kept.insert(c.start, c.end);
            out.push(c);
        }
    }
    out.sort_by_key(|t| (t.start, t.end));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        parse_anchor(s)
    }

    fn found(text: &str, anchor: &str) -> Vec<(String, Option<String>)> {
        find_timexes(text, d(anchor)).into_iter().map(|t| (text[t.start..t.end].to_string(), t.value)).collect()
    }

    fn value_of(text: &str, anchor: &str, span: &str) -> Option<String> {
        let f = found(text, anchor);
        f.iter().find(|(s, _)| s == span).unwrap_or_else(|| panic!("{span:?} not found in {f:?}")).1.clone()
    }

    #[test]
    fn weekdays_lean_past_unless_future() {
        // 2021-12-31 is a Friday.
        assert_eq!(value_of("Biden spoke on Thursday.", "2021-12-31", "Thursday").as_deref(), Some("2021-12-30"));
        assert_eq!(value_of("They spoke on Thursday.", "2021-12-30", "Thursday").as_deref(), Some("2021-12-30"));
        assert_eq!(value_of("Talks will resume on Monday.", "2021-12-31", "Monday").as_deref(), Some("2022-01-03"));
        assert_eq!(value_of("ahead of Tuesday’s talks", "2021-12-31", "Tuesday").as_deref(), Some("2021-12-28"));
        // The part of the day stays in the span; the value is the day, as TimeML annotators mostly give it.
        assert_eq!(value_of("a Russian official said on Thursday evening", "2021-12-30", "Thursday evening").as_deref(), Some("2021-12-30"));
        assert_eq!(value_of("said at 10 p.m. Wednesday that", "2021-12-31", "10 p.m. Wednesday").as_deref(), Some("2021-12-29T22:00"));
    }

    #[test]
    fn dates_with_and_without_year() {
        assert_eq!(value_of("talks in Geneva on Jan. 10, and then", "2021-12-30", "Jan. 10").as_deref(), Some("2022-01-10"));
        assert_eq!(value_of("the December 7 summit", "2021-12-08", "December 7").as_deref(), Some("2021-12-07"));
        assert_eq!(value_of("on Dec. 7, 2021.", "2030-01-01", "Dec. 7, 2021").as_deref(), Some("2021-12-07"));
        assert_eq!(value_of("on 7 December 2021 the", "", "7 December 2021").as_deref(), Some("2021-12-07"));
        assert_eq!(value_of("in June 2021.", "", "June 2021").as_deref(), Some("2021-06"));
    }

    #[test]
    fn months_years_and_relative_units() {
        let a = "2021-12-30";
        assert_eq!(value_of("negotiations in January", a, "January").as_deref(), Some("2022-01"));
        assert_eq!(value_of("simmering since 2014, when", a, "2014").as_deref(), Some("2014"));
        assert_eq!(value_of("as soon as early next year", a, "early next year").as_deref(), Some("2022"));
        assert_eq!(value_of("the round of talks next month.", a, "next month").as_deref(), Some("2022-01"));
        assert_eq!(value_of("he said last week.", a, "last week").as_deref(), Some("2021-W51"));
        assert_eq!(value_of("earlier this month, the", a, "earlier this month").as_deref(), Some("2021-12"));
        let f = found("ahead of the spring thaw in March or April that", a);
        assert!(f.contains(&("March".into(), Some("2022-03".into()))), "{f:?}");
        assert!(f.contains(&("April".into(), Some("2022-04".into()))), "{f:?}");
        assert_eq!(value_of("in the 1990s.", a, "the 1990s").as_deref(), Some("199"));
        assert_eq!(value_of("two years ago", a, "two years ago").as_deref(), Some("2019"));
        assert_eq!(value_of("said yesterday", a, "yesterday").as_deref(), Some("2021-12-29"));
    }

    #[test]
    fn durations_and_times() {
        let a = "2021-12-30";
        assert_eq!(value_of("spoke for 50 minutes about", a, "50 minutes").as_deref(), Some("PT50M"));
        assert_eq!(value_of("the two-hour summit", a, "two-hour").as_deref(), Some("PT2H"));
        assert_eq!(value_of("over the past two years", a, "the past two years").as_deref(), Some("P2Y"));
        assert_eq!(value_of("the worst in a decade.", a, "a decade").as_deref(), Some("P10Y"));
        assert_eq!(value_of("the call began at 3:35 p.m. EST and", a, "3:35 p.m. EST").as_deref(), Some("2021-12-30T15:35"));
    }

    #[test]
    fn relative_expressions_without_anchor_stay_unresolved() {
        let f = found("Putin spoke on Thursday, a day after Dec. 7, 2021, and said next year.", "");
        assert!(f.contains(&("Thursday".into(), None)), "{f:?}");
        assert!(f.contains(&("next year".into(), None)), "{f:?}");
        assert!(f.contains(&("Dec. 7, 2021".into(), Some("2021-12-07".into()))), "{f:?}");
    }

    #[test]
    fn names_with_numbers_after_words_whose_lower_case_is_longer() {
        // "İ" lower-cases to two code points (3 bytes for 2): the word before a year once cut the
        // text inside a character and panicked.
        for text in ["Officials said İSTANBUL 2030 was ready.", "İİİİ 2030", "The plan. İzmir 2030 goes ahead"] {
            let _ = found(text, "2021-12-08");
        }
        assert!(found("Officials back the Agenda 2030 plan.", "2021-12-08").is_empty());
        assert_eq!(value_of("İzmir 2030 is the plan.", "2021-12-08", "2030").as_deref(), Some("2030"));
    }

    #[test]
    fn every_pattern_searches_masked_text() {
        // Keeps texts with non-ASCII letters off the slow Unicode-boundary engines.
        for r in RULES.iter() {
            assert!(r.re.masks(), "{}", r.name);
        }
    }

    /// Every match holds a word of each of its rule's `needs` groups, as skipping assumes, and
    /// has no cut character ([`is_cut`]) inside; searching by segment finds what full scans do.
    fn assert_needs_hold(text: &str) {
        let words = WordText::new(text);
        for rule in RULES.iter() {
            for m in rule.re.find_iter(&words) {
                let lower = m.as_str().to_ascii_lowercase();
                for group in rule.needs {
                    assert!(group.iter().any(|w| lower.contains(w)), "{}: {:?} holds none of {group:?}", rule.name, m.as_str());
                }
                for (i, c) in m.as_str().char_indices() {
                    assert!(!is_cut(text, m.start() + i, c), "{}: {:?} has a cut at {i}", rule.name, m.as_str());
                }
            }
        }
        assert_same_as_full_scans(text);
    }

    fn assert_same_as_full_scans(text: &str) {
        for anchor in [d("2021-12-30"), None] {
            let key = |t: &Timex| (t.start, t.end, t.rule, t.value.clone());
            let mut segmented: Vec<_> = candidates(text, anchor, true).iter().map(key).collect();
            let mut full: Vec<_> = candidates(text, anchor, false).iter().map(key).collect();
            segmented.sort();
            full.sort();
            assert_eq!(segmented, full, "{text:?}");
        }
    }

    #[test]
    fn segments_split_at_cuts_only() {
        let t = "He said: “It was Dec. 7, 2021; then (at 3:35 p.m. EST, Monday) they left.” Why? In March, May.";
        let segs: Vec<&str> = segments(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(segs, ["He said", " ", "It was Dec. 7, 2021", " then ", "at 3:35 p.m. EST, Monday", " they left", " Why", " In March, May."]);
    }

    #[test]
    fn may_cut_holds_every_cut_character() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            let t = format!("said{c}");
            let mut buf = [0; 4];
            assert!(!is_cut(&t, 4, c) || MAY_CUT[c.encode_utf8(&mut buf).as_bytes()[0] as usize], "{c:?}");
        }
    }

    #[test]
    fn segmented_search_matches_full_scans_on_random_text() {
        // Pieces that sit next to cuts in every way the patterns care about.
        let pieces = [
            "Thursday", "Thursday,", " ", "  \n\n ", "Dec.", "Dec", "7", "7th", ",", ".", ":", ";", "“", "”", "\"", "(", ")", "?", " 2021",
            "said", "said.", "said,", "a.m.", "p.m", "pm", "EST", "noon", "midJan.", "mid-", "March", "May", "—", "’", "'90s", "90s",
            "the", "last", "week", "two", "years", "ago", "next", "year", "of", "every", "quarter", "spring", "2021-12-07", "12/7/2021",
            "1/2", "½", "and", "a", "half", "hours", "now", "today", "Christmas", "New Year", "Кремль", "café", "$", "%", "15", "3:35",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..3000 {
            let mut t = String::new();
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            for _ in 0..(seed >> 59) + 1 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                t.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
                if seed >> 62 == 0 {
                    t.push(' ');
                }
            }
            assert_needs_hold(&t);
        }
    }

    #[test]
    fn rule_needs_are_in_every_match() {
        for r in RULES.iter() {
            assert!(r.needs.iter().flat_map(|g| g.iter()).all(|w| w.is_ascii() && *w == w.to_ascii_lowercase()), "{}", r.name);
        }
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                assert_needs_hold(&std::fs::read_to_string(&path).unwrap());
            }
        }
        let samples = [
            "Last week, two years ago, the past 3 months, the 1990s, the ’90s, this morning, tonight, the day before yesterday",
            "every Thursday, each week, weekly, per year, the weekend, the 21st century, the third quarter of 2021, this past summer",
            "3:35 p.m. EST, 10 a.m. Monday, noon, midnight, at 14:30, 5pm, 9 AM Nov. 9, now, these days, at present, the near future",
            "Christmas Eve, New Year’s Day, Thanksgiving, March of next year, 7 December 2021, Dec. 7, 2021, 2021-12-07, 12/7/2021",
            "a few weeks, several decades, recent years, the two-hour summit, 2 1/2 years, five-and-a-half hours, a couple of days",
            "TWO YEARS AGO, LAST WEEKEND, THE PAST FORTNIGHT, early next year, mid-March, the end of June, fiscal 2021, quarters",
        ];
        for t in samples {
            assert_needs_hold(t);
        }
    }

    #[test]
    fn must_not_fire() {
        let a = "2021-12-30";
        for t in [
            "Theresa May said she may go.",
            "The march was peaceful.",
            "the Nord Stream 2 gas pipeline",
            "He spent $2014 on it.",
            "a ratio of 3:2 in",
            "a quarter of the vote",
            "after the fall of Kabul, with a spring in his step",
            "Card 1 of 5",
        ] {
            let f = found(t, a);
            assert!(f.is_empty(), "{t}: {f:?}");
        }
    }

    fn corpus_doc(text: &str, published: Option<&str>) -> Document {
        let source = pipeline::SourceInfo::in_memory("corpus/article.txt", text);
        let meta = pipeline::Metadata { published: published.map(str::to_string), ..Default::default() };
        Document::new("d".into(), source, text.to_string(), meta)
    }

    fn tagged(text: &str, published: Option<&str>) -> Vec<DateRow> {
        let mut doc = corpus_doc(text, published);
        DateTagger::new().apply(&mut doc, &CorpusKnowledge::default()).unwrap();
        doc.check_spans().unwrap();
        doc.dates
    }

    fn rows_for<'a>(rows: &'a [DateRow], text: &str) -> Vec<&'a DateRow> {
        let v: Vec<&DateRow> = rows.iter().filter(|r| r.text == text).collect();
        assert!(!v.is_empty(), "{text:?} not tagged in {:?}", rows.iter().map(|r| &r.text).collect::<Vec<_>>());
        v
    }

    #[test]
    fn nyt_article_resolves_against_its_publication_date() {
        // Published Thursday 2021-12-30, the day of the call.
        let rows = tagged(include_str!("../../../corpus/001_eff779026592d293.txt"), Some("2021-12-30"));
        for r in rows_for(&rows, "Thursday") {
            assert_eq!(r.value.as_deref(), Some("2021-12-30"));
            assert_eq!(r.anchor.as_deref(), Some("2021-12-30"));
            assert_eq!(r.granularity, Granularity::Day);
        }
        let jan10 = rows_for(&rows, "Jan. 10")[0];
        assert_eq!(jan10.value.as_deref(), Some("2022-01-10"));
        assert_eq!(jan10.rule, "month_day");
        assert_eq!(rows_for(&rows, "Dec. 3")[0].value.as_deref(), Some("2021-12-03"));
        assert_eq!(rows_for(&rows, "next month")[0].value.as_deref(), Some("2022-01"));
        assert_eq!(rows_for(&rows, "March")[0].value.as_deref(), Some("2022-03"));
        assert_eq!(rows_for(&rows, "April")[0].value.as_deref(), Some("2022-04"));
        assert_eq!(rows_for(&rows, "Wednesday")[0].value.as_deref(), Some("2021-12-29"));
        assert_eq!(rows_for(&rows, "Monday")[0].value.as_deref(), Some("2021-12-27"));
        let y2014 = rows_for(&rows, "2014")[0];
        assert_eq!((y2014.value.as_deref(), y2014.anchor.as_deref()), (Some("2014"), None));
        assert_eq!(rows_for(&rows, "50 minutes")[0].value.as_deref(), Some("PT50M"));
        // "Card 1 of 5" and "100,000 troops" are not dates.
        assert!(rows.iter().all(|r| !r.text.contains('1') || r.text.contains("Jan") || r.text.contains("201")), "{rows:?}");
    }

    #[test]
    fn bne_article_december_7() {
        let rows = tagged(include_str!("../../../corpus/004_e9d4a3ba796d143f.txt"), Some("2021-12-08"));
        for r in rows_for(&rows, "December 7") {
            assert_eq!(r.value.as_deref(), Some("2021-12-07"));
        }
        assert_eq!(rows_for(&rows, "Tuesday")[0].value.as_deref(), Some("2021-12-07"));
        let june = rows_for(&rows, "June 2021")[0];
        assert_eq!((june.value.as_deref(), june.anchor.as_deref(), june.granularity), (Some("2021-06"), None, Granularity::Month));
        assert_eq!(rows_for(&rows, "two-hour")[0].value.as_deref(), Some("PT2H"));
    }

    #[test]
    fn without_publication_date_relative_dates_stay_null() {
        let rows = tagged(include_str!("../../../corpus/001_eff779026592d293.txt"), None);
        for r in rows_for(&rows, "Thursday") {
            assert_eq!((r.value.as_deref(), r.anchor.as_deref()), (None, None));
        }
        assert_eq!(rows_for(&rows, "Jan. 10")[0].value, None);
        assert_eq!(rows_for(&rows, "2014")[0].value.as_deref(), Some("2014"));
    }

    #[test]
    fn offsets_are_code_points() {
        let rows = tagged("“Кремль” said on Thursday — 😀 Jan. 10.", Some("2021-12-30"));
        let t = rows_for(&rows, "Thursday")[0];
        assert_eq!((t.start, t.end), (17, 25));
        assert_eq!(rows_for(&rows, "Jan. 10")[0].value.as_deref(), Some("2022-01-10"));
    }

    #[test]
    fn huge_text_is_linear_enough() {
        let t = "On Thursday about 100,000 troops massed since 2014 and Dec. 7 ".repeat(5000);
        let found = find_timexes(&t, d("2021-12-30"));
        assert_eq!(found.len(), 15000);
    }

    #[test]
    fn fuzzed_pieces_never_panic_and_keep_offsets_exact() {
        // Deterministic pseudo-random texts from pieces that stress the patterns and offsets.
        let pieces = [
            "Thursday", " ", "Dec.", "7", ",", " 2021", "$", "768bn", "€", "½", "1/2", ":", "35", "p.m.", "—", "“", "”",
            "Кремль", "😀", "about", "100,000", "troops", "-", "hour", "ago", "last", "week", "May", "the", "'", "’", "90s",
            "\n", "\u{a0}", "0", "99999999999999999999", "%", "nineteen", "quarter", "spring", "of", "fiscal", "noon",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..500 {
            let mut t = String::new();
            for _ in 0..(seed % 24) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                t.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let rows = tagged(&t, Some("2021-12-30")); let _ = rows; let _ = tagged(&t, None);
        }
    }

    #[test]
    fn no_panic_on_odd_text() {
        for t in ["", "May", "Dec. 99", "February 30, 2021", "Кремль 😀 Thursday 3:99 p.m.", "99999 years ago", "13 p.m.", "the '90s"] {
            let _ = find_timexes(t, d("2021-12-30"));
            let _ = find_timexes(t, None);
        }
    }
}
