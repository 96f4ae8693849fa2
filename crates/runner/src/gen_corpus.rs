//! `runner gen-corpus`: a synthetic news corpus for benchmarks, and `runner score-dups`: pairwise
//! precision/recall of the near-duplicate clusters a run found against the planted ones.
//!
//! Articles are rebuilt from the sentences of real articles (corpus/ and any extra folder): each
//! paragraph joins 2-5 sentences drawn from anywhere, so paragraphs rarely repeat verbatim (a
//! verbatim repeat would look like boilerplate to the survey). Every fake outlet has its own
//! masthead, promo and footer lines, byline style and paragraph layout; machine-translation
//! artifacts are injected at a set rate. A known share of documents are syndicated copies of an
//! earlier article (other outlet's boilerplate, tail trimmed, a few words edited); their true
//! clusters go to DIR/.truth.jsonl, which ingest skips because it is hidden.
//! Output is a pure function of the seed and the source texts (inline splitmix64 PRNG).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;

#[derive(Args, Debug)]
pub struct GenArgs {
    /// Number of documents to write (or use --mb).
    #[arg(long)]
    docs: Option<usize>,
    /// Stop once this many megabytes of text are written (or use --docs).
    #[arg(long)]
    mb: Option<f64>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder to create; the truth clusters go to DIR/.truth.jsonl (hidden: ingest skips it).
    #[arg(long)]
    out: PathBuf,
    /// Folder of real articles whose sentences are recombined.
    #[arg(long, default_value = "corpus")]
    source: PathBuf,
    /// Another folder of plain-text articles to draw sentences from.
    #[arg(long)]
    extra: Option<PathBuf>,
    /// Share of documents that are planted syndicated copies.
    #[arg(long, default_value_t = 0.1)]
    dup_share: f64,
    /// Chance that a paragraph gets a machine-translation artifact.
    #[arg(long, default_value_t = 0.03)]
    mt_rate: f64,
    /// Number of fake outlets.
    #[arg(long, default_value_t = 16)]
    outlets: usize,
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// The truth file written by gen-corpus (DIR/.truth.jsonl).
    #[arg(long)]
    truth: PathBuf,
    /// The run's output folder (reads documents.jsonl and duplicates.jsonl).
    #[arg(long, default_value = "out")]
    out: PathBuf,
}

