//! report.html: a run at a glance, as one self-contained page (inline CSS and SVG, no script, no
//! network): documents per outlet, what normalise removed and repaired, top entities, quotes by
//! speaker, a timeline of the dates mentioned, numbers by unit, near duplicates and rejects.
//!
//! It is built from the finished JSONL datasets of the output folder (plain, .gz or .zst), read one
//! row at a time into bounded summaries, so it shows exactly what a notebook user loads and its
//! memory does not grow with the corpus beyond per-outlet, per-speaker and per-day counts.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::ExportError;
use crate::rows::leading_str_field;

/// Each document's outlet, by a 64-bit hash of its doc_id and the outlet's position in a list of
/// distinct outlets: about 12 bytes a document, where a map of the strings took ~100.
#[derive(Debug, Default)]
struct OutletIndex {
    outlets: Vec<String>,
    position: std::collections::HashMap<String, u32>,
    by_doc: std::collections::HashMap<u64, u32>,
}

impl OutletIndex {
    fn key(doc_id: &str) -> u64 {
        pipeline::ids::key64(doc_id)
    }

    fn insert(&mut self, doc_id: &str, outlet: &str) {
        let at = match self.position.get(outlet) {
            Some(&i) => i,
            None => {
                self.outlets.push(outlet.to_string());
                let i = (self.outlets.len() - 1) as u32;
                self.position.insert(outlet.to_string(), i);
                i
            }
        };
        self.by_doc.insert(Self::key(doc_id), at);
    }

    fn get(&self, doc_id: &str) -> Option<&str> {
        self.by_doc.get(&Self::key(doc_id)).map(|&i| self.outlets[i as usize].as_str())
    }
}

/// File name of the report inside the output folder.
pub const REPORT_FILE: &str = "report.html";

/// Rows shown at most in a per-item table (documents, removed blocks, rejects...).
const MAX_TABLE_ROWS: usize = 200;
/// Examples kept per edit rule and per removed block kind.
const EXAMPLES_PER_GROUP: usize = 3;
/// Bars in a bar chart.
const MAX_BARS: usize = 15;
/// Code points of raw text shown either side of an edit.
const CONTEXT_CHARS: usize = 40;
/// Outlets (rows) on the timeline.
const MAX_TIMELINE_ROWS: usize = 12;

/// Reads the datasets in `out_dir` and writes `out_dir/report.html`.
///
/// Datasets that the run did not write (a step that was off) leave their section out; a missing
/// documents dataset gives a report that says so. Errors only on unreadable files or rows that are
/// not valid JSON of their dataset.
pub fn write_report(out_dir: &Path) -> Result<(), ExportError> {
    write_report_with_counts(out_dir, &BTreeMap::new())
}

/// The datasets the page only counts: given their row counts ([`write_report_with_counts`]), the
/// report does not read them, so it can be written while they are still being written.
pub const REPORT_COUNTS_ONLY: [&str; 2] = ["sentences", "mentions"];

/// [`write_report`] for the run that just wrote the datasets and knows their row counts
/// (dataset name -> rows): datasets the page only counts ([`REPORT_COUNTS_ONLY`]) are then not
/// read back at all.
pub fn write_report_with_counts(out_dir: &Path, rows: &BTreeMap<String, u64>) -> Result<(), ExportError> {
    let facts = RunFacts::gather(out_dir, rows)?;
    let html = render(&facts);
    let path = out_dir.join(REPORT_FILE);
    std::fs::write(&path, html).map_err(ExportError::io(&path))
}

// ---------------------------------------------------------------------------------------------
// reading

/// The file of dataset `name` in `dir`, whatever its compression.
fn dataset_file(dir: &Path, name: &str) -> Option<PathBuf> {
    ["jsonl", "jsonl.gz", "jsonl.zst"].iter().map(|ext| dir.join(format!("{name}.{ext}"))).find(|p| p.is_file())
}

/// Calls `f` with every row of dataset `name`; returns false when the run did not write it.
fn for_each_row<T: DeserializeOwned>(dir: &Path, name: &str, mut f: impl FnMut(T)) -> Result<bool, ExportError> {
    for_each_line(dir, name, |path, line| {
        f(serde_json::from_str(line).map_err(|source| ExportError::Json { path: path.to_path_buf(), source })?);
        Ok(())
    })
}

/// Calls `f` on each non-blank line of a dataset (any compression); false when it was not written.
fn for_each_line(dir: &Path, name: &str, mut f: impl FnMut(&Path, &str) -> Result<(), ExportError>) -> Result<bool, ExportError> {
    let Some(path) = dataset_file(dir, name) else { return Ok(false) };
    let file = std::fs::File::open(&path).map_err(ExportError::io(&path))?;
    let name = path.to_string_lossy();
    let reader: Box<dyn Read> = if name.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else if name.ends_with(".zst") {
        Box::new(zstd::stream::read::Decoder::new(file).map_err(ExportError::io(&path))?)
    } else {
        Box::new(file)
    };
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(ExportError::io(&path))? == 0 {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        f(&path, &line)?;
    }
    Ok(true)
}

/// The number of rows of a dataset, None when it was not written. The rows are this run's own
/// output, so they are counted, not parsed.
fn count_rows(dir: &Path, name: &str) -> Result<Option<u64>, ExportError> {
    let mut n = 0;
    Ok(for_each_line(dir, name, |_, _| {
        n += 1;
        Ok(())
    })?
    .then_some(n))
}

// The fields each section needs; serde skips the rest (the big `text` fields among them).

#[derive(Deserialize)]
struct DocFields {
    doc_id: String,
    outlet: Option<String>,
    title: Option<String>,
    published: Option<String>,
    published_basis: String,
    n_words: u64,
    n_sentences: u64,
    duplicate_of: Option<String>,
}

#[derive(Deserialize)]
struct RawTextFields {
    doc_id: String,
    raw_text: String,
}

#[derive(Deserialize)]
struct BlockFields {
    doc_id: String,
    kind: String,
    kept: bool,
    rule: String,
    text: String,
}

#[derive(Deserialize)]
struct EditFields {
    doc_id: String,
    rule: String,
    kind: String,
    raw_start: usize,
    raw_end: usize,
    before: String,
    after: String,
}

#[derive(Deserialize)]
struct EntityFields {
    name: String,
    label: String,
    aliases: Vec<String>,
    n_docs: u64,
    n_mentions: u64,
}

#[derive(Deserialize)]
struct QuoteFields {
    doc_id: String,
    speaker: Option<String>,
    speaker_kind: String,
}

