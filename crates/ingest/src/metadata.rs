//! What a plain-text article says about itself: outlet, site, title, authors, contributors,
//! dateline and publication date, read from the text as a newsroom librarian would, plus the
//! role of every raw line the reading recognised (masthead, title, byline, credit, ...).
//!
//! Sources of each field, strongest first:
//! * outlet: a masthead line, a copyright holder, a "Source:" line or URL, a byline
//!   affiliation, a wire agency code in the dateline ("(AP)"), then a house-style fingerprint
//!   (data/outlets.tsv documents every pattern). Nothing found: None, never a guess from the
//!   file name.
//! * title: the first line that is not a masthead, caption, byline or source line, with a
//!   trailing " | Section" label removed.
//! * published: a date the article prints about itself (byline date, "Published ..." line,
//!   date in its URL) is `Explicit`; otherwise `dates::infer` reasons from weekday mentions,
//!   caption dates and dated events (see that module).

// Nested `if let`s stay nested: collapsing them needs let chains (Rust 1.88), above the
// workspace's rust-version (1.85).
#![allow(clippy::collapsible_if)]

pub mod collection;
pub mod dates;
pub mod names;
pub mod outlets;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use pipeline::{BlockKind, LineRole, Metadata, PublishedBasis};
use pipeline::bounded_regex::BoundedRegex;
use regex::Regex;

pub use dates::PublicationEstimate;

/// What a caller knows about an article from outside its text: HTML meta tags, a JSONL
/// record's fields, or the collection it came with. Text evidence wins for outlet, title and
/// authors; a machine-readable publication date wins over inference from the text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetadataHints {
    pub outlet: Option<String>,
    /// A domain or URL ("https://www.nytimes.com/2021/12/30/...").
    pub site: Option<String>,
    pub title: Option<String>,
    pub authors: Vec<String>,
    /// A date from page metadata (ISO 8601 date or date-time; only the date part is kept).
    pub published: Option<String>,
    /// The year the article was published in, when known from outside the text (for example,
    /// the year every dated article of the same collection carries). Lets weekday inference
    /// work on texts that never print a year.
    pub year: Option<i32>,
}

/// Reads the metadata a plain-text article states about itself.
pub fn from_text(raw: &str) -> Metadata {
    from_text_with_hints(raw, &MetadataHints::default())
}

/// Like [`from_text`], with outside hints (see [`MetadataHints`]).
pub fn from_text_with_hints(raw: &str, hints: &MetadataHints) -> Metadata {
    let reading = read(raw, hints, Purpose::Metadata);
    reading.meta
}

/// How the publication date of `raw` is inferred, with the reasoning; for audits and for
/// collection-level passes that want to know how many days the text leaves open.
pub fn estimate_publication(raw: &str, hints: &MetadataHints) -> PublicationEstimate {
    read(raw, hints, Purpose::Metadata).estimate
}

/// Like [`from_text_with_hints`], plus the compact date summary the collection pass
/// ([`collection::date_collection`]) needs to date articles whose own text cannot.
pub fn from_text_with_summary(raw: &str, hints: &MetadataHints) -> (Metadata, collection::DateSummary) {
    let r = read(raw, hints, Purpose::Summary);
    let summary = collection::DateSummary::new(r.estimate, r.evidence);
    (r.meta, summary)
}

/// Lines longer than this are body text, never metadata (and keep regexes cheap on huge lines).
const MAX_META_LINE: usize = 400;
/// Only this many non-blank lines at the top are searched for the title and date lines (the
/// masthead only in the first three); bylines, credits and notices are recognised anywhere.
const TOP_LINES: usize = 8;

// The bounded repeats of big classes in these three are searched unbounded, which is cheaper to
// compile and to search and finds the same matches (see `BoundedRegex`).
static CAPTION_PAREN_CREDIT: LazyLock<BoundedRegex> =
    LazyLock::new(|| BoundedRegex::new(r"\((?:\p{Lu}[^()/]{1,79}/\s*\p{Lu}[^()]{0,59}|(?i:photo|credit|courtesy)[^()]{1,80})\)\s*$").unwrap());