/// Small seeded PRNG (splitmix64): enough for sampling, identical on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
    fn range(&mut self, lo: usize, hi_incl: usize) -> usize {
        lo + self.below(hi_incl - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

struct Outlet {
    slug: String,
    masthead: String,
    promo: String,
    footer: Vec<String>,
    /// One paragraph per line (no blank lines), as some scrapes come.
    dense: bool,
    byline_prefix: &'static str,
}

const FIRST: &[&str] = &["Daily", "Evening", "Morning", "Northern", "Capital", "Harbor", "Valley", "Metro", "Global", "Union", "Western", "Coastal"];
const SECOND: &[&str] = &["Ledger", "Courier", "Tribune", "Gazette", "Herald", "Post", "Observer", "Chronicle", "Dispatch", "Times", "Record", "Sentinel"];
const SLOGANS: &[&str] = &["News you can trust", "Independent since 1921", "Your window on the world", "All the news, every day", "Reporting that matters"];
const CITIES: &[&str] = &["MOSCOW", "WASHINGTON", "KYIV", "BRUSSELS", "GENEVA", "LONDON", "BERLIN", "PARIS", "WARSAW", "VIENNA"];
const GIVEN: &[&str] = &["Anna", "Mark", "Olga", "David", "Sarah", "Peter", "Elena", "James", "Maria", "Thomas", "Irina", "Paul"];
const FAMILY: &[&str] = &["Kowalski", "Hughes", "Petrova", "Moreno", "Fischer", "Lindqvist", "Novak", "Okafor", "Brennan", "Sato", "Duarte"];
/// Light copy-editing a syndicating site does.
const SWAPS: &[(&str, &str)] = &[("said", "stated"), ("told", "informed"), ("also", "additionally"), ("about", "around"), ("but", "yet"), ("would", "will"), ("talks", "negotiations"), ("officials", "authorities")];

fn make_outlets(n: usize, rng: &mut Rng) -> Vec<Outlet> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    while out.len() < n.max(1) {
        let name = format!("The {} {}", rng.pick(FIRST), rng.pick(SECOND));
        if !seen.insert(name.clone()) {
            if seen.len() >= FIRST.len() * SECOND.len() {
                break;
            }
            continue;
        }
        let short = name.trim_start_matches("The ").to_string();
        let slug = short.to_lowercase().replace(' ', "-");
        let host = short.to_lowercase().replace(' ', "");
        out.push(Outlet {
            masthead: format!("{name} | {}", rng.pick(SLOGANS)),
            promo: format!("Sign up for the {short} morning newsletter to get the day's top stories in your inbox."),
            footer: vec![
                format!("© 2021 {name}. All rights reserved."),
                format!("Read more world news at www.{host}.com"),
                "Share this article on social media".to_string(),
            ],
            dense: rng.chance(0.3),
            byline_prefix: if rng.chance(0.5) { "By" } else { "Reporting by" },
            slug,
        });
    }
    out
}

/// Sentences of the source articles' body paragraphs (long lines with many words).
fn load_sentences(dirs: &[&Path]) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for d in dirs {
        collect_txt(d, &mut files).with_context(|| format!("cannot read source texts in {}", d.display()))?;
    }
    files.sort();
    let mut sents = Vec::new();
    for f in files {
        let text = match fs::read_to_string(&f) {
            Ok(t) => t,
            Err(_) => continue, // not UTF-8: not a usable source
        };
        for line in text.lines() {
            let line = line.trim();
            if line.chars().count() < 80 || line.split_whitespace().count() < 12 {
                continue;
            }
            sents.extend(split_sentences(line).into_iter().filter(|s| s.split_whitespace().count() >= 5));
        }
    }
    if sents.len() < 20 {
        bail!("too little source text: {} usable sentences (need at least 20)", sents.len());
    }
    Ok(sents)
}

fn collect_txt(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in fs::read_dir(dir)? {
        let p = e?.path();
        let name = p.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        if name.starts_with('.') || name.starts_with("readme") {
            continue;
        }
        if p.is_dir() {
            collect_txt(&p, out)?;
        } else if name.ends_with(".txt") {
            out.push(p);
        }
    }
    Ok(())
}

/// Sentence ends: . ! ? (and a closing quote) before a space and a capital or opening quote,
/// except after short capitalised abbreviations (Mr., Dr., V., Jan.) and dotted ones (U.S.).
fn split_sentences(par: &str) -> Vec<String> {
    let chars: Vec<char> = par.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        if matches!(chars[i], '.' | '!' | '?') {
            let mut end = i + 1;
            while end < chars.len() && matches!(chars[end], '”' | '"' | '’') {
                end += 1;
            }
            let next_ok = end + 1 < chars.len() && chars[end] == ' ' && (chars[end + 1].is_uppercase() || chars[end + 1] == '“');
            if next_ok && !(chars[i] == '.' && is_abbreviation(&chars[start..i])) {
                out.push(chars[start..end].iter().collect::<String>());
                start = end + 1;
                i = start;
                continue;
            }
        }
        i += 1;
    }
    if start < chars.len() {
        out.push(chars[start..].iter().collect::<String>());
    }
    out
}

fn is_abbreviation(before: &[char]) -> bool {
    let word: Vec<char> = before.iter().rev().take_while(|c| !c.is_whitespace()).copied().collect();
    let n = word.len();
    n == 0 || word.contains(&'.') || (n <= 3 && word.last().is_some_and(|c| c.is_uppercase()))
}