#[derive(Deserialize)]
struct DateFields {
    doc_id: String,
    text: String,
    value: Option<String>,
}

#[derive(Deserialize)]
struct QuantityFields {
    doc_id: String,
    text: String,
    unit: Option<String>,
}

#[derive(Deserialize)]
struct DuplicateFields {
    cluster_id: String,
    doc_ids: Vec<String>,
    representative: String,
    similarity: f64,
}

#[derive(Deserialize)]
struct RejectFields {
    path: String,
    error_kind: String,
    message: String,
}

// ---------------------------------------------------------------------------------------------
// summaries

#[derive(Default)]
struct OutletFacts {
    documents: u64,
    words: u64,
    sentences: u64,
    first: Option<String>,
    last: Option<String>,
}

struct DocSummary {
    doc_id: String,
    outlet: String,
    title: String,
    published: String,
    basis: String,
    words: u64,
    sentences: u64,
    duplicate_of: Option<String>,
}

struct EditExample {
    doc_id: String,
    raw_start: usize,
    raw_end: usize,
    before: String,
    after: String,
    /// Filled from the document's raw text in a second pass.
    left: String,
    right: String,
}

#[derive(Default)]
struct EditGroup {
    repairs: u64,
    flags: u64,
    examples: Vec<EditExample>,
}

#[derive(Default)]
struct SpeakerFacts {
    quotes: u64,
    outlets: BTreeSet<String>,
}

#[derive(Default)]
struct DayFacts {
    per_outlet: BTreeMap<String, u64>,
    said_as: BTreeSet<String>,
}

#[derive(Default)]
struct UnitFacts {
    count: u64,
    examples: BTreeSet<String>,
}

/// Everything the page shows, gathered in one pass per dataset.
#[derive(Default)]
struct RunFacts {
    has_documents: bool,
    documents: u64,
    words: u64,
    outlets: BTreeMap<String, OutletFacts>,
    doc_rows: Vec<DocSummary>,
    quotes_per_doc: BTreeMap<String, u64>,

    blocks: Option<u64>,
    /// kind -> (kept, outlet -> count)
    block_kinds: BTreeMap<String, (bool, BTreeMap<String, u64>)>,
    /// kind -> examples of removed blocks (outlet, rule, text)
    removed_examples: BTreeMap<String, Vec<(String, String, String)>>,
    edits: Option<u64>,
    edit_groups: BTreeMap<String, EditGroup>,

    sentences: Option<u64>,
    entities: Option<Vec<EntityFields>>,
    mentions: Option<u64>,

    quotes: Option<u64>,
    speakers: BTreeMap<(String, String), SpeakerFacts>,
    quote_kinds: BTreeMap<String, BTreeMap<String, u64>>,
    top_speaker_per_outlet: BTreeMap<String, BTreeMap<String, u64>>,

    dates: Option<u64>,
    days: BTreeMap<i64, DayFacts>,
    published_days: BTreeMap<String, BTreeSet<i64>>,

    quantities: Option<u64>,
    units: BTreeMap<String, UnitFacts>,

    duplicates: Option<Vec<DuplicateFields>>,
    rejects: Option<Vec<RejectFields>>,
    rejects_total: u64,
}

