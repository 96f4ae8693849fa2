//! Collection-level dating: dates articles whose own text cannot be dated, from what the
//! other articles of the same collection say.
//!
//! A story that says "during their video meeting Tuesday" and never prints a year cannot be
//! dated alone. When another article of the collection dates the same event (its "Dec. 7
//! video call", or "Tuesday's Biden-Putin talks" in a story published Wednesday Dec. 8, 2021),
//! the weekday mention can be tied to that day, and the publication day follows from the
//! story's weekday mentions. Two mentions are taken to be the same event when they fall on the
//! same weekday, both speak of a meeting (call, talks, summit, ...), and their sentences share
//! at least two names; a day needs two such links (two mentions, or two articles dating the
//! event) before it is taken. Failing that, when every dated article of the collection is from one
//! year, that year is lent to the undated article and the single-article inference is re-run.
//!
//! Works on compact per-article summaries (`DateSummary`), never on the texts.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use pipeline::PublishedBasis;

use super::dates::{self, DateEvidence, MentionContext, PublicationEstimate, Tense, WeekdayMention};

/// Shared names two sentences need before they are taken to tell the same event.
const MIN_SHARED_NAMES: usize = 2;
/// (mention, article) links a candidate day needs.
const MIN_LINKS: usize = 2;

/// What the collection pass needs of one article.
#[derive(Debug, Clone)]
pub struct DateSummary {
    pub estimate: PublicationEstimate,
    evidence: DateEvidence,
}

/// A publication date found for an article through the rest of its collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionDate {
    /// ISO date (YYYY-MM-DD).
    pub published: String,
    pub basis: PublishedBasis,
    pub note: String,
}

/// An event one dated article pins to a day.
struct DatedEvent<'a> {
    date: NaiveDate,
    ctx: &'a MentionContext,
    source: usize,
}

impl DateSummary {
    pub fn new(estimate: PublicationEstimate, evidence: DateEvidence) -> Self {
        DateSummary { estimate, evidence }
    }

    /// Drops what only logs and audits read (the estimate's reasoning), for a caller that keeps
    /// one summary per article of a large collection. Dating is unchanged; the notes of
    /// [`CollectionDate`]s made from it lose the article's own reasoning.
    pub fn compact(&mut self) {
        self.estimate.note = String::new();
        let ev = &mut self.evidence;
        if self.estimate.date.is_some() {
            // A dated article only lends its meeting events (see `events`); the rest of its
            // evidence is never read again.
            let weekdays = std::mem::take(&mut ev.weekdays).into_iter().zip(std::mem::take(&mut ev.weekday_ctx));
            (ev.weekdays, ev.weekday_ctx) = weekdays.filter(|(w, c)| c.meeting && w.tense != Tense::Unknown).unzip();
            let dated = std::mem::take(&mut ev.dated).into_iter().zip(std::mem::take(&mut ev.dated_ctx));
            (ev.dated, ev.dated_ctx) = dated.filter(|(m, c)| c.meeting && !m.in_caption).unzip();
        }
        ev.dated.shrink_to_fit();
        ev.weekdays.shrink_to_fit();
        ev.dated_ctx.shrink_to_fit();
        ev.weekday_ctx.shrink_to_fit();
        for c in ev.dated_ctx.iter_mut().chain(ev.weekday_ctx.iter_mut()) {
            c.names.shrink_to_fit();
        }
    }

    /// The publication date the article's own text gave, if any.
    pub fn published(&self) -> Option<NaiveDate> {
        self.estimate.date
    }

    /// Meeting events this article dates, seen from its publication day.
    fn events(&self, source: usize) -> Vec<DatedEvent<'_>> {
        let Some(p) = self.estimate.date else { return Vec::new() };
        let ev = &self.evidence;
        let mut out = Vec::new();
        for (w, ctx) in ev.weekdays.iter().zip(&ev.weekday_ctx) {
            if !ctx.meeting {
                continue;
            }
            let pn = p.weekday().num_days_from_monday() as i64;
            let wn = w.weekday.num_days_from_monday() as i64;
            let date = match w.tense {
                Tense::Past => p - Duration::days((pn - wn).rem_euclid(7)),
                Tense::Future => p + Duration::days((wn - pn).rem_euclid(7)),
                Tense::Unknown => continue,
            };
            out.push(DatedEvent { date, ctx, source });
        }
        for (m, ctx) in ev.dated.iter().zip(&ev.dated_ctx) {
            if m.in_caption || !ctx.meeting {
                continue;
            }
            if let Some(date) = dates::resolve(p, m) {
                out.push(DatedEvent { date, ctx, source });
            }
        }
        out
    }
}