/// One machine-translation artifact of the kinds seen in translated wire copy.
fn mt_artifact(par: &str, rng: &mut Rng) -> String {
    let words: Vec<&str> = par.split(' ').collect();
    if words.len() < 6 {
        return par.to_string();
    }
    let at = rng.range(2, words.len() - 2);
    let mut w: Vec<String> = words.iter().map(|s| s.to_string()).collect();
    match rng.below(4) {
        0 => w[at] = format!("{}.", w[at].trim_end_matches(',')), // stray full stop mid-sentence
        1 => w.insert(at, w[at].clone()),                         // doubled word
        2 => {
            let last = w.len() - 1;
            w[last] = format!("{} .", w[last]) // detached final stop
        }
        _ => w.insert(at, "news.".to_string()), // leaked fragment
    }
    w.join(" ")
}

struct Article {
    title: String,
    city: &'static str,
    author: String,
    paragraphs: Vec<String>,
}

fn new_article(sents: &[String], rng: &mut Rng, mt_rate: f64) -> Article {
    let title_words: Vec<&str> = rng.pick(sents).split_whitespace().collect();
    let n = title_words.len().min(rng.range(6, 14));
    let title = title_words[..n].join(" ").trim_end_matches(['.', ',', ';', ':']).to_string();
    let npar = rng.range(9, 22);
    let mut paragraphs = Vec::with_capacity(npar);
    for _ in 0..npar {
        let k = rng.range(2, 5);
        let mut p = (0..k).map(|_| rng.pick(sents).as_str()).collect::<Vec<_>>().join(" ");
        if rng.chance(mt_rate) {
            p = mt_artifact(&p, rng);
        }
        paragraphs.push(p);
    }
    Article { title, city: *rng.pick(CITIES), author: format!("{} {}", rng.pick(GIVEN), rng.pick(FAMILY)), paragraphs }
}

/// A syndicated copy: tail trimmed by up to 10%, a few words edited, sometimes a new headline.
fn syndicate(orig: &Article, sents: &[String], rng: &mut Rng, mt_rate: f64) -> Article {
    let drop = (orig.paragraphs.len() as f64 * 0.10 * (rng.below(1001) as f64 / 1000.0)) as usize;
    let mut paragraphs: Vec<String> = orig.paragraphs[..orig.paragraphs.len() - drop].to_vec();
    for _ in 0..rng.range(0, 3) {
        let pi = rng.below(paragraphs.len());
        let (from, to) = *rng.pick(SWAPS);
        let needle = format!(" {from} ");
        if let Some(pos) = paragraphs[pi].find(&needle) {
            paragraphs[pi].replace_range(pos..pos + needle.len(), &format!(" {to} "));
        }
    }
    if rng.chance(mt_rate) {
        let pi = rng.below(paragraphs.len());
        paragraphs[pi] = mt_artifact(&paragraphs[pi], rng);
    }
    let title = if rng.chance(0.3) { new_article(sents, rng, 0.0).title } else { orig.title.clone() };
    Article { title, city: orig.city, author: orig.author.clone(), paragraphs }
}

fn render(a: &Article, o: &Outlet, rng: &mut Rng) -> String {
    let sep = if o.dense { "\n" } else { "\n\n" };
    let mut s = String::new();
    s.push_str(&o.masthead);
    s.push_str(sep);
    s.push_str(&a.title);
    s.push_str(sep);
    s.push_str(&format!("{} {}", o.byline_prefix, a.author));
    s.push_str(sep);
    let promo_at = if a.paragraphs.len() > 4 && rng.chance(0.7) { rng.range(2, a.paragraphs.len() - 1) } else { usize::MAX };
    for (i, p) in a.paragraphs.iter().enumerate() {
        if i == promo_at {
            s.push_str(&o.promo);
            s.push_str(sep);
        }
        if i == 0 {
            s.push_str(a.city);
            s.push_str(" — ");
        }
        s.push_str(p);
        s.push_str(sep);
    }
    for f in &o.footer {
        s.push_str(f);
        s.push('\n');
    }
    s
}