static CAPTION_SLASH_CREDIT: LazyLock<BoundedRegex> =
    LazyLock::new(|| BoundedRegex::new(r"[.!?”\x22]\s+/\s+[\p{L}][\p{L}\p{N} .&'’-]{0,40}$").unwrap());
static CAPTION_CREDIT_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^Image|\S)Credit(?:…|\.\.\.|:)\s*\S").unwrap());
static SOURCE_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?i:source|via)\s*:\s*(.+?)\s*$").unwrap());
static URL_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)(/\S*)?$").unwrap());
static URL_DATE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"/(\d{4})/(\d{1,2})/(\d{1,2})(?:/|$)").unwrap());
static DOMAIN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$").unwrap());
static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?i:copyright)\s*(?:©|\((?i:c)\))?|©|\((?i:c)\))\s*(?P<year>\d{4})?(?:\s*[-–]\s*\d{4})?\s*,?\s*(?P<holder>[^.]*?)\s*(?:[.,]\s*(?i:all rights reserved).*|\.)?\s*$").unwrap()
});
static DATE_LINE_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s*)?$").unwrap());
static DATE_LINE_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[,|·•–—-]?\s*(?:at\s+)?\d{1,2}(?:[:.]\d{2})?\s*(?:a\.m\.|p\.m\.|am|pm|AM|PM)?\s*(?:[A-Z]{2,4})?)?\s*$").unwrap()
});
static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<what>(?i:published|updated|posted|first published|last updated|date))?\s*(?:on|:)?\s*(?P<rest>.+)$").unwrap()
});
/// "MOSCOW —", "WILMINGTON, Del. (AP) –", "NEW YORK (AP) —", "MOSCOW, Dec 8 (Reuters) -", and the
/// older wire form "NAIROBI, Kenya (AP) _".
static DATELINE: LazyLock<BoundedRegex> = LazyLock::new(|| {
    BoundedRegex::new(
        r"^(?P<place>[\p{Lu}][\p{Lu}.'’-]+(?:\s[\p{Lu}][\p{Lu}.'’-]*){0,3}(?:,\s+[\p{Lu}][\p{L}.'’-]*(?:\s[\p{Lu}][\p{L}.'’-]*){0,2})?)(?:,\s+(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?\s*(?:\((?P<agency>[\p{L}][\p{L} .&-]{0,30})\))?\s*(?:—|–|--|-|_)(?:\s+\S|\s*$)",
    )
    .unwrap()
});

/// What a reading is for. The metadata and the publication estimate need the text's date and
/// weekday mentions only when no line states the date, and never their sentence contexts: those
/// serve only the collection pass, which reads each text once for its summary, while the main
/// pass reads it again for the metadata alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Metadata,
    /// The metadata and the full date evidence ([`collection::DateSummary`]).
    Summary,
}

struct Reading {
    meta: Metadata,
    estimate: PublicationEstimate,
    evidence: dates::DateEvidence,
}

/// One line's recognised role, before it becomes a `LineRole`.
#[derive(Debug, Clone, Copy)]
struct Role {
    kind: BlockKind,
    rule: &'static str,
}

fn clean_line(l: &str) -> &str {
    l.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}')
}

fn is_caption(line: &str) -> Option<&'static str> {
    if line.chars().count() > MAX_META_LINE {
        return None;
    }
    // Each pattern needs something most lines lack: a closing ")" at the end, "Credit", a "/".
    // Checking that first spares the regexes' reverse scans over big Unicode classes, which
    // cost more than all the rest of the line reading.
    if line.trim_end().ends_with(')') && CAPTION_PAREN_CREDIT.is_match(line) {
        Some("caption_photo_credit")
    } else if line.contains("Credit") && CAPTION_CREDIT_WORD.is_match(line) {
        Some("caption_credit_label")
    } else if slash_credit_fits(line) && CAPTION_SLASH_CREDIT.is_match(line) {
        Some("caption_slash_credit")
    } else {
        None
    }
}

