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
//! Works on compact per-article summaries (`DateSummary`), never on the texts, and streams:
//! [`CollectionEvents`] takes the summaries one at a time and keeps only what dated articles lend
//! (their meeting events, their years); [`CollectionDater`] then dates undated articles one at a
//! time, so a caller can keep their summaries out of memory meanwhile (see
//! [`DateSummary::encode_undated`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

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

/// An event one dated article pins to a day. The names of the sentence telling it are only in
/// the [`EventIndex`]: linking reads them nowhere else.
#[derive(Clone, Copy)]
struct DatedEvent {
    date: NaiveDate,
    /// The dated article's number in the collection.
    source: u32,
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

    /// Appends this summary of an article its own text left undated to `out`, as a compact
    /// binary record that [`DateSummary::decode_undated`] reads back, for a caller that keeps
    /// the undated articles of a large collection on disk until [`CollectionDater`] dates them.
    /// Only what dating an undated article reads is kept: its evidence, not the estimate. The
    /// record does not carry its length: the caller frames it.
    pub fn encode_undated(&self, out: &mut Vec<u8>) {
        debug_assert!(self.published().is_none(), "only undated articles are spilled");
        record::put_evidence(out, &self.evidence);
    }

    /// The summary `bytes` (one whole record from [`DateSummary::encode_undated`]) holds; None
    /// when they are not exactly such a record.
    pub fn decode_undated(bytes: &[u8]) -> Option<DateSummary> {
        let mut r = record::Reader(bytes);
        let evidence = r.evidence()?;
        if !r.0.is_empty() {
            return None;
        }
        let estimate = PublicationEstimate { date: None, basis: PublishedBasis::Unknown, tied: 0, weekday: None, note: String::new() };
        Some(DateSummary { estimate, evidence })
    }

    /// The publication date the article's own text gave, if any.
    pub fn published(&self) -> Option<NaiveDate> {
        self.estimate.date
    }

    /// Meeting events this article dates, seen from its publication day, with the sentence
    /// context telling each.
    fn events(&self) -> Vec<(NaiveDate, &MentionContext)> {
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
            out.push((date, ctx));
        }
        for (m, ctx) in ev.dated.iter().zip(&ev.dated_ctx) {
            if m.in_caption || !ctx.meeting {
                continue;
            }
            if let Some(date) = dates::resolve(p, m) {
                out.push((date, ctx));
            }
        }
        out
    }
}

/// The binary record of an undated article's summary ([`DateSummary::encode_undated`]).
mod record {
    use chrono::Weekday;

    use super::super::dates::{DateEvidence, DatedMention, MentionContext, Tense, WeekdayMention};

    fn put_len(out: &mut Vec<u8>, n: usize) {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }

    fn put_year(out: &mut Vec<u8>, y: Option<i32>) {
        match y {
            Some(y) => {
                out.push(1);
                out.extend_from_slice(&y.to_le_bytes());
            }
            None => out.push(0),
        }
    }

    fn tense_byte(t: Tense) -> u8 {
        match t {
            Tense::Past => 0,
            Tense::Future => 1,
            Tense::Unknown => 2,
        }
    }

    fn put_contexts(out: &mut Vec<u8>, ctxs: &[MentionContext]) {
        put_len(out, ctxs.len());
        for c in ctxs {
            out.push(c.meeting as u8);
            put_len(out, c.names.len());
            for n in &c.names {
                out.extend_from_slice(&n.to_le_bytes());
            }
        }
    }

    pub(super) fn put_evidence(out: &mut Vec<u8>, ev: &DateEvidence) {
        put_year(out, ev.publication_year);
        put_len(out, ev.dated.len());
        for m in &ev.dated {
            out.extend_from_slice(&[m.month as u8, m.day as u8, tense_byte(m.tense), m.in_caption as u8]);
            put_year(out, m.year);
        }
        put_len(out, ev.weekdays.len());
        for w in &ev.weekdays {
            out.extend_from_slice(&[w.weekday.num_days_from_monday() as u8, tense_byte(w.tense)]);
        }
        put_contexts(out, &ev.dated_ctx);
        put_contexts(out, &ev.weekday_ctx);
    }