pub fn generate(args: &GenArgs) -> Result<()> {
    if args.docs.is_none() && args.mb.is_none() {
        bail!("give --docs N or --mb M");
    }
    if !(0.0..=0.9).contains(&args.dup_share) || !(0.0..=1.0).contains(&args.mt_rate) {
        bail!("--dup-share must be in [0, 0.9] and --mt-rate in [0, 1]");
    }
    let mut dirs: Vec<&Path> = vec![&args.source];
    if let Some(e) = &args.extra {
        dirs.push(e);
    }
    let sents = load_sentences(&dirs)?;
    let mut rng = Rng(args.seed ^ 0x5eed_0f_c0ff_ee00);
    let outlets = make_outlets(args.outlets, &mut rng);
    if args.out.exists() {
        bail!("{} already exists; remove it or pick another --out", args.out.display());
    }
    fs::create_dir_all(&args.out)?;
    let max_docs = args.docs.unwrap_or(usize::MAX);
    let max_bytes = args.mb.map_or(u64::MAX, |m| (m * 1e6) as u64);
    // Recent originals that copies may be made of (bounded: memory does not grow with the corpus).
    let mut recent: Vec<(usize, Article)> = Vec::new();
    let mut clusters: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut bytes = 0u64;
    let mut words = 0usize;
    let mut n = 0usize;
    let mut copies = 0usize;
    while n < max_docs && bytes < max_bytes {
        let (article, origin) = if !recent.is_empty() && rng.chance(args.dup_share) {
            let (origin, orig) = &recent[rng.below(recent.len())];
            copies += 1;
            (syndicate(orig, &sents, &mut rng, args.mt_rate), Some(*origin))
        } else {
            (new_article(&sents, &mut rng, args.mt_rate), None)
        };
        let outlet = &outlets[rng.below(outlets.len())];
        let text = render(&article, outlet, &mut rng);
        let rel = format!("{:04}/{:07}_{}.txt", n / 1000, n, outlet.slug);
        let path = args.out.join(&rel);
        if n % 1000 == 0 {
            fs::create_dir_all(path.parent().expect("has a parent"))?;
        }
        fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
        bytes += text.len() as u64;
        words += text.split_whitespace().count();
        match origin {
            Some(o) => clusters.entry(o).or_default().push(rel),
            None => {
                clusters.insert(n, vec![rel]);
                if recent.len() < 64 {
                    recent.push((n, article));
                } else {
                    let slot = rng.below(64);
                    recent[slot] = (n, article);
                }
            }
        }
        n += 1;
    }
    let truth_path = args.out.join(".truth.jsonl");
    let mut w = BufWriter::new(fs::File::create(&truth_path)?);
    let mut n_clusters = 0;
    for paths in clusters.values().filter(|p| p.len() > 1) {
        writeln!(w, "{}", serde_json::json!({ "paths": paths }))?;
        n_clusters += 1;
    }
    w.flush()?;
    println!(
        "gen-corpus: {n} documents ({copies} planted copies in {n_clusters} clusters), {:.1} MB, {words} words, from {} source sentences -> {}; truth {}",
        bytes as f64 / 1e6,
        sents.len(),
        args.out.display(),
        truth_path.display()
    );
    Ok(())
}

fn pairs(groups: &[Vec<String>]) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for g in groups {
        let mut g = g.clone();
        g.sort();
        for i in 0..g.len() {
            for j in i + 1..g.len() {
                out.insert((g[i].clone(), g[j].clone()));
            }
        }
    }
    out
}

fn read_jsonl(path: &Path) -> Result<Vec<serde_json::Value>> {
    let f = fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut rows = Vec::new();
    for line in BufReader::new(f).lines() {
        let line = line?;
        if !line.trim().is_empty() {
            rows.push(serde_json::from_str(&line).with_context(|| format!("bad JSON line in {}", path.display()))?);
        }
    }
    Ok(rows)
}