/// Whether `line` can end in a slash credit (". / Reuters") as [`CAPTION_SLASH_CREDIT`] has it:
/// none of the pattern's characters after its '/' is a '/', so its '/' is the line's last, and
/// what follows is spaces, a letter and at most 40 characters more. A line of running text with
/// a slash further back fails this at once, where the regex's unbounded search would find a
/// long match and fall back to compiling the pattern as written (~45 M instructions).
fn slash_credit_fits(line: &str) -> bool {
    line.rsplit_once('/').is_some_and(|(_, credit)| credit.trim_start().chars().nth(41).is_none())
}

/// Removes a trailing " | Section" or " - Outlet" label from a headline.
fn strip_title_label(title: &str) -> (String, bool) {
    if let Some(i) = title.rfind(" | ") {
        let (head, label) = (title[..i].trim(), title[i + 3..].trim());
        if head.split_whitespace().count() >= 4 && label.split_whitespace().count() <= 4 {
            return (head.to_string(), true);
        }
    }
    for sep in [" - ", " — ", " – "] {
        if let Some(i) = title.rfind(sep) {
            let label = title[i + sep.len()..].trim();
            let tbl = outlets::table();
            if tbl.name(label).is_some() || tbl.masthead(label).is_some() {
                return (title[..i].trim().to_string(), true);
            }
        }
    }
    (title.to_string(), false)
}