impl RunFacts {
    fn gather(dir: &Path, known_rows: &BTreeMap<String, u64>) -> Result<RunFacts, ExportError> {
        let mut f = RunFacts::default();
        // Each document's outlet, for the rows of the other datasets.
        let mut outlets = OutletIndex::default();
        f.has_documents = for_each_row(dir, "documents", |d: DocFields| {
            let outlet = d.outlet.clone().unwrap_or_else(|| "(unknown outlet)".into());
            f.documents += 1;
            f.words += d.n_words;
            let o = f.outlets.entry(outlet.clone()).or_default();
            o.documents += 1;
            o.words += d.n_words;
            o.sentences += d.n_sentences;
            if let Some(p) = &d.published {
                if o.first.as_ref().is_none_or(|x| p < x) {
                    o.first = Some(p.clone());
                }
                if o.last.as_ref().is_none_or(|x| p > x) {
                    o.last = Some(p.clone());
                }
                if let Some(day) = parse_day(p) {
                    f.published_days.entry(outlet.clone()).or_default().insert(day);
                }
            }
            outlets.insert(&d.doc_id, &outlet);
            if f.doc_rows.len() < MAX_TABLE_ROWS {
                f.doc_rows.push(DocSummary {
                    doc_id: d.doc_id,
                    outlet,
                    title: d.title.unwrap_or_default(),
                    published: d.published.unwrap_or_default(),
                    basis: d.published_basis,
                    words: d.n_words,
                    sentences: d.n_sentences,
                    duplicate_of: d.duplicate_of,
                });
            }
        })?;
        // Every other dataset needs only the documents' outlets, so the files are read side by
        // side: on a big run this is the serial tail of the whole run.
        let outlet = |doc_id: &str| outlets.get(doc_id).unwrap_or("(unknown outlet)").to_string();
        std::thread::scope(|s| -> Result<(), ExportError> {
            let blocks = s.spawn(|| {
                let (mut n, mut kinds, mut removed) = (0, BTreeMap::new(), BTreeMap::new());
                let had = for_each_row(dir, "blocks", |b: BlockFields| {
                    n += 1;
                    let o = outlet(&b.doc_id);
                    let entry: &mut (bool, BTreeMap<String, u64>) = kinds.entry(b.kind.clone()).or_insert((b.kept, BTreeMap::new()));
                    entry.0 |= b.kept;
                    *entry.1.entry(o.clone()).or_default() += 1;
                    if !b.kept && b.kind != "blank" {
                        let examples: &mut Vec<_> = removed.entry(b.kind).or_default();
                        if examples.len() < EXAMPLES_PER_GROUP {
                            examples.push((o, b.rule, truncate(&b.text, 160)));
                        }
                    }
                })?;
                Ok((had.then_some(n), kinds, removed))
            });
            let edits = s.spawn(|| {
                let (mut n, mut groups) = (0, BTreeMap::<String, EditGroup>::new());
                let had = for_each_row(dir, "edits", |e: EditFields| {
                    n += 1;
                    let group = groups.entry(e.rule).or_default();
                    if e.kind == "flag" {
                        group.flags += 1;
                    } else {
                        group.repairs += 1;
                    }
                    if group.examples.len() < EXAMPLES_PER_GROUP {
                        group.examples.push(EditExample {
                            doc_id: e.doc_id,
                            raw_start: e.raw_start,
                            raw_end: e.raw_end,
                            before: e.before,
                            after: e.after,
                            left: String::new(),
                            right: String::new(),
                        });
                    }
                })?;
                if groups.values().any(|g| !g.examples.is_empty()) {
                    fill_edit_context(dir, &mut groups)?;
                }
                Ok((had.then_some(n), groups))
            });
            let counted = |name: &'static str| match known_rows.get(name) {
                Some(&n) => Ok(Some(n)),
                None => count_rows(dir, name),
            };
            let [sentences, mentions] = REPORT_COUNTS_ONLY.map(|name| s.spawn(move || counted(name)));
            let entities = s.spawn(|| {
                let mut entities = Vec::new();
                let had = for_each_row(dir, "entities", |e: EntityFields| entities.push(e))?;
                entities.sort_by(|a, b| b.n_mentions.cmp(&a.n_mentions).then(b.n_docs.cmp(&a.n_docs)).then(a.name.cmp(&b.name)));
                Ok(had.then_some(entities))
            });
            let quotes = s.spawn(|| {
                let mut q_facts = QuoteFacts::default();
                let had = for_each_row(dir, "quotes", |q: QuoteFields| {
                    q_facts.quotes += 1;
                    let o = outlet(&q.doc_id);
                    *q_facts.per_doc.entry(q.doc_id).or_default() += 1;
                    *q_facts.kinds.entry(o.clone()).or_default().entry(q.speaker_kind.clone()).or_default() += 1;
                    let who = q.speaker.unwrap_or_else(|| "(unattributed)".into());
                    if q.speaker_kind == "PER" || q.speaker_kind == "ORG" {
                        *q_facts.top_speaker_per_outlet.entry(o.clone()).or_default().entry(who.clone()).or_default() += 1;
                    }
                    let sp = q_facts.speakers.entry((who, q.speaker_kind)).or_default();
                    sp.quotes += 1;
                    sp.outlets.insert(o);
                })?;
                Ok((had, q_facts))
            });
            let dates = s.spawn(|| {
                let (mut n, mut days) = (0, BTreeMap::<i64, DayFacts>::new());
                let had = for_each_row(dir, "dates", |d: DateFields| {
                    n += 1;
                    if let Some(day) = d.value.as_deref().and_then(parse_day) {
                        let facts = days.entry(day).or_default();
                        *facts.per_outlet.entry(outlet(&d.doc_id)).or_default() += 1;
                        if facts.said_as.len() < 6 {
                            facts.said_as.insert(truncate(&d.text, 40));
                        }
                    }
                })?;
                Ok((had.then_some(n), days))
            });
            let quantities = s.spawn(|| {
                let (mut n, mut units) = (0, BTreeMap::<String, UnitFacts>::new());
                let had = for_each_row(dir, "quantities", |q: QuantityFields| {
                    n += 1;
                    let u = units.entry(q.unit.unwrap_or_else(|| "(no unit)".into())).or_default();
                    u.count += 1;
                    if u.examples.len() < 4 {
                        u.examples.insert(format!("{} ({})", truncate(&q.text, 50), outlet(&q.doc_id)));
                    }
                })?;
                Ok((had.then_some(n), units))
            });
            let duplicates = s.spawn(|| {
                let mut duplicates = Vec::new();
                let had = for_each_row(dir, "duplicates", |d: DuplicateFields| {
                    if duplicates.len() < MAX_TABLE_ROWS {
                        duplicates.push(d)
                    }
                })?;
                Ok(had.then_some(duplicates))
            });
            let rejects = s.spawn(|| {
                let (mut rejects, mut total) = (Vec::new(), 0);
                let had = for_each_row(dir, "rejects", |r: RejectFields| {
                    total += 1;
                    if rejects.len() < MAX_TABLE_ROWS {
                        rejects.push(r)
                    }
                })?;
                Ok((had.then_some(rejects), total))
            });

            (f.blocks, f.block_kinds, f.removed_examples) = joined(blocks)?;
            (f.edits, f.edit_groups) = joined(edits)?;
            f.sentences = joined(sentences)?;
            f.mentions = joined(mentions)?;
            f.entities = joined(entities)?;
            let (had, q) = joined(quotes)?;
            f.quotes = had.then_some(q.quotes);
            (f.quotes_per_doc, f.quote_kinds, f.top_speaker_per_outlet, f.speakers) = (q.per_doc, q.kinds, q.top_speaker_per_outlet, q.speakers);
            (f.dates, f.days) = joined(dates)?;
            (f.quantities, f.units) = joined(quantities)?;
            f.duplicates = joined(duplicates)?;
            (f.rejects, f.rejects_total) = joined(rejects)?;
            Ok(())
        })?;
        Ok(f)
    }
}

/// The quotes section's counts, gathered by the quotes pass.
#[derive(Default)]
struct QuoteFacts {
    quotes: u64,
    per_doc: BTreeMap<String, u64>,
    kinds: BTreeMap<String, BTreeMap<String, u64>>,
    top_speaker_per_outlet: BTreeMap<String, BTreeMap<String, u64>>,
    speakers: BTreeMap<(String, String), SpeakerFacts>,
}

