//! Measures the metadata reader on public gold data when it is present (a developer's
//! checkout with /work/shared/data, or PRESSWORK_DATA pointing at a copy). Ignored by default:
//!
//!   cargo test -p ingest --release --lib metadata::eval -- --ignored --nocapture
//!
//! * TempEval-3 (TimeML): the document creation time (DCT) is the publication date; the
//!   title and text (tags stripped, DCT and EXTRAINFO left out) are what the reader sees.
//!   tbaq-cleaned is the development set, platinum the test set.
//! * PolNeAR: metadata.tsv gives title and publication_date per article; text/*.txt has the
//!   title on its first line. dev for development, test reported once.
//!
//! Dates are scored as: coverage (a date was given), exact, and within one day, each over all
//! documents; "year hint" runs lend the true year, as the collection pass does when every
//! dated article shares it.

// Nested `if let`s stay nested: collapsing them needs let chains (Rust 1.88), above the
// workspace's rust-version (1.85).
#![allow(clippy::collapsible_if)]

use std::path::{Path, PathBuf};

use chrono::Datelike;
use regex::Regex;

use super::*;

fn data_dir() -> Option<PathBuf> {
    let p = std::env::var("PRESSWORK_DATA").map(PathBuf::from).unwrap_or_else(|_| PathBuf::from("/work/shared/data"));
    p.exists().then_some(p)
}

#[derive(Default)]
struct DateScore {
    n: usize,
    given: usize,
    exact: usize,
    within1: usize,
}

impl DateScore {
    fn add(&mut self, got: Option<&str>, want: &str) {
        self.n += 1;
        let Some(g) = got else { return };
        self.given += 1;
        let (Ok(g), Ok(w)) = (NaiveDate::parse_from_str(g, "%Y-%m-%d"), NaiveDate::parse_from_str(want, "%Y-%m-%d")) else { return };
        if g == w {
            self.exact += 1;
        }
        if (g - w).num_days().abs() <= 1 {
            self.within1 += 1;
        }
    }
    fn line(&self, what: &str) -> String {
        let pct = |x: usize| 100.0 * x as f64 / self.n.max(1) as f64;
        let prec = |x: usize| 100.0 * x as f64 / self.given.max(1) as f64;
        format!(
            "{what}: n={} given={} ({:.1}%) exact={} ({:.1}% of all, {:.1}% of given) within1={} ({:.1}% of given)",
            self.n, self.given, pct(self.given), self.exact, pct(self.exact), prec(self.exact), self.within1, prec(self.within1)
        )
    }
}