    /// Reads what `put_evidence` wrote; None when the bytes are not such a record.
    pub(super) struct Reader<'a>(pub(super) &'a [u8]);

    impl Reader<'_> {
        fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
            let (head, rest) = self.0.split_first_chunk::<N>()?;
            self.0 = rest;
            Some(*head)
        }

        fn byte(&mut self) -> Option<u8> {
            self.take::<1>().map(|[b]| b)
        }

        fn len(&mut self) -> Option<usize> {
            let n = u32::from_le_bytes(self.take()?) as usize;
            // Every element takes at least one byte: a longer count is a damaged record, not
            // a reason to reserve gigabytes.
            (n <= self.0.len()).then_some(n)
        }

        fn year(&mut self) -> Option<Option<i32>> {
            Some(match self.byte()? {
                0 => None,
                _ => Some(i32::from_le_bytes(self.take()?)),
            })
        }

        fn tense(b: u8) -> Option<Tense> {
            Some(match b {
                0 => Tense::Past,
                1 => Tense::Future,
                2 => Tense::Unknown,
                _ => return None,
            })
        }

        fn contexts(&mut self) -> Option<Vec<MentionContext>> {
            let n = self.len()?;
            let mut out = Vec::with_capacity(n);
            for _ in 0..n {
                let meeting = self.byte()? != 0;
                let k = self.len()?;
                let names = (0..k).map(|_| self.take().map(u64::from_le_bytes)).collect::<Option<Vec<u64>>>()?;
                out.push(MentionContext { names, meeting });
            }
            Some(out)
        }

        pub(super) fn evidence(&mut self) -> Option<DateEvidence> {
            let publication_year = self.year()?;
            let n = self.len()?;
            let mut dated = Vec::with_capacity(n);
            for _ in 0..n {
                let [month, day, tense, in_caption] = self.take()?;
                let year = self.year()?;
                dated.push(DatedMention { month: month.into(), day: day.into(), year, tense: Self::tense(tense)?, in_caption: in_caption != 0 });
            }
            let n = self.len()?;
            let mut weekdays = Vec::with_capacity(n);
            for _ in 0..n {
                let [wd, tense] = self.take()?;
                weekdays.push(WeekdayMention { weekday: Weekday::try_from(wd).ok()?, tense: Self::tense(tense)? });
            }
            let dated_ctx = self.contexts()?;
            let weekday_ctx = self.contexts()?;
            Some(DateEvidence { dated, weekdays, publication_year, dated_ctx, weekday_ctx })
        }
    }
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
    let mut events = CollectionEvents::default();
    for s in summaries {
        events.add(s);
    }
    let mut dater = events.finish();
    summaries.iter().map(|s| dater.date(s)).collect()
}

/// First half of collection dating: the articles in input order, of which only what dated
/// articles lend is kept (their meeting events, indexed, and their years).
#[derive(Default)]
pub struct CollectionEvents {
    events: Vec<DatedEvent>,
    index: EventIndex,
    years: BTreeSet<i32>,
    articles: usize,
}

impl CollectionEvents {
    /// Adds the collection's next article. An undated article adds nothing but its place in the
    /// input order (the source numbers of notes); it is dated later by [`CollectionDater::date`].
    pub fn add(&mut self, s: &DateSummary) {
        let source = u32::try_from(self.articles).expect("fewer than 2^32 articles");
        self.articles += 1;
        if let Some(d) = s.published() {
            self.years.insert(d.year());
        }
        for (date, ctx) in s.events() {
            let i = u32::try_from(self.events.len()).expect("fewer than 2^32 events");
            self.index.add(i, date, &ctx.names);
            self.events.push(DatedEvent { date, source });
        }
    }

    /// Every article added: undated ones can now be dated.
    pub fn finish(mut self) -> CollectionDater {
        self.events.shrink_to_fit();
        let single_year = if self.years.len() == 1 { self.years.first().copied() } else { None };
        CollectionDater { events: self.events, index: self.index, single_year, links: LinkCache::default() }
    }
}

/// Second half of collection dating: dates undated articles, in any order, one at a time.
pub struct CollectionDater {
    events: Vec<DatedEvent>,
    index: EventIndex,
    /// The one year every dated article is from, if they share one.
    single_year: Option<i32>,
    links: LinkCache,
}

impl CollectionDater {
    /// What the collection says of an article its own text left undated (None for a dated one).
    pub fn date(&mut self, s: &DateSummary) -> Option<CollectionDate> {
        if s.published().is_some() {
            return None;
        }
        by_shared_event(s, &self.events, &self.index, &mut self.links).or_else(|| by_collection_year(s, self.single_year))
    }
}