/// Pairwise precision and recall: a pair of documents is predicted when they share a cluster in
/// duplicates.jsonl, true when they share a cluster in the truth file. Paths are compared by the
/// truth's path relative to the generated folder (a suffix of documents.jsonl's source path).
pub fn score(args: &ScoreArgs) -> Result<()> {
    let truth: Vec<Vec<String>> = read_jsonl(&args.truth)?
        .iter()
        .map(|v| v["paths"].as_array().map(|a| a.iter().filter_map(|p| p.as_str().map(String::from)).collect()).unwrap_or_default())
        .collect();
    // doc_id -> relative path (the part a truth path can match: the last two components).
    let mut rel_of: HashMap<String, String> = HashMap::new();
    let docs_path = args.out.join("documents.jsonl");
    let f = fs::File::open(&docs_path).with_context(|| format!("cannot open {}", docs_path.display()))?;
    for line in BufReader::new(f).lines() {
        let line = line?;
        let v: serde_json::Value = serde_json::from_str(&line)?;
        let (Some(id), Some(path)) = (v["doc_id"].as_str(), v["source"]["path"].as_str()) else { continue };
        let parts: Vec<&str> = path.rsplitn(3, '/').collect();
        let rel = if parts.len() >= 2 { format!("{}/{}", parts[1], parts[0]) } else { path.to_string() };
        rel_of.insert(id.to_string(), rel);
    }
    let predicted: Vec<Vec<String>> = read_jsonl(&args.out.join("duplicates.jsonl"))?
        .iter()
        .map(|v| {
            v["doc_ids"].as_array().map(|a| a.iter().filter_map(|d| d.as_str().and_then(|d| rel_of.get(d).cloned())).collect()).unwrap_or_default()
        })
        .collect();
    let t = pairs(&truth);
    let p = pairs(&predicted);
    let hit = p.intersection(&t).count();
    let precision = if p.is_empty() { 1.0 } else { hit as f64 / p.len() as f64 };
    let recall = if t.is_empty() { 1.0 } else { hit as f64 / t.len() as f64 };
    println!(
        "near-duplicates: {} true pairs ({} clusters), {} predicted pairs ({} clusters), {hit} correct",
        t.len(),
        truth.len(),
        p.len(),
        predicted.len()
    );
    println!("{}", serde_json::json!({ "precision": precision, "recall": recall, "true_pairs": t.len(), "predicted_pairs": p.len(), "correct_pairs": hit }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_at_ends_but_not_after_abbreviations() {
        let s = split_sentences("Mr. Putin spoke with the U.S. president. He said “no.” Then Gen. Milley left.");
        assert_eq!(s, vec!["Mr. Putin spoke with the U.S. president.", "He said “no.”", "Then Gen. Milley left."]);
    }

    #[test]
    fn generation_is_deterministic_and_plants_clusters() {
        let tmp = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let run = |name: &str| {
            let out = tmp.path().join(name);
            let args = GenArgs { docs: Some(60), mb: None, seed: 7, out: out.clone(), source: src.clone(), extra: None, dup_share: 0.3, mt_rate: 0.1, outlets: 4 };
            generate(&args).unwrap();
            out
        };
        let (a, b) = (run("a"), run("b"));
        let ta = fs::read_to_string(a.join(".truth.jsonl")).unwrap();
        assert_eq!(ta, fs::read_to_string(b.join(".truth.jsonl")).unwrap());
        assert!(ta.lines().count() >= 3, "a 30% copy share must plant clusters: {ta}");
        let f = "0000/0000005";
        let pick = |d: &Path| {
            let dir = d.join("0000");
            let mut names: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name()).collect();
            names.sort();
            names.iter().map(|n| fs::read_to_string(d.join("0000").join(n)).unwrap()).collect::<Vec<_>>()
        };
        assert_eq!(pick(&a), pick(&b), "{f}: same seed, same files");
    }
}