fn tml_docs(dir: &Path) -> Vec<(String, String, String)> {
    let dct = Regex::new(r#"(?s)<DCT>.*?value="(\d{4}-\d{2}-\d{2})"#).unwrap();
    let title = Regex::new(r"(?s)<TITLE>(.*?)</TITLE>").unwrap();
    let text = Regex::new(r"(?s)<TEXT>(.*?)</TEXT>").unwrap();
    let tag = Regex::new(r"<[^>]+>").unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.sort();
    let unescape = |s: &str| s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'");
    let mut out = Vec::new();
    for f in files.iter().filter(|f| f.extension().is_some_and(|e| e == "tml")) {
        let Ok(x) = std::fs::read_to_string(f) else { continue };
        let (Some(d), Some(t)) = (dct.captures(&x), text.captures(&x)) else { continue };
        let head = title.captures(&x).map(|c| unescape(&tag.replace_all(&c[1], "")).trim().to_string()).unwrap_or_default();
        let body = unescape(&tag.replace_all(&t[1], ""));
        let raw = if head.is_empty() { body.trim().to_string() } else { format!("{head}\n\n{}", body.trim()) };
        out.push((f.file_name().unwrap().to_string_lossy().to_string(), raw, d[1].to_string()));
    }
    out
}

fn docs_name(raw: &str) -> String {
    raw.lines().next().unwrap_or("").chars().take(60).collect()
}

fn eval_tml(name: &str, dirs: &[PathBuf]) {
    let docs: Vec<_> = dirs.iter().flat_map(|d| tml_docs(d)).collect();
    let mut alone = DateScore::default();
    let mut hinted = DateScore::default();
    let mut bases: BTreeMap<String, usize> = BTreeMap::new();
    for (_, raw, want) in &docs {
        let m = from_text(raw);
        alone.add(m.published.as_deref(), want);
        let year = want[..4].parse::<i32>().ok();
        let mh = from_text_with_hints(raw, &MetadataHints { year, ..Default::default() });
        hinted.add(mh.published.as_deref(), want);
        if std::env::var("EVAL_VERBOSE").is_ok() && mh.published.is_some() {
            let e = estimate_publication(raw, &MetadataHints { year, ..Default::default() });
            println!("  {} want {want} got {:?} {}", docs_name(raw), mh.published, e.note);
        }
        *bases.entry(format!("{:?}", mh.published_basis)).or_default() += 1;
    }
    // Weekday reasoning: does the weekday the text points to match the DCT's weekday?
    let (mut wd_given, mut wd_right) = (0, 0);
    let mut offsets: BTreeMap<String, [usize; 7]> = BTreeMap::new();
    for (file, raw, want) in &docs {
        let e = estimate_publication(raw, &MetadataHints::default());
        if let (Some(w), Ok(d)) = (e.weekday, NaiveDate::parse_from_str(want, "%Y-%m-%d")) {
            wd_given += 1;
            if w == d.weekday() {
                wd_right += 1;
            }
            let src: String = file.chars().take_while(|c| c.is_ascii_alphabetic()).collect::<String>().to_lowercase();
            let off = (w.num_days_from_monday() as i64 - d.weekday().num_days_from_monday() as i64).rem_euclid(7) as usize;
            offsets.entry(src.clone()).or_insert([0; 7])[off] += 1;
            if off != 0 && src != "wsj" && std::env::var("EVAL_WEEKDAY").is_ok() {
                let r = read(raw, &MetadataHints::default(), super::Purpose::Summary);
                println!("  weekday miss {file}: true {:?} got {w:?}: {:?}", d.weekday(), r.evidence.weekdays);
            }
        }
    }
    println!("  predicted minus true weekday, per source (0..6 days): {offsets:?}");
    println!(
        "TempEval-3 {name} weekday of publication: given for {wd_given}/{} docs, right {wd_right} ({:.1}% of given)",
        docs.len(),
        100.0 * wd_right as f64 / wd_given.max(1) as f64
    );
    // Collection pass: every other document (in file order) keeps its true date as page
    // metadata; the rest must be dated from the collection (shared events, shared year).
    let mut summaries = Vec::new();
    for (i, (_, raw, want)) in docs.iter().enumerate() {
        let hints = if i % 2 == 0 { MetadataHints { published: Some(want.clone()), ..Default::default() } } else { MetadataHints::default() };
        summaries.push(from_text_with_summary(raw, &hints).1);
    }
    let found = collection::date_collection(&summaries);
    let mut coll = DateScore::default();
    for (i, (_, raw, want)) in docs.iter().enumerate() {
        if i % 2 == 1 {
            let own = from_text(raw).published;
            let got = own.or_else(|| found[i].as_ref().map(|c| c.published.clone()));
            coll.add(got.as_deref(), want);
            if std::env::var("EVAL_VERBOSE").is_ok() {
                if let Some(c) = &found[i] {
                    println!("  collection: {} want {want} got {} ({})", docs_name(raw), c.published, c.note);
                }
            }
        }
    }
    println!("{}", coll.line(&format!("TempEval-3 {name} odd docs, even docs dated, collection pass")));
    println!("{}", alone.line(&format!("TempEval-3 {name} text alone")));
    println!("{}", hinted.line(&format!("TempEval-3 {name} with year hint")));
    println!("  bases with year hint: {bases:?}");
}

fn eval_polnear(split: &str, root: &Path) {
    let Ok(tsv) = std::fs::read_to_string(root.join("polnear/metadata.tsv")) else { return };
    let mut title_exact = 0;
    let mut n = 0;
    let mut alone = DateScore::default();
    let mut hinted = DateScore::default();
    let mut dateline = 0;
    let mut misses: Vec<String> = Vec::new();
    for row in tsv.lines().skip(1) {
        let c: Vec<&str> = row.split('\t').collect();
        if c.len() < 8 || c[0] != split {
            continue;
        }
        let Ok(raw) = std::fs::read_to_string(root.join(format!("polnear/{split}/text/{}.txt", c[1]))) else { continue };
        n += 1;
        let m = from_text(&raw);
        let norm = |s: &str| s.trim().trim_end_matches(['.', '’', '\'', '"', '”']).trim_end_matches('.').split_whitespace().collect::<Vec<_>>().join(" ");
        // A "headline; deck" gold title counts as right when the headline is.
        let gold_head = c[7].split("; ").next().unwrap_or(c[7]);
        if m.title.as_deref().map(norm) == Some(norm(c[7])) || m.title.as_deref().map(norm) == Some(norm(gold_head)) {
            title_exact += 1;
        } else if misses.len() < 5 {
            misses.push(format!("{:?} vs {:?}", m.title, c[7]));
        }
        if let Some(d) = &m.dateline {
            dateline += 1;
            if std::env::var("EVAL_VERBOSE").is_ok() {
                println!("  dateline {d:?} outlet {:?} authors {:?} contributors {:?}", m.outlet, m.authors, m.contributors);
            }
        }
        alone.add(m.published.as_deref(), c[5]);
        let year = NaiveDate::parse_from_str(c[5], "%Y-%m-%d").ok().map(|d| d.year());
        let mh = from_text_with_hints(&raw, &MetadataHints { year, ..Default::default() });
        hinted.add(mh.published.as_deref(), c[5]);
    }
    println!("PolNeAR {split}: n={n} title exact (trailing period and spacing ignored)={title_exact} ({:.1}%), dateline found={dateline}", 100.0 * title_exact as f64 / n.max(1) as f64);
    for x in misses {
        println!("  title miss: {x}");
    }
    println!("{}", alone.line(&format!("PolNeAR {split} text alone")));
    println!("{}", hinted.line(&format!("PolNeAR {split} with year hint")));
}

#[test]
#[ignore = "needs the public gold data; run by hand"]
fn eval_dev() {
    let Some(root) = data_dir() else { return };
    let tb = root.join("tempeval3/tbaq-cleaned");
    eval_tml("tbaq-cleaned (dev)", &[tb.join("TimeBank"), tb.join("AQUAINT")]);
    eval_polnear("dev", &root);
}

#[test]
#[ignore = "test split: report once, after development is finished"]
fn eval_test() {
    let Some(root) = data_dir() else { return };
    eval_tml("platinum (test)", &[root.join("tempeval3/platinum")]);
    eval_polnear("test", &root);
}