/// The result of one dataset's pass; a panic in it is the caller's panic.
fn joined<T>(h: std::thread::ScopedJoinHandle<'_, Result<T, ExportError>>) -> Result<T, ExportError> {
    h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// Second pass over documents, for the raw text around each edit example.
fn fill_edit_context(dir: &Path, groups: &mut BTreeMap<String, EditGroup>) -> Result<(), ExportError> {
    let wanted: BTreeSet<String> = groups.values().flat_map(|g| g.examples.iter().map(|e| e.doc_id.clone())).collect();
    for_each_line(dir, "documents", |path, line| {
        // Only the few documents with examples are parsed (their raw text is the bulk of a row).
        if leading_str_field(line, "doc_id").is_some_and(|id| !wanted.contains(id)) {
            return Ok(());
        }
        let d: RawTextFields = serde_json::from_str(line).map_err(|source| ExportError::Json { path: path.to_path_buf(), source })?;
        if !wanted.contains(&d.doc_id) {
            return Ok(());
        }
        for e in groups.values_mut().flat_map(|g| g.examples.iter_mut()).filter(|e| e.doc_id == d.doc_id) {
            let from = e.raw_start.saturating_sub(CONTEXT_CHARS);
            e.left = d.raw_text.chars().skip(from).take(e.raw_start.saturating_sub(from)).collect();
            e.right = d.raw_text.chars().skip(e.raw_end).take(CONTEXT_CHARS).collect();
        }
        Ok(())
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// rendering

const CSS: &str = r#"
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; margin: 0; background: #f6f7f9; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 60px; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #d9dde5; }
h3 { font-size: 15px; margin: 20px 0 8px; }
p.note { color: #5b6475; margin: 4px 0 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0; }
.card { background: #fff; border: 1px solid #d9dde5; border-radius: 8px; padding: 10px 14px; min-width: 110px; }
.card b { display: block; font-size: 22px; }
.card span { color: #5b6475; font-size: 12px; }
table { border-collapse: collapse; background: #fff; margin: 8px 0 14px; width: 100%; font-size: 13px; }
th, td { border: 1px solid #d9dde5; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f6; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 600; background: #f3f5f9; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
del { background: #fbd9d9; color: #8a1c1c; text-decoration: line-through; padding: 0 2px; }
ins { background: #d6f2dc; color: #14532d; text-decoration: none; padding: 0 2px; }
.ctx { color: #5b6475; }
.yes { color: #14532d; } .no { color: #8a1c1c; }
svg { background: #fff; border: 1px solid #d9dde5; border-radius: 6px; max-width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: #1d2330; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 14px; }
"#;

fn render(f: &RunFacts) -> String {
    let mut h = String::with_capacity(64 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // No network: nothing on this page may load from anywhere.
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    h.push_str("<title>presswork run report</title>\n<style>");
    h.push_str(CSS);
    h.push_str("</style>\n</head>\n<body>\n<main>\n<h1>presswork run report</h1>\n");
    h.push_str("<p class=\"note\">Built from the datasets in this folder; every figure here can be recomputed from them (see docs/datasets.md).</p>\n");
    render_glance(&mut h, f);
    render_outlets(&mut h, f);
    render_normalise(&mut h, f);
    render_entities(&mut h, f);
    render_quotes(&mut h, f);
    render_timeline(&mut h, f);
    render_quantities(&mut h, f);
    render_duplicates_rejects(&mut h, f);
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn render_glance(h: &mut String, f: &RunFacts) {
    let mut cards: Vec<(String, &str)> = vec![
        (f.documents.to_string(), "documents"),
        (f.outlets.len().to_string(), "outlets"),
        (f.words.to_string(), "words"),
    ];
    let optional = [
        (f.sentences, "sentences"),
        (f.mentions, "entity mentions"),
        (f.entities.as_ref().map(|e| e.len() as u64), "entities"),
        (f.quotes, "quotes"),
        (f.dates, "dates"),
        (f.quantities, "numbers"),
        (f.edits, "edits"),
        (f.duplicates.as_ref().map(|d| d.len() as u64), "near-duplicate clusters"),
        (f.rejects.as_ref().map(|_| f.rejects_total), "rejected inputs"),
    ];
    cards.extend(optional.into_iter().filter_map(|(n, label)| n.map(|n| (n.to_string(), label))));
    h.push_str("<section id=\"glance\"><div class=\"cards\">");
    for (n, label) in cards {
        let _ = write!(h, "<div class=\"card\"><b>{}</b><span>{}</span></div>", esc(&n), esc(label));
    }
    h.push_str("</div></section>\n");
    if !f.has_documents {
        h.push_str("<p class=\"note\">This run wrote no documents dataset.</p>\n");
    }
}

fn render_outlets(h: &mut String, f: &RunFacts) {
    if !f.has_documents {
        return;
    }
    h.push_str("<section id=\"outlets\"><h2>Documents per outlet</h2>\n");
    let mut outlets: Vec<_> = f.outlets.iter().collect();
    outlets.sort_by(|a, b| b.1.documents.cmp(&a.1.documents).then(a.0.cmp(b.0)));
    let bars: Vec<(String, u64)> = outlets.iter().map(|(o, x)| ((*o).clone(), x.documents)).collect();
    h.push_str(&svg_bars("Documents per outlet", &bars, "#4c72b0"));
    h.push_str("<table id=\"outlets-table\"><thead><tr><th>outlet</th><th class=\"n\">documents</th><th class=\"n\">words</th><th class=\"n\">sentences</th><th>first published</th><th>last published</th></tr></thead><tbody>\n");
    for (o, x) in outlets.iter().take(MAX_TABLE_ROWS) {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(o),
            x.documents,
            x.words,
            x.sentences,
            esc(x.first.as_deref().unwrap_or("")),
            esc(x.last.as_deref().unwrap_or(""))
        );
    }
    h.push_str("</tbody></table>\n");

    h.push_str("<h3>Documents</h3>\n<table id=\"documents-table\"><thead><tr><th>title</th><th>outlet</th><th>published</th><th class=\"n\">words</th><th class=\"n\">sentences</th><th class=\"n\">quotes</th><th>doc_id</th></tr></thead><tbody>\n");
    for d in &f.doc_rows {
        let dup = d.duplicate_of.as_ref().map(|r| format!(" (near duplicate of {r})")).unwrap_or_default();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{} <span class=\"ctx\">({})</span></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"mono\">{}{}</td></tr>",
            esc(&d.title),
            esc(&d.outlet),
            esc(&d.published),
            esc(&d.basis),
            d.words,
            d.sentences,
            f.quotes_per_doc.get(&d.doc_id).copied().unwrap_or(0),
            esc(&d.doc_id),
            esc(&dup)
        );
    }
    h.push_str("</tbody></table>\n");
    if f.documents as usize > f.doc_rows.len() {
        let _ = writeln!(h, "<p class=\"note\">First {} of {} documents.</p>", f.doc_rows.len(), f.documents);
    }
    h.push_str("</section>\n");
}

fn render_normalise(h: &mut String, f: &RunFacts) {
    if f.blocks.is_none() && f.edits.is_none() {
        return;
    }
    h.push_str("<section id=\"normalise\"><h2>What normalise removed and repaired</h2>\n");
    if let Some(n) = f.blocks {
        let outlets: Vec<&String> = f.outlets.keys().collect();
        let _ = writeln!(h, "<h3>Blocks per kind ({n} raw blocks)</h3>");
        h.push_str("<p class=\"note\">Every raw line or block of every article, by what it was found to be; only kept kinds make up the clean text.</p>\n");
        h.push_str("<table id=\"blocks-table\"><thead><tr><th>kind</th><th>in clean text</th>");
        for o in &outlets {
            let _ = write!(h, "<th class=\"n\">{}</th>", esc(o));
        }
        h.push_str("<th class=\"n\">all</th></tr></thead><tbody>\n");
        let mut kinds: Vec<_> = f.block_kinds.iter().collect();
        kinds.sort_by(|a, b| b.1.1.values().sum::<u64>().cmp(&a.1.1.values().sum::<u64>()).then(a.0.cmp(b.0)));
        for (kind, (kept, per_outlet)) in kinds {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"{}\">{}</td>",
                esc(kind),
                if *kept { "yes" } else { "no" },
                if *kept { "kept" } else { "removed" }
            );
            for o in &outlets {
                let _ = write!(h, "<td class=\"n\">{}</td>", per_outlet.get(*o).copied().unwrap_or(0));
            }
            let _ = writeln!(h, "<td class=\"n\">{}</td></tr>", per_outlet.values().sum::<u64>());
        }
        h.push_str("</tbody></table>\n");
        if !f.removed_examples.is_empty() {
            h.push_str("<h3>Removed blocks, examples</h3>\n<table id=\"removed-table\"><thead><tr><th>kind</th><th>outlet</th><th>rule</th><th>text</th></tr></thead><tbody>\n");
            for (kind, examples) in &f.removed_examples {
                for (outlet, rule, text) in examples {
                    let _ = writeln!(
                        h,
                        "<tr><td>{}</td><td>{}</td><td class=\"mono\">{}</td><td>{}</td></tr>",
                        esc(kind),
                        esc(outlet),
                        esc(rule),
                        esc(text)
                    );
                }
            }
            h.push_str("</tbody></table>\n");
        }
    }
    if let Some(n) = f.edits {
        let _ = writeln!(h, "<h3>Text repairs ({n} edits)</h3>");
        h.push_str("<p class=\"note\">Each edit in its raw context: <del>before</del><ins>after</ins>. Flags were left as they are; the suggestion is shown. Whitespace is made visible: ␣ space, ⍽ no-break space, ↵ line break, ∅ nothing.</p>\n");
        h.push_str("<table id=\"edits-table\"><thead><tr><th>rule</th><th class=\"n\">repairs</th><th class=\"n\">flags</th><th>examples</th></tr></thead><tbody>\n");
        for (rule, g) in &f.edit_groups {
            let _ = write!(
                h,
                "<tr><td class=\"mono\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>",
                esc(rule),
                g.repairs,
                g.flags
            );
            for e in &g.examples {
                let _ = write!(
                    h,
                    "<div class=\"mono\"><span class=\"ctx\">…{}</span><del>{}</del><ins>{}</ins><span class=\"ctx\">{}…</span></div>",
                    esc(&flatten(&e.left)),
                    esc(&visible(&e.before)),
                    esc(&visible(&e.after)),
                    esc(&flatten(&e.right))
                );
            }
            h.push_str("</td></tr>\n");
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("</section>\n");
}

fn render_entities(h: &mut String, f: &RunFacts) {
    let Some(entities) = &f.entities else { return };
    h.push_str("<section id=\"entities\"><h2>Top entities</h2>\n");
    let bars: Vec<(String, u64)> =
        entities.iter().take(MAX_BARS).map(|e| (format!("{} ({})", e.name, e.label), e.n_mentions)).collect();
    h.push_str(&svg_bars("Mentions of the most mentioned entities", &bars, "#55a868"));
    h.push_str("<table id=\"entities-table\"><thead><tr><th>name</th><th>label</th><th class=\"n\">documents</th><th class=\"n\">mentions</th><th>also written as</th></tr></thead><tbody>\n");
    for e in entities.iter().take(25) {
        let aliases: Vec<&str> = e.aliases.iter().filter(|a| **a != e.name).take(6).map(String::as_str).collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&e.name),
            esc(&e.label),
            e.n_docs,
            e.n_mentions,
            esc(&aliases.join(", "))
        );
    }
    h.push_str("</tbody></table>\n</section>\n");
}

fn render_quotes(h: &mut String, f: &RunFacts) {
    let Some(n) = f.quotes else { return };
    let _ = writeln!(h, "<section id=\"quotes\"><h2>Quotes by speaker ({n} quotes)</h2>");
    let mut speakers: Vec<_> = f.speakers.iter().collect();
    speakers.sort_by(|a, b| b.1.quotes.cmp(&a.1.quotes).then(a.0.cmp(b.0)));
    let bars: Vec<(String, u64)> = speakers
        .iter()
        .filter(|((_, kind), _)| kind == "PER" || kind == "ORG")
        .take(MAX_BARS)
        .map(|((who, _), s)| (who.clone(), s.quotes))
        .collect();
    h.push_str("<div class=\"grid\">");
    h.push_str(&svg_bars("Most quoted named speakers", &bars, "#c44e52"));
    h.push_str("<div><h3>Most quoted per outlet</h3><table id=\"top-speaker-table\"><thead><tr><th>outlet</th><th>speaker</th><th class=\"n\">quotes</th></tr></thead><tbody>\n");
    for (outlet, per) in f.top_speaker_per_outlet.iter().take(MAX_TABLE_ROWS) {
        let mut per: Vec<_> = per.iter().collect();
        per.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (who, n) in per.into_iter().take(3) {
            let _ = writeln!(h, "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>", esc(outlet), esc(who), n);
        }
    }
    h.push_str("</tbody></table></div></div>\n");

    let kinds: BTreeSet<&String> = f.quote_kinds.values().flat_map(|k| k.keys()).collect();
    h.push_str("<h3>Speaker kinds per outlet</h3><table id=\"quote-kinds-table\"><thead><tr><th>outlet</th>");
    for k in &kinds {
        let _ = write!(h, "<th class=\"n\">{}</th>", esc(k));
    }
    h.push_str("</tr></thead><tbody>\n");
    for (outlet, per) in f.quote_kinds.iter().take(MAX_TABLE_ROWS) {
        let _ = write!(h, "<tr><td>{}</td>", esc(outlet));
        for k in &kinds {
            let _ = write!(h, "<td class=\"n\">{}</td>", per.get(*k).copied().unwrap_or(0));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n");

    h.push_str("<h3>All speakers</h3><table id=\"speakers-table\"><thead><tr><th>speaker</th><th>kind</th><th class=\"n\">quotes</th><th>outlets</th></tr></thead><tbody>\n");
    for ((who, kind), s) in speakers.iter().take(MAX_TABLE_ROWS) {
        let outlets: Vec<&str> = s.outlets.iter().map(String::as_str).collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(who),
            esc(kind),
            s.quotes,
            esc(&outlets.join(", "))
        );
    }
    h.push_str("</tbody></table>\n</section>\n");
}

fn render_timeline(h: &mut String, f: &RunFacts) {
    let Some(n) = f.dates else { return };
    let _ = writeln!(h, "<section id=\"timeline\"><h2>Timeline of dates mentioned ({n} date expressions)</h2>");
    if f.days.is_empty() {
        h.push_str("<p class=\"note\">No date resolved to a day.</p></section>\n");
        return;
    }
    h.push_str("<p class=\"note\">Date expressions resolved to a day, per outlet (circle area = mentions); the black tick marks each outlet's publication dates.</p>\n");
    h.push_str(&svg_timeline(f));
    h.push_str("<table id=\"days-table\"><thead><tr><th>day</th><th class=\"n\">mentions</th><th>outlets</th><th>written as</th></tr></thead><tbody>\n");
    for (day, facts) in f.days.iter().take(MAX_TABLE_ROWS) {
        let outlets: Vec<&str> = facts.per_outlet.keys().map(String::as_str).collect();
        let said: Vec<&str> = facts.said_as.iter().map(String::as_str).collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            format_day(*day),
            facts.per_outlet.values().sum::<u64>(),
            esc(&outlets.join(", ")),
            esc(&said.join(", "))
        );
    }
    h.push_str("</tbody></table>\n</section>\n");
}

fn render_quantities(h: &mut String, f: &RunFacts) {
    let Some(n) = f.quantities else { return };
    let _ = writeln!(h, "<section id=\"quantities\"><h2>Numbers by unit ({n} numeric facts)</h2>");
    let mut units: Vec<_> = f.units.iter().collect();
    units.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
    h.push_str("<table id=\"units-table\"><thead><tr><th>unit</th><th class=\"n\">count</th><th>examples</th></tr></thead><tbody>\n");
    for (unit, u) in units.into_iter().take(30) {
        let examples: Vec<&str> = u.examples.iter().map(String::as_str).collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(unit),
            u.count,
            esc(&examples.join("; "))
        );
    }
    h.push_str("</tbody></table>\n</section>\n");
}

fn render_duplicates_rejects(h: &mut String, f: &RunFacts) {
    if let Some(dups) = &f.duplicates {
        h.push_str("<section id=\"duplicates\"><h2>Near duplicates</h2>\n");
        if dups.is_empty() {
            h.push_str("<p class=\"note\">No near-duplicate documents.</p>\n");
        } else {
            h.push_str("<table id=\"duplicates-table\"><thead><tr><th>cluster</th><th>representative</th><th>members</th><th class=\"n\">similarity</th></tr></thead><tbody>\n");
            for d in dups {
                let _ = writeln!(
                    h,
                    "<tr><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"n\">{:.2}</td></tr>",
                    esc(&d.cluster_id),
                    esc(&d.representative),
                    esc(&d.doc_ids.join(", ")),
                    d.similarity
                );
            }
            h.push_str("</tbody></table>\n");
        }
        h.push_str("</section>\n");
    }
    if let Some(rejects) = &f.rejects {
        h.push_str("<section id=\"rejects\"><h2>Rejected inputs</h2>\n");
        if rejects.is_empty() {
            h.push_str("<p class=\"note\">Every input became a document.</p>\n");
        } else {
            h.push_str("<table id=\"rejects-table\"><thead><tr><th>path</th><th>error</th><th>message</th></tr></thead><tbody>\n");
            for r in rejects {
                let _ = writeln!(
                    h,
                    "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&r.path),
                    esc(&r.error_kind),
                    esc(&truncate(&r.message, 300))
                );
            }
            h.push_str("</tbody></table>\n");
        }
        h.push_str("</section>\n");
    }
}

// ---------------------------------------------------------------------------------------------
// charts (inline SVG)

/// A horizontal bar chart; labels and values are escaped.
fn svg_bars(title: &str, bars: &[(String, u64)], color: &str) -> String {
    let bars = &bars[..bars.len().min(MAX_BARS)];
    let (label_w, bar_w, row_h, top) = (230.0, 360.0, 22.0, 30.0);
    let width = label_w + bar_w + 60.0;
    let height = top + row_h * bars.len().max(1) as f64 + 10.0;
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\"><title>{}</title>",
        esc(title)
    );
    let _ = write!(s, "<text x=\"10\" y=\"19\" font-weight=\"600\">{}</text>", esc(title));
    if bars.is_empty() {
        let _ = write!(s, "<text x=\"10\" y=\"{}\">nothing to show</text>", top + 14.0);
    }
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = top + i as f64 * row_h;
        let w = (*value as f64 / max * bar_w).max(1.0);
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{color}\"><title>{}: {value}</title></rect><text x=\"{:.1}\" y=\"{:.1}\">{value}</text>",
            label_w - 8.0,
            y + 14.0,
            esc(&truncate(label, 34)),
            y + 3.0,
            row_h - 6.0,
            esc(label),
            label_w + w + 5.0,
            y + 14.0
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Days mentioned per outlet on one time axis, with publication ticks.
fn svg_timeline(f: &RunFacts) -> String {
    // Rows: the outlets with the most day mentions.
    let mut per_outlet: BTreeMap<&str, u64> = BTreeMap::new();
    for facts in f.days.values() {
        for (o, n) in &facts.per_outlet {
            *per_outlet.entry(o).or_default() += n;
        }
    }
    let mut rows: Vec<(&str, u64)> = per_outlet.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    rows.truncate(MAX_TIMELINE_ROWS);
    rows.sort_by(|a, b| a.0.cmp(b.0));

    // Window: the days mentioned, narrowed to two months around the publication dates when far-off
    // years ("in 2014") would squeeze the weeks of the story into a dot.
    let (mut lo, mut hi) = (*f.days.keys().next().unwrap_or(&0), *f.days.keys().next_back().unwrap_or(&0));
    let published: Vec<i64> = f.published_days.values().flatten().copied().collect();
    if let (Some(pmin), Some(pmax)) = (published.iter().min(), published.iter().max()) {
        if hi - lo > 120 {
            lo = lo.max(pmin - 60);
            hi = hi.min(pmax + 60);
        }
        lo = lo.min(*pmin);
        hi = hi.max(*pmax);
    }
    if hi <= lo {
        hi = lo + 1;
    }
    let shown = f.days.range(lo..=hi).count();
    let (label_w, plot_w, row_h, top) = (190.0, 720.0, 34.0, 30.0);
    let width = label_w + plot_w + 30.0;
    let height = top + row_h * rows.len().max(1) as f64 + 40.0;
    let x = |day: i64| label_w + (day - lo) as f64 / (hi - lo) as f64 * plot_w;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"timeline-chart\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\"><title>Timeline of dates mentioned</title>"
    );
    let _ = write!(
        s,
        "<text x=\"10\" y=\"19\" font-weight=\"600\">Days mentioned, {} to {}{}</text>",
        format_day(lo),
        format_day(hi),
        if shown < f.days.len() { format!(" ({} days outside not drawn)", f.days.len() - shown) } else { String::new() }
    );
    // Ticks.
    let span = hi - lo;
    let step = [1, 2, 7, 14, 30, 61, 91, 182, 365, 730, 1826, 3652, 36525].into_iter().find(|s| span / s <= 8).unwrap_or(36525);
    let axis_y = top + row_h * rows.len() as f64 + 6.0;
    let mut t = lo;
    while t <= hi {
        let _ = write!(
            s,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{top}\" y2=\"{axis_y:.1}\" stroke=\"#e3e6ec\"/><text x=\"{0:.1}\" y=\"{1:.1}\" text-anchor=\"middle\" font-size=\"11\">{2}</text>",
            x(t),
            axis_y + 16.0,
            format_day(t)
        );
        t += step;
    }
    for (i, (outlet, _)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64 + row_h / 2.0;
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><line x1=\"{label_w}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d9dde5\"/>",
            label_w - 8.0,
            y + 4.0,
            esc(&truncate(outlet, 28)),
            label_w + plot_w
        );
        for (day, facts) in f.days.range(lo..=hi) {
            let Some(n) = facts.per_outlet.get(*outlet) else { continue };
            let said: Vec<&str> = facts.said_as.iter().map(String::as_str).collect();
            let _ = write!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"{:.1}\" fill=\"#dd8452\" fill-opacity=\"0.7\"><title>{} in {}: {} mention(s) ({})</title></circle>",
                x(*day),
                3.0 + 2.5 * (*n as f64).sqrt(),
                format_day(*day),
                esc(outlet),
                n,
                esc(&said.join(", "))
            );
        }
        for day in f.published_days.get(*outlet).into_iter().flatten().filter(|d| (lo..=hi).contains(*d)) {
            let _ = write!(
                s,
                "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1:.1}\" y2=\"{2:.1}\" stroke=\"#111\" stroke-width=\"2\"><title>published {3}</title></line>",
                x(*day),
                y - 11.0,
                y + 11.0,
                format_day(*day)
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

// ---------------------------------------------------------------------------------------------
// small helpers

/// Escapes text for HTML element content and attribute values; control characters become U+FFFD.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` code points, with an ellipsis when cut.
fn truncate(s: &str, max: usize) -> String {
    let mut chars = s.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() { format!("{head}…") } else { head }
}

/// Line breaks in context snippets shown as ↵ so a snippet stays on one line.
fn flatten(s: &str) -> String {
    s.replace("\r\n", "↵").replace(['\n', '\r'], "↵")
}

/// Whitespace made visible, for the changed part of an edit.
fn visible(s: &str) -> String {
    if s.is_empty() {
        return "∅".into();
    }
    s.chars()
        .map(|c| match c {
            ' ' => "␣".to_string(),
            '\u{a0}' => "⍽".to_string(),
            '\n' | '\r' => "↵".to_string(),
            '\t' => "⇥".to_string(),
            c if c.is_whitespace() || c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{feff}') => {
                format!("[U+{:04X}]", c as u32)
            }
            c => c.to_string(),
        })
        .collect()
}

/// Days since 1970-01-01 of an ISO `YYYY-MM-DD` value; None for anything else.
fn parse_day(value: &str) -> Option<i64> {
    let b = value.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| value.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=days_in_month).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146097 + doe - 719468)
}

/// `YYYY-MM-DD` of a day number from [`parse_day`].
fn format_day(days: i64) -> String {
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, file: &str, rows: &[serde_json::Value]) {
        let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
        std::fs::write(dir.join(file), text).unwrap();
    }

    fn doc(id: &str, outlet: &str, title: &str, published: &str, raw: &str) -> serde_json::Value {
        serde_json::json!({
            "doc_id": id, "source": {"path": "x.txt", "format": "text", "sha256": "0", "bytes": 1, "encoding": "UTF-8"},
            "outlet": outlet, "site": null, "title": title, "authors": [], "contributors": [], "dateline": null,
            "published": published, "published_basis": "explicit", "language": "en", "text": raw, "raw_text": raw,
            "n_words": 12, "n_sentences": 2, "cluster_id": null, "duplicate_of": null
        })
    }

    /// A small run: two outlets, one with markup in its name, edits, blocks, quotes, dates.
    fn sample_run(dir: &Path) {
        let raw_a = "Ünïcödé héadline\nPutin said: “We can talk.” On Thursday\u{a0}the talks began.";
        write(dir, "documents.jsonl", &[
            doc("a1", "<script>alert('x')</script> & Co", "Talks & <b>tension</b>", "2021-12-30", raw_a),
            doc("b2", "The Daily", "Second", "2021-12-08", "Biden said “no”."),
        ]);
        let nbsp = raw_a.chars().position(|c| c == '\u{a0}').unwrap();
        write(dir, "edits.jsonl", &[serde_json::json!({
            "doc_id": "a1", "rule": "unicode.nbsp", "kind": "repair", "raw_start": nbsp, "raw_end": nbsp + 1,
            "before": "\u{a0}", "after": " "})]);
        write(dir, "blocks.jsonl", &[
            serde_json::json!({"doc_id": "a1", "index": 0, "raw_start": 0, "raw_end": 16, "kind": "title", "kept": false, "rule": "meta:title", "text": "Ünïcödé héadline"}),
            serde_json::json!({"doc_id": "a1", "index": 1, "raw_start": 17, "raw_end": 70, "kind": "body", "kept": true, "rule": "default", "text": "Putin said"}),
        ]);
        write(dir, "quotes.jsonl", &[
            serde_json::json!({"doc_id": "a1", "quote_id": "q1", "start": 0, "end": 1, "text": "We", "speaker": "Vladimir Putin",
                "speaker_entity_id": null, "speaker_kind": "PER", "speaker_start": null, "speaker_end": null, "cue": null,
                "cue_start": null, "cue_end": null, "rule": "r"}),
            serde_json::json!({"doc_id": "b2", "quote_id": "q2", "start": 0, "end": 1, "text": "no", "speaker": "<img src=x>",
                "speaker_entity_id": null, "speaker_kind": "ANON", "speaker_start": null, "speaker_end": null, "cue": null,
                "cue_start": null, "cue_end": null, "rule": "r"}),
        ]);
        write(dir, "dates.jsonl", &[
            serde_json::json!({"doc_id": "a1", "start": 0, "end": 8, "text": "Thursday", "value": "2021-12-30", "granularity": "day", "anchor": "2021-12-30", "rule": "weekday"}),
            serde_json::json!({"doc_id": "b2", "start": 0, "end": 4, "text": "2014", "value": "2014", "granularity": "year", "anchor": null, "rule": "year"}),
        ]);
        write(dir, "rejects.jsonl", &[]);
    }

    fn report_of(dir: &Path) -> String {
        write_report(dir).unwrap();
        std::fs::read_to_string(dir.join(REPORT_FILE)).unwrap()
    }

    #[test]
    fn known_row_counts_give_the_page_that_counting_the_files_gives() {
        let dir = tempfile::tempdir().unwrap();
        sample_run(dir.path());
        let row = serde_json::json!({"doc_id": "a1", "start": 0, "end": 2, "text": "We"});
        write(dir.path(), "sentences.jsonl", &[row.clone(), row.clone(), row.clone()]);
        write(dir.path(), "mentions.jsonl", &[row.clone(), row]);
        let counted = report_of(dir.path());
        let rows = BTreeMap::from([("sentences".to_string(), 3), ("mentions".to_string(), 2)]);
        write_report_with_counts(dir.path(), &rows).unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join(REPORT_FILE)).unwrap(), counted);
        // and the counts are the ones given, not read: a wrong count shows
        let wrong = BTreeMap::from([("sentences".to_string(), 41)]);
        write_report_with_counts(dir.path(), &wrong).unwrap();
        assert!(std::fs::read_to_string(dir.path().join(REPORT_FILE)).unwrap().contains(">41<"));
        // With every count given, those files are not read at all (the run writes the report
        // while they are still being copied).
        let all = REPORT_COUNTS_ONLY.map(|name| (name.to_string(), 9)).into_iter().collect();
        write_report_with_counts(dir.path(), &all).unwrap();
        let given = std::fs::read_to_string(dir.path().join(REPORT_FILE)).unwrap();
        for name in REPORT_COUNTS_ONLY {
            std::fs::write(dir.path().join(format!("{name}.jsonl")), "not json, half a line").unwrap();
        }
        write_report_with_counts(dir.path(), &all).unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join(REPORT_FILE)).unwrap(), given);
    }

    #[test]
    fn shows_the_run_with_everything_escaped() {
        let dir = tempfile::tempdir().unwrap();
        sample_run(dir.path());
        let html = report_of(dir.path());
        // Markup from the data is text, never markup.
        assert!(!html.contains("<script"), "raw script tag in report");
        assert!(!html.contains("<img"), "raw img tag in report");
        assert!(!html.contains("<b>tension"));
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"));
        assert!(html.contains("Talks &amp; &lt;b&gt;tension&lt;/b&gt;"));
        // Nothing loads from the network: no src or href attributes, no URL but the SVG namespace.
        let tags: Vec<&str> = html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")).collect();
        for tag in &tags {
            assert!(!tag.contains("src=") && !tag.contains("href=") && !tag.starts_with("script") && !tag.starts_with("link"), "<{tag}>");
            assert!(!tag.contains("http") || tag.contains("xmlns=\"http://www.w3.org/2000/svg\"") || tag.contains("http-equiv"), "<{tag}>");
        }
        for id in ["outlets-table", "documents-table", "blocks-table", "edits-table", "speakers-table", "days-table", "timeline-chart"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "missing {id}");
        }
        // The edit is shown in its raw context, counted in code points past the non-ASCII text.
        assert!(html.contains("<del>⍽</del><ins>␣</ins><span class=\"ctx\">the talks began."), "{html}");
        assert!(html.contains("Thursday"));
        // Sections of datasets the run did not write are left out.
        assert!(!html.contains("id=\"entities\"") && !html.contains("id=\"quantities\""));
        assert!(html.contains("Every input became a document."));
    }

    #[test]
    fn same_datasets_give_the_same_report_whatever_the_compression() {
        let plain = tempfile::tempdir().unwrap();
        sample_run(plain.path());
        let expected = report_of(plain.path());
        assert_eq!(report_of(plain.path()), expected, "not deterministic");
        for ext in ["gz", "zst"] {
            let dir = tempfile::tempdir().unwrap();
            for entry in std::fs::read_dir(plain.path()).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_none_or(|e| e != "jsonl") {
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap();
                let name = format!("{}.{ext}", path.file_name().unwrap().to_string_lossy());
                let packed = if ext == "gz" {
                    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                    enc.write_all(&bytes).unwrap();
                    enc.finish().unwrap()
                } else {
                    zstd::encode_all(&bytes[..], 3).unwrap()
                };
                std::fs::write(dir.path().join(name), packed).unwrap();
            }
            assert_eq!(report_of(dir.path()), expected, "{ext}");
        }
    }

    #[test]
    fn an_empty_or_partial_run_still_gives_a_page() {
        let dir = tempfile::tempdir().unwrap();
        let html = report_of(dir.path());
        assert!(html.contains("This run wrote no documents dataset."));
        assert!(html.trim_end().ends_with("</html>"));

        write(dir.path(), "documents.jsonl", &[]);
        write(dir.path(), "dates.jsonl", &[]);
        let html = report_of(dir.path());
        assert!(html.contains("No date resolved to a day."));
    }

    #[test]
    fn a_row_that_is_not_its_dataset_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("documents.jsonl"), "{\"doc_id\": 3}\n").unwrap();
        let err = write_report(dir.path()).unwrap_err().to_string();
        assert!(err.contains("documents.jsonl"), "{err}");
    }

    #[test]
    fn days_round_trip_and_only_real_days_parse() {
        for day in -800_000..800_000i64 {
            if day % 997 == 0 {
                assert_eq!(parse_day(&format_day(day)), Some(day));
            }
        }
        assert_eq!(parse_day("1970-01-01"), Some(0));
        assert_eq!(parse_day("2021-12-30"), Some(18991));
        assert_eq!(parse_day("2024-02-29"), Some(19782));
        for bad in ["2021-02-29", "2021-13-01", "2021-00-10", "2021-W49", "2021-12", "2021-12-3x", "２０２１-12-30", "", "-0001-01-01"] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn escaping_and_visible_whitespace() {
        assert_eq!(esc("a<b>&\"'\u{7}"), "a&lt;b&gt;&amp;&quot;&#39;\u{FFFD}");
        assert_eq!(visible(""), "∅");
        assert_eq!(visible(" \u{a0}\n\u{200b}x"), "␣⍽↵[U+200B]x");
        assert_eq!(truncate("ab", 2), "ab");
        assert_eq!(truncate("abc", 2), "ab…");
    }
}