/// Events by (weekday, name), so linking costs what the matches cost, not the collection size.
/// (Event numbers are u32: the index holds one per name of every dated event of the collection.)
#[derive(Default)]
struct EventIndex {
    by_key: BTreeMap<(u32, u64), Vec<u32>>,
}

impl EventIndex {
    /// Indexes event number `i` on `date`, told in a sentence with `names` (sorted, distinct);
    /// events are added in number order.
    fn add(&mut self, i: u32, date: NaiveDate, names: &[u64]) {
        let wd = date.weekday().num_days_from_monday();
        for n in names {
            self.by_key.entry((wd, *n)).or_default().push(i);
        }
    }

    /// Events on `weekday` sharing at least `MIN_SHARED_NAMES` names with `names`, in index order.
    fn candidates(&self, weekday: u32, names: &[u64]) -> Vec<u32> {
        let mut hits: Vec<u32> = Vec::new();
        for n in names {
            if let Some(list) = self.by_key.get(&(weekday, *n)) {
                hits.extend_from_slice(list);
            }
        }
        // An event appears once per name it shares (its names are distinct), so a run of
        // `MIN_SHARED_NAMES` is that many shared names.
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
        for e in index.candidates(weekday, names).into_iter().map(|i| events[i as usize]) {
            sources.entry(e.date).or_default().push(e.source as usize);
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
/// Keyed by the names first (owned: the summaries are dated one at a time and dropped), then by
/// (weekday, tense), of which a name list has few.
#[derive(Default)]
struct LinkCache {
    by_names: HashMap<Box<[u64]>, Vec<((u32, u8), MentionLinks)>>,
}

impl LinkCache {
    fn get(&mut self, w: &WeekdayMention, ctx: &MentionContext, events: &[DatedEvent], index: &EventIndex) -> &MentionLinks {
        let weekday = w.weekday.num_days_from_monday();
        let tense_key = match w.tense {
            Tense::Past => 0,
            Tense::Future => 1,
            Tense::Unknown => 2,
        };
        let names = ctx.names.as_slice();
        if !self.by_names.contains_key(names) {
            self.by_names.insert(names.into(), Vec::new());
        }
        let per = self.by_names.get_mut(names).expect("inserted above");
        let at = match per.iter().position(|(k, _)| *k == (weekday, tense_key)) {
            Some(at) => at,
            None => {
                per.push(((weekday, tense_key), MentionLinks::new(weekday, w.tense, names, events, index)));
                per.len() - 1
            }
        };
        &per[at].1
    }
}

/// Source articles listed in a note, at most.
const NOTE_SOURCES: usize = 20;

/// Ties the article's weekday mentions to events other articles date; the publication day
/// most mentions agree on wins, then the one its weekday mentions fit best.
fn by_shared_event(s: &DateSummary, events: &[DatedEvent], index: &EventIndex, links: &mut LinkCache) -> Option<CollectionDate> {
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
    fn undated_summaries_spilled_and_read_back_are_dated_the_same() {
        let s = summaries(&[WAPO_000, NYT_001, AP_002, WAPO_003, BNE_004]);
        let mut events = CollectionEvents::default();
        let mut spilled = Vec::new();
        for x in &s {
            events.add(x);
            if x.published().is_none() {
                let mut rec = Vec::new();
                x.encode_undated(&mut rec);
                let back = DateSummary::decode_undated(&rec).expect("a whole record");
                assert_eq!(back.evidence.dated, x.evidence.dated);
                assert_eq!(back.evidence.weekdays, x.evidence.weekdays);
                assert_eq!(back.evidence.publication_year, x.evidence.publication_year);
                assert_eq!(back.evidence.dated_ctx, x.evidence.dated_ctx);
                assert_eq!(back.evidence.weekday_ctx, x.evidence.weekday_ctx);
                assert!(DateSummary::decode_undated(&rec[..rec.len() - 1]).is_none(), "cut short");
                spilled.push(rec);
            }
        }
        assert!(!spilled.is_empty());
        let mut dater = events.finish();
        let streamed: Vec<_> = spilled.iter().map(|r| dater.date(&DateSummary::decode_undated(r).unwrap())).collect();
        let whole: Vec<_> = date_collection(&s).into_iter().zip(&s).filter(|(_, x)| x.published().is_none()).map(|(d, _)| d).collect();
        assert_eq!(streamed, whole);
    }

    #[test]
    fn empty_and_single() {
        assert!(date_collection(&[]).is_empty());
        let s = summaries(&[""]);
        assert_eq!(date_collection(&s), vec![None]);
    }
}