fn shared_names(a: &[u64], b: &[u64]) -> usize {
    // Both lists are sorted and deduplicated.
    intersection_len(a, b)
}

/// Elements two sorted, deduplicated lists have in common.
fn intersection_len<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn iso(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Dates what the collection can for each article its own text left undated (None for the
/// others and for those the collection cannot date either). Output is in input order.
pub fn date_collection(summaries: &[DateSummary]) -> Vec<Option<CollectionDate>> {
    let events: Vec<DatedEvent> = summaries.iter().enumerate().flat_map(|(i, s)| s.events(i)).collect();
    let mut years: Vec<i32> = summaries.iter().filter_map(|s| s.published()).map(|d| d.year()).collect();
    years.sort();
    years.dedup();
    let single_year = if years.len() == 1 { Some(years[0]) } else { None };

    let index = EventIndex::new(&events);
    let mut links = LinkCache::default();
    summaries
        .iter()
        .map(|s| {
            if s.published().is_some() {
                return None;
            }
            by_shared_event(s, &events, &index, &mut links).or_else(|| by_collection_year(s, single_year))
        })
        .collect()
}

/// Events by (weekday, name), so linking costs what the matches cost, not the collection size.
struct EventIndex {
    by_key: BTreeMap<(u32, u64), Vec<usize>>,
}

impl EventIndex {
    fn new(events: &[DatedEvent<'_>]) -> Self {
        let mut by_key: BTreeMap<(u32, u64), Vec<usize>> = BTreeMap::new();
        for (i, e) in events.iter().enumerate() {
            let wd = e.date.weekday().num_days_from_monday();
            for n in &e.ctx.names {
                by_key.entry((wd, *n)).or_default().push(i);
            }
        }
        EventIndex { by_key }
    }

    /// Events on `weekday` sharing at least `MIN_SHARED_NAMES` names with `names`, in index order.
    fn candidates(&self, weekday: u32, names: &[u64]) -> Vec<usize> {
        let mut hits: Vec<usize> = Vec::new();
        for n in names {
            if let Some(list) = self.by_key.get(&(weekday, *n)) {
                hits.extend_from_slice(list);
            }
        }
        // An event appears once per name it shares.
        hits.sort_unstable();
        let mut out = Vec::new();
        for run in hits.chunk_by(|a, b| a == b) {
            if run.len() >= MIN_SHARED_NAMES {
                out.push(run[0]);
            }
        }
        out
    }
}

/// What one weekday mention (weekday, tense, names) links to: the candidate publication days
/// and, per day, how many distinct articles date a matching event.
struct MentionLinks {
    /// (candidate day, distinct source articles), by day.
    day_counts: Vec<(NaiveDate, usize)>,
    /// Event day -> sorted distinct source articles dating a matching event that day.
    sources: BTreeMap<NaiveDate, Vec<usize>>,
    tense: Tense,
}

impl MentionLinks {
    fn new(weekday: u32, tense: Tense, names: &[u64], events: &[DatedEvent], index: &EventIndex) -> Self {
        let mut sources: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
        for e in index.candidates(weekday, names).into_iter().map(|i| &events[i]) {
            debug_assert!(shared_names(names, &e.ctx.names) >= MIN_SHARED_NAMES);
            sources.entry(e.date).or_default().push(e.source);
        }
        for list in sources.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        // Every event day falls on `weekday`, so event days are a week apart and the windows
        // of days they support (at most 13 days wide) overlap for neighbouring weeks only: a
        // day's distinct sources are those of at most two event days.
        let (lo, hi) = offsets(tense);
        let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
        for (&e, list) in &sources {
            for off in lo..=hi {
                let d = e + Duration::days(off);
                // The other event day (if any) supporting d is e - 7 or e + 7; count the
                // union once, from the earlier event day.
                let earlier = e - Duration::days(7);
                if (d - earlier).num_days() >= lo && (d - earlier).num_days() <= hi && sources.contains_key(&earlier) {
                    continue;
                }
                let later = e + Duration::days(7);
                let n = match sources.get(&later) {
                    Some(other) if (d - later).num_days() >= lo && (d - later).num_days() <= hi => union_len(list, other),
                    _ => list.len(),
                };
                per_day.insert(d, n);
            }
        }
        // Counted: from here on only the note reads the lists, and only their smallest
        // NOTE_SOURCES + 1 (see `sources_for`); a mention told by thousands of articles would
        // otherwise keep every one of them for the rest of the pass.
        for list in sources.values_mut() {
            list.truncate(NOTE_SOURCES + 1);
            list.shrink_to_fit();
        }
        MentionLinks { day_counts: per_day.into_iter().collect(), sources, tense }
    }

    /// Appends the source articles linking this mention to day `d`: the `limit` smallest of
    /// each event day's list, so the smallest `limit` of their union are among them.
    fn sources_for(&self, d: NaiveDate, limit: usize, out: &mut Vec<usize>) {
        let (lo, hi) = offsets(self.tense);
        // An event on day e supports days e+lo ..= e+hi.
        for (_, list) in self.sources.range(d - Duration::days(hi)..=d - Duration::days(lo)) {
            out.extend(list.iter().take(limit));
        }
    }
}

/// Size of the union of two sorted, deduplicated lists.
fn union_len(a: &[usize], b: &[usize]) -> usize {
    a.len() + b.len() - intersection_len(a, b)
}

/// Days around an event a weekday mention of the given tense can be published on.
fn offsets(tense: Tense) -> (i64, i64) {
    match tense {
        Tense::Past => (0, 6),
        Tense::Future => (-6, 0),
        Tense::Unknown => (-6, 6),
    }
}

/// Links per distinct (weekday, tense, names) mention. Undated articles date no events, so what
/// a mention links to does not depend on which article makes it: computing it once per distinct
/// mention keeps the pass linear in the collection when many articles tell the same event.
#[derive(Default)]
struct LinkCache<'a> {
    by_mention: HashMap<(u32, u8, &'a [u64]), MentionLinks>,
}

impl<'a> LinkCache<'a> {
    fn get(&mut self, w: &WeekdayMention, ctx: &'a MentionContext, events: &[DatedEvent], index: &EventIndex) -> &MentionLinks {
        let weekday = w.weekday.num_days_from_monday();
        let tense_key = match w.tense {
            Tense::Past => 0,
            Tense::Future => 1,
            Tense::Unknown => 2,
        };
        self.by_mention
            .entry((weekday, tense_key, ctx.names.as_slice()))
            .or_insert_with(|| MentionLinks::new(weekday, w.tense, &ctx.names, events, index))
    }
}

/// Source articles listed in a note, at most.
const NOTE_SOURCES: usize = 20;

/// Ties the article's weekday mentions to events other articles date; the publication day
/// most mentions agree on wins, then the one its weekday mentions fit best.
fn by_shared_event<'a>(
    s: &'a DateSummary,
    events: &[DatedEvent],
    index: &EventIndex,
    links: &mut LinkCache<'a>,
) -> Option<CollectionDate> {
    let ev = &s.evidence;
    // Only dated articles date events (`DateSummary::events`), so none of the linked events
    // is this article's own.
    debug_assert!(s.published().is_none());
    // Per candidate day: how many (mention, article) pairs point at it. One article telling
    // one event once is too little (a weekly meeting, another week's Friday); the same event
    // must be linked twice, by two mentions or two articles.
    let mut days: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for (w, ctx) in ev.weekdays.iter().zip(&ev.weekday_ctx) {
        if !ctx.meeting {
            continue;
        }
        let l = links.get(w, ctx, events, index);
        for &(d, n) in &l.day_counts {
            *days.entry(d).or_default() += n;
        }
    }
    if days.is_empty() {
        return None;
    }
    let cost = |p: NaiveDate| ev.weekdays.iter().map(|w| dates::weekday_cost(p, w)).sum::<i64>();
    // Keep only days the article's own dated mentions allow (tense order, caption window).
    let mut own = ev.clone();
    own.publication_year = None;
    let (d, n) = days
        .into_iter()
        .filter(|&(_, n)| n >= MIN_LINKS)
        .filter(|&(d, _)| dates::fits(d, &own, 1))
        .min_by_key(|&(d, n)| (std::cmp::Reverse(n), cost(d), d))?;
    // The articles behind the chosen day, for the note (the first NOTE_SOURCES of them: a
    // large collection can link hundreds).
    let mut srcs = Vec::new();
    for (w, ctx) in ev.weekdays.iter().zip(&ev.weekday_ctx) {
        if ctx.meeting {
            links.get(w, ctx, events, index).sources_for(d, NOTE_SOURCES + 1, &mut srcs);
        }
    }
    srcs.sort_unstable();
    srcs.dedup();
    let more = if srcs.len() > NOTE_SOURCES { ", ..." } else { "" };
    srcs.truncate(NOTE_SOURCES);
    let srcs = format!("{srcs:?}");
    let srcs = format!("{}{more}]", &srcs[..srcs.len() - 1]);
    Some(CollectionDate {
        published: iso(d),
        basis: PublishedBasis::InferredWeekday,
        note: format!(
            "{n} link(s) of weekday mentions to the same event dated in collection article(s) {srcs}; weekday distance {}",
            cost(d)
        ),
    })
}

/// Re-runs the single-article inference with the one year every dated article shares.
fn by_collection_year(s: &DateSummary, year: Option<i32>) -> Option<CollectionDate> {
    let year = year?;
    if s.evidence.publication_year.is_some() {
        return None; // the text had its own year and still could not be dated
    }
    let mut ev = s.evidence.clone();
    ev.publication_year = Some(year);
    let e = dates::infer(&ev);
    let d = e.date?;
    Some(CollectionDate {
        published: iso(d),
        basis: e.basis,
        note: format!("year {year} shared by every dated article of the collection; {}", e.note),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{MetadataHints, from_text_with_summary};
    use super::*;

    const WAPO_000: &str = include_str!("../../../../corpus/000_7af196de5e79098c.txt");
    const NYT_001: &str = include_str!("../../../../corpus/001_eff779026592d293.txt");
    const AP_002: &str = include_str!("../../../../corpus/002_037532f3cf66b02e.txt");
    const WAPO_003: &str = include_str!("../../../../corpus/003_da8470f8a25eae5a.txt");
    const BNE_004: &str = include_str!("../../../../corpus/004_e9d4a3ba796d143f.txt");

    fn summaries(texts: &[&str]) -> Vec<DateSummary> {
        texts.iter().map(|t| from_text_with_summary(t, &MetadataHints::default()).1).collect()
    }

    #[test]
    fn corpus_articles_undated_alone_are_dated_by_the_collection() {
        let s = summaries(&[WAPO_000, NYT_001, AP_002, WAPO_003, BNE_004]);
        let out = date_collection(&s);
        for (i, o) in out.iter().enumerate() {
            println!("{i}: {o:?}");
        }
        assert!(out[0].is_none() && out[2].is_none() && out[4].is_none(), "already dated");
        assert_eq!(out[1].as_ref().map(|c| c.published.as_str()), Some("2021-12-30"));
        assert_eq!(out[3].as_ref().map(|c| c.published.as_str()), Some("2021-12-06"));
        assert_eq!(out[3].as_ref().unwrap().basis, PublishedBasis::InferredWeekday);
    }

    #[test]
    fn unrelated_collection_does_not_date_an_article() {
        let other = "Stocks rally\n\nNEW YORK (AP) — Stocks rose on Tuesday after the Fed meeting, Powell and Yellen said.\n\nCopyright 2019 The Associated Press.\n";
        let s = summaries(&[WAPO_003, other]);
        let out = date_collection(&s);
        // 2019 is lent as the year, but a Monday in 2019 is not one day: still undated.
        assert!(out[0].is_none(), "{:?}", out[0]);
    }

    #[test]
    fn empty_and_single() {
        assert!(date_collection(&[]).is_empty());
        let s = summaries(&[""]);
        assert_eq!(date_collection(&s), vec![None]);
    }
}