fn parse_iso_prefix(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// A domain named by a URL or a bare domain; None for anything else.
fn domain_of(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches('.').to_lowercase();
    let c = URL_LINE.captures(&s)?;
    let d = c.get(1)?.as_str().to_string();
    if DOMAIN.is_match(&d) { Some(d) } else { None }
}

fn read(raw: &str, hints: &MetadataHints, purpose: Purpose) -> Reading {
    let table = outlets::table();
    let lines: Vec<&str> = raw.split('\n').map(clean_line).collect();
    let nonblank: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].is_empty()).collect();
    let top: Vec<usize> = nonblank.iter().copied().take(TOP_LINES).collect();
    let mut roles: BTreeMap<usize, Role> = BTreeMap::new();
    let mut meta = Metadata::default();

    // Outlet evidence, strongest first; the first that names an outlet wins.
    let mut outlet_masthead: Option<String> = None;
    let mut outlet_copyright: Option<String> = None;
    let mut outlet_source: Option<String> = None;
    let mut outlet_byline: Option<String> = None;
    // "By Ben Aris in Berlin": where the story was filed, its dateline when it has no other.
    let mut byline_place: Option<String> = None;
    let mut outlet_agency: Option<String> = None;
    let mut explicit: Option<(NaiveDate, &'static str)> = None;
    let mut copyright_year: Option<i32> = None;
    let mut byline_with_place_and_date = false;
    let mut slash_caption_top = false;

    // Masthead: one of the first three lines is exactly a nameplate.
    for &i in top.iter().take(3) {
        if let Some(o) = table.masthead(lines[i]) {
            roles.insert(i, Role { kind: BlockKind::Masthead, rule: "masthead" });
            outlet_masthead.get_or_insert_with(|| o.to_string());
        }
    }

    // Line-by-line recognisers that may fire anywhere in the article.
    for &i in &nonblank {
        let l = lines[i];
        if roles.contains_key(&i) || l.chars().count() > MAX_META_LINE {
            continue;
        }
        if let Some(c) = SOURCE_LINE.captures(l) {
            let what = c.get(1).map_or("", |m| m.as_str());
            if let Some(d) = domain_of(what) {
                meta.site.get_or_insert(d.clone());
                if let Some(o) = table.site(&d) {
                    outlet_source.get_or_insert_with(|| o.to_string());
                }
                roles.insert(i, Role { kind: BlockKind::Source, rule: "source_line" });
                continue;
            }
            if let Some(o) = table.name(what) {
                outlet_source.get_or_insert_with(|| o.to_string());
                roles.insert(i, Role { kind: BlockKind::Source, rule: "source_line" });
                continue;
            }
        }
        if l.starts_with("http://") || l.starts_with("https://") || l.starts_with("www.") {
            if let Some(d) = domain_of(l) {
                meta.site.get_or_insert(d.clone());
                if let Some(o) = table.site(&d) {
                    outlet_source.get_or_insert_with(|| o.to_string());
                }
                if let Some(c) = URL_DATE.captures(l) {
                    let p = |k: usize| c.get(k).and_then(|m| m.as_str().parse::<u32>().ok());
                    if let (Some(y), Some(m), Some(dd)) = (p(1), p(2), p(3)) {
                        if let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, dd) {
                            explicit.get_or_insert((date, "url_date"));
                        }
                    }
                }
                roles.insert(i, Role { kind: BlockKind::Source, rule: "url_line" });
                continue;
            }
        }
        let lower_start = l.get(..9).map(|s| s.to_ascii_lowercase());
        if l.starts_with('©') || l.starts_with("(c)") || l.starts_with("(C)") || lower_start.as_deref() == Some("copyright") {
            // "Copyright law is ..." is a sentence: a copyright notice has a year, a © or the
            // reservation of rights.
            let notice = l.contains('©') || l.to_lowercase().contains("rights reserved") || l.chars().take(20).any(|c| c.is_ascii_digit());
            if let Some(c) = COPYRIGHT.captures(l).filter(|_| notice) {
                if let Some(y) = c.name("year").and_then(|y| y.as_str().parse::<i32>().ok()) {
                    copyright_year.get_or_insert(y);
                }
                if let Some(o) = c.name("holder").and_then(|h| table.name(h.as_str())) {
                    outlet_copyright.get_or_insert_with(|| o.to_string());
                }
                roles.insert(i, Role { kind: BlockKind::Copyright, rule: "copyright_line" });
                continue;
            }
        }
        if let Some(b) = names::parse_byline(l) {
            for a in &b.authors {
                if !meta.authors.contains(a) {
                    meta.authors.push(a.clone());
                }
            }
            if byline_place.is_none() {
                byline_place = b.place.clone();
            }
            if let Some(d) = b.date {
                explicit.get_or_insert((d, "byline_date"));
                if b.place.is_some() {
                    byline_with_place_and_date = true;
                }
            }
            if let Some(o) = b.affiliation {
                outlet_byline.get_or_insert(o);
            }
            roles.insert(i, Role { kind: BlockKind::Byline, rule: "byline" });
            continue;
        }
        if let Some(people) = names::parse_credit_line(l) {
            for p in people {
                if !meta.contributors.contains(&p) && !meta.authors.contains(&p) {
                    meta.contributors.push(p);
                }
            }
            roles.insert(i, Role { kind: BlockKind::Credit, rule: "contributor_credit" });
            continue;
        }
        if let Some(rule) = is_caption(l) {
            if rule == "caption_slash_credit" && top.contains(&i) {
                slash_caption_top = true;
            }
            roles.insert(i, Role { kind: BlockKind::Caption, rule });
            continue;
        }
        // A line that is only a date, or "Published December 8, 2021", near the top.
        if top.contains(&i) && l.chars().count() <= 80 {
            if let Some(c) = DATE_LINE.captures(l) {
                let rest = c.name("rest").map_or("", |m| m.as_str());
                let fulls = dates::find_full_dates(rest);
                if let Some(f) = fulls.first() {
                    // Only a date (perhaps after a weekday, perhaps with a time): not a headline
                    // or sentence that contains a date.
                    if DATE_LINE_PREFIX.is_match(&rest[..f.start]) && DATE_LINE_SUFFIX.is_match(&rest[f.end..]) {
                        let what = c.name("what").map(|m| m.as_str().to_lowercase()).unwrap_or_default();
                        if !what.contains("updated") || explicit.is_none() {
                            explicit.get_or_insert((f.date, "date_line"));
                        }
                        roles.insert(i, Role { kind: BlockKind::Byline, rule: "date_line" });
                        continue;
                    }
                }
            }
        }
    }

    // Dateline: the first top-region paragraph that opens with "PLACE —".
    let mut dateline_line: Option<usize> = None;
    let mut dateline_date: Option<(u32, u32)> = None;
    for &i in nonblank.iter().take(TOP_LINES + 4) {
        if roles.contains_key(&i) {
            continue;
        }
        if let Some(c) = DATELINE.captures(lines[i]) {
            let place = c.name("place").map_or("", |m| m.as_str()).trim();
            // At least one all-capital word of two letters, so "I —" or "U.S. officials" don't count.
            let city = place.split(',').next().unwrap_or("");
            if city.chars().filter(|c| c.is_alphabetic()).count() < 2 || city.chars().any(|c| c.is_lowercase()) {
                continue;
            }
            meta.dateline = Some(place.to_string());
            if let Some(a) = c.name("agency") {
                if let Some(o) = table.agency(a.as_str()) {
                    outlet_agency = Some(o.to_string());
                }
            }
            // "MOSCOW, Dec 8 (Reuters) -": the wire dates the story in its dateline.
            if let Some(d) = c.name("date").and_then(|d| dates::find_dates(d.as_str()).into_iter().next()) {
                dateline_date = Some((d.month, d.day));
            }
            dateline_line = Some(i);
            break;
        }
    }

    if meta.dateline.is_none() {
        meta.dateline = byline_place;
    }
    // Title: the first top line no recogniser claimed and that is not the dateline paragraph.
    let mut title_line: Option<usize> = None;
    for &i in &top {
        if roles.contains_key(&i) {
            continue;
        }
        if Some(i) == dateline_line || lines[i].chars().count() > 300 {
            break;
        }
        // A text of one line is all body: a headline heads something.
        if !nonblank.iter().any(|&j| j > i) {
            break;
        }
        let (title, stripped) = strip_title_label(lines[i]);
        // A full sentence of twenty-odd words is a summary standing in for a missing headline;
        // it is still the best title the text offers, but the rule says so.
        let sentence_like = title.ends_with('.') && title.split_whitespace().count() > 20;
        // "Headline; deck" split over two lines (USA Today): the deck is the subtitle.
        let deck_follows = title.ends_with(';');
        let rule = match (stripped, sentence_like) {
            (true, _) => "title_first_line_label_stripped",
            (false, true) => "title_first_line_summary",
            (false, false) => "title_first_line",
        };
        meta.title = Some(title.trim_end_matches(';').trim_end().to_string());
        roles.insert(i, Role { kind: BlockKind::Title, rule });
        title_line = Some(i);
        if deck_follows {
            if let Some(&next) = nonblank.iter().find(|&&j| j > i) {
                if !roles.contains_key(&next) && Some(next) != dateline_line && lines[next].chars().count() <= 200 {
                    roles.insert(next, Role { kind: BlockKind::Subtitle, rule: "deck_after_semicolon_title" });
                }
            }
        }
        break;
    }
    // Between the title and where the body starts (dateline or byline): repeated title lines
    // and a summary line (subtitle). Without a known body start nothing is marked, so a first
    // body paragraph is never taken for a subtitle.
    if let (Some(t), Some(title)) = (title_line, meta.title.clone()) {
        let body_start = dateline_line.or_else(|| {
            roles.iter().find(|(i, r)| **i > t && r.kind == BlockKind::Byline).map(|(i, _)| *i + 1)
        });
        if let Some(b) = body_start {
            let folded_title = outlets::fold(&title);
            let mut subtitles = 0;
            for &i in nonblank.iter().filter(|&&i| i > t && i < b) {
                if roles.contains_key(&i) {
                    continue;
                }
                if outlets::fold(&strip_title_label(lines[i]).0) == folded_title {
                    roles.insert(i, Role { kind: BlockKind::Duplicate, rule: "title_repeated" });
                } else if subtitles < 2 && lines[i].chars().count() <= 350 {
                    roles.insert(i, Role { kind: BlockKind::Subtitle, rule: "summary_before_body" });
                    subtitles += 1;
                }
            }
        }
    }

    // Outlet, strongest evidence first.
    meta.outlet = outlet_masthead
        .or(outlet_copyright)
        .or(outlet_source)
        .or(outlet_byline)
        .or(outlet_agency)
        .or_else(|| {
            (slash_caption_top && byline_with_place_and_date)
                .then(|| table.house("slash_credit_caption+byline_place_date").map(str::to_string))
                .flatten()
        })
        .or_else(|| hints.outlet.clone());
    if meta.site.is_none() {
        meta.site = hints.site.as_deref().and_then(domain_of);
    }
    if meta.title.is_none() {
        meta.title = hints.title.as_deref().map(|t| strip_title_label(t).0).filter(|t| !t.is_empty());
    }
    if meta.authors.is_empty() {
        meta.authors = hints.authors.clone();
    }

    // Publication date. The evidence is gathered even when a line states the date, because the
    // collection pass (see `collection`) uses dated articles to date the events they mention.
    let mut ev = dates::DateEvidence { publication_year: copyright_year.or(hints.year), ..Default::default() };
    let summary = purpose == Purpose::Summary;
    // A date from the page or a line settles the estimate below without the mentions.
    let date_stated = explicit.is_some() || hints.published.as_deref().and_then(parse_iso_prefix).is_some();
    for &i in nonblank.iter().filter(|_| summary || !date_stated) {
        let kind = roles.get(&i).map(|r| r.kind);
        // Metadata lines say nothing about the story's days; captions date photos.
        if matches!(kind, Some(BlockKind::Masthead | BlockKind::Source | BlockKind::Copyright | BlockKind::Credit | BlockKind::Byline)) {
            continue;
        }
        let caption = kind == Some(BlockKind::Caption);
        if summary {
            dates::mentions_in_line(lines[i], caption, &mut ev);
        } else {
            dates::mentions_in_line_without_contexts(lines[i], caption, &mut ev);
        }
    }
    if let Some((month, day)) = dateline_date {
        match ev.publication_year.and_then(|y| NaiveDate::from_ymd_opt(y, month, day)) {
            Some(d) => {
                explicit.get_or_insert((d, "dateline_date"));
            }
            // Without a year it still bounds the day, like a caption date.
            None => ev.dated.push(dates::DatedMention { month, day, year: None, tense: dates::Tense::Past, in_caption: true }),
        }
        if summary && ev.dated_ctx.len() < ev.dated.len() {
            ev.dated_ctx.push(dates::MentionContext::default());
        }
    }
    let estimate = if let Some(d) = hints.published.as_deref().and_then(parse_iso_prefix) {
        PublicationEstimate { date: Some(d), basis: PublishedBasis::Metadata, tied: 1, weekday: None, note: "page metadata".into() }
    } else if let Some((d, rule)) = explicit {
        PublicationEstimate { date: Some(d), basis: PublishedBasis::Explicit, tied: 1, weekday: None, note: rule.into() }
    } else {
        dates::infer(&ev)
    };
    meta.published = estimate.date.map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()));
    meta.published_basis = Some(estimate.basis);
    meta.line_roles = roles
        .into_iter()
        .map(|(line, r)| LineRole { line, kind: r.kind, rule: r.rule.to_string() })
        .collect();
    Reading { meta, estimate, evidence: ev }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod eval;
