//! A batch run: ingest -> normalise -> annotate -> export over every input, in two passes.
//!
//! 1. Survey: every document is read and summarised (line hashes per outlet, date evidence) so
//!    that per-document steps can use corpus knowledge: boilerplate lines that recur across an
//!    outlet's articles, and publication dates that only the rest of the collection can give.
//! 2. Main pass: documents are processed in parallel, a bounded chunk at a time, and their rows are
//!    written in input order, so output is identical at any thread count and memory stays bounded
//!    by one chunk plus the corpus summaries (near-duplicate signatures, entity name tables).
//! 3. Corpus results (near-duplicate clusters, corpus-wide entity ids) are applied while the
//!    spooled rows are copied into the final datasets; then the staging folder is swapped in.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, IsTerminal};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use export::{DatasetSummary, JsonlWriter, Staging};
use ingest::metadata::MetadataHints;
use ingest::metadata::collection::CollectionDate;
use indicatif::{ProgressBar, ProgressStyle};
use pipeline::config::{AnnotateStep, NormaliseStep, StageName};
use pipeline::stage::CorpusStep;
use pipeline::{Config, CorpusKnowledge, DocStep, Document, DocumentRow, MentionRow, QuoteRow, RejectRow};
use rayon::prelude::*;
use serde::Serialize;

pub struct RunOptions {
    pub threads: Option<usize>,
    pub progress: bool,
    pub config_path: PathBuf,
}

/// Problems with the config's paths are usage errors (exit 2), found before any work starts.
pub fn check_paths(config: &Config) -> Result<()> {
    for p in &config.ingest.paths {
        if !p.exists() {
            bail!("[ingest] paths: input {} does not exist (fix `paths` in the config or create it)", p.display());
        }
    }
    if config.runs(StageName::Export) {
        let dir = &config.export.dir;
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let probe_root = if parent.exists() { parent.clone() } else { nearest_existing(&parent) };
        let probe = probe_root.join(format!(".presswork-write-test-{}", std::process::id()));
        std::fs::write(&probe, b"")
            .map_err(|e| anyhow::anyhow!("[export] dir: cannot write to {} ({e}); pick a writable `dir`", probe_root.display()))?;
        let _ = std::fs::remove_file(&probe);
        if dir.exists() && !dir.is_dir() {
            bail!("[export] dir: {} exists and is not a folder", dir.display());
        }
    }
    Ok(())
}

fn nearest_existing(p: &Path) -> PathBuf {
    let mut cur = p.to_path_buf();
    while !cur.exists() {
        match cur.parent() {
            Some(q) if !q.as_os_str().is_empty() => cur = q.to_path_buf(),
            _ => return PathBuf::from("."),
        }
    }
    cur
}

/// Documents processed in parallel at once; bounds memory whatever the corpus size.
const CHUNK_FILES: usize = 256;

/// What the run did, for the end-of-run summary and the manifest.
#[derive(Debug, Default, Serialize)]
pub struct RunSummary {
    pub inputs: usize,
    pub documents: usize,
    pub rejected: usize,
    pub raw_bytes: u64,
    pub raw_words: usize,
    pub seconds: f64,
    pub threads: usize,
    pub datasets: BTreeMap<String, DatasetSummary>,
    /// CPU seconds per stage, summed over documents (wall seconds for export).
    pub timings: BTreeMap<String, f64>,
    pub warnings: Vec<String>,
    pub out_dir: Option<PathBuf>,
}

impl RunSummary {
    pub fn render(&self) -> String {
        let mut s = String::new();
        s.push_str(&format!(
            "presswork: {} inputs -> {} documents, {} rejected, in {:.2}s on {} threads\n",
            self.inputs, self.documents, self.rejected, self.seconds, self.threads
        ));
        if self.seconds > 0.0 {
            s.push_str(&format!(
                "throughput: {:.2} MB/s, {:.0} words/s of raw text\n",
                self.raw_bytes as f64 / 1e6 / self.seconds,
                self.raw_words as f64 / self.seconds
            ));
        }
        if !self.timings.is_empty() {
            let t: Vec<String> = self.timings.iter().map(|(k, v)| format!("{k} {v:.3}s")).collect();
            s.push_str(&format!("stages (cpu): {}\n", t.join(", ")));
        }
        if let Some(dir) = &self.out_dir {
            s.push_str(&format!("wrote {}:\n", dir.display()));
            for (name, d) in &self.datasets {
                s.push_str(&format!("  {:<28} {:>8} rows\n", d.file, d.rows));
                let _ = name;
            }
        }
        if !self.warnings.is_empty() {
            s.push_str(&format!("{} warnings (see manifest.json):\n", self.warnings.len()));
            for w in self.warnings.iter().take(8) {
                s.push_str(&format!("  {w}\n"));
            }
        }
        s
    }
}

/// The per-document steps of the configured stages, built once (models loaded) before any work.
struct Steps {
    normalise: Vec<Box<dyn DocStep>>,
    annotate: Vec<Box<dyn DocStep>>,
    near_duplicates: Option<normalise::NearDuplicates>,
    entity_linker: Option<annotate::entities::EntityLinker>,
}

/// Corpus-level results that amend spooled rows when they are copied into the final datasets.
#[derive(Default)]
struct Amendments {
    /// doc_id -> (cluster_id, duplicate_of)
    clusters: BTreeMap<String, (String, Option<String>)>,
    /// In-document entity ids -> corpus entity ids, and the corpus entities' canonical names.
    entities: Option<annotate::entities::EntityResolution>,
}

/// One document's outcome in the main pass.
struct Processed {
    doc: Document,
    signature: Option<normalise::DocSignature>,
    names: Option<annotate::entities::DocNames>,
    normalise_secs: f64,
    annotate_secs: f64,
}

/// One input file's outcome in the main pass.
struct FileResult {
    path: String,
    format: Option<String>,
    docs: Vec<Processed>,
    rejects: Vec<RejectRow>,
    ingest_secs: f64,
}

pub fn run(config: &Config, opts: &RunOptions) -> Result<RunSummary> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = opts.threads {
        builder = builder.num_threads(n);
    }
    let pool = builder.build().context("cannot start worker threads")?;
    pool.install(|| run_in_pool(config, opts, pool.current_num_threads()))
}

fn run_in_pool(config: &Config, opts: &RunOptions, threads: usize) -> Result<RunSummary> {
    let started = Instant::now();
    let mut summary = RunSummary { threads, ..Default::default() };

    let steps = build_steps(config)?;

    let (files, discover_rejects) = {
        let _span = tracing::info_span!("discover").entered();
        ingest::discover(&config.ingest.paths)
    };
    summary.inputs = files.len() + discover_rejects.len();
    tracing::info!(files = files.len(), "inputs found");

    let survey = survey(config, &files)?;

    let exporting = config.runs(StageName::Export);
    let staging = if exporting { Some(Staging::create(&config.export.dir)?) } else { None };
    let mut out = Outputs::open(staging.as_ref().map(|s| s.path()), config)?;
    for r in &discover_rejects {
        out.reject(r)?;
    }

    let mut signatures = Vec::new();
    let mut names = annotate::entities::NameTable::default();
    let progress = progress_bar(opts.progress, files.len() as u64);
    let mut cpu = BTreeMap::<String, f64>::new();
    let mut inputs_manifest = Vec::new();
    for chunk in files.chunks(CHUNK_FILES) {
        let results: Vec<FileResult> = chunk
            .par_iter()
            .map(|file| {
                let r = process_file(file, config, &steps, &survey);
                progress.inc(1);
                r
            })
            .collect();
        for fr in results {
            *cpu.entry("ingest".into()).or_default() += fr.ingest_secs;
            inputs_manifest.push(InputEntry {
                path: fr.path.clone(),
                format: fr.format.clone(),
                sha256: fr.docs.first().map(|p| p.doc.source.sha256.clone()),
                bytes: fr.docs.first().map(|p| p.doc.source.bytes),
                documents: fr.docs.len(),
                rejected: fr.rejects.len(),
            });
            for r in &fr.rejects {
                out.reject(r)?;
                summary.warnings.push(format!("rejected {}: {} ({})", r.path, r.message, r.error_kind));
            }
            for mut p in fr.docs {
                signatures.extend(p.signature.take());
                if let Some(table) = p.names.take() {
                    names.add(&table);
                }
                *cpu.entry("normalise".into()).or_default() += p.normalise_secs;
                *cpu.entry("annotate".into()).or_default() += p.annotate_secs;
                summary.raw_bytes += p.doc.raw_text.len() as u64;
                summary.raw_words += pipeline::text::count_words(&p.doc.raw_text);
                summary.documents += 1;
                summary.warnings.extend(p.doc.warnings.iter().map(|w| format!("{}: {w}", p.doc.source.path)));
                out.document(&p.doc)?;
            }
        }
    }
    progress.finish_and_clear();
    summary.rejected = out.rejects;

    let mut amend = Amendments::default();
    if let Some(near) = &steps.near_duplicates {
        let _span = tracing::info_span!("dedupe_documents").entered();
        let t = Instant::now();
        let found = near.finish(signatures);
        for row in &found.clusters {
            out.write("duplicates", row)?;
        }
        amend.clusters = found.membership;
        *cpu.entry("normalise".into()).or_default() += t.elapsed().as_secs_f64();
    }
    if let Some(linker) = &steps.entity_linker {
        let _span = tracing::info_span!("entity_linking").entered();
        let t = Instant::now();
        let resolution = linker.resolve(names);
        for row in &resolution.entities {
            out.write("entities", row)?;
        }
        amend.entities = Some(resolution);
        *cpu.entry("annotate".into()).or_default() += t.elapsed().as_secs_f64();
    }

    let export_started = Instant::now();
    if let Some(staging) = staging {
        let datasets = out.finish(&amend)?;
        export::write_schemas(staging.path(), &datasets.keys().map(String::as_str).collect::<Vec<_>>())?;
        if config.export.report {
            export::write_report(staging.path())?;
        }
        summary.datasets = datasets;
        summary.timings = cpu;
        summary.timings.insert("export".into(), export_started.elapsed().as_secs_f64());
        summary.seconds = started.elapsed().as_secs_f64();
        write_manifest(staging.path(), config, opts, &summary, &inputs_manifest)?;
        staging.commit().context("cannot move the finished output into place")?;
        summary.out_dir = Some(config.export.dir.clone());
    } else {
        summary.timings = cpu;
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn build_steps(config: &Config) -> Result<Steps> {
    let normalise = if config.runs(StageName::Normalise) {
        normalise::build_steps(&config.normalise).context("normalise: cannot build steps")?
    } else {
        Vec::new()
    };
    let annotate = if config.runs(StageName::Annotate) {
        annotate::build_steps(&config.annotate).context("annotate: cannot build steps")?
    } else {
        Vec::new()
    };
    let near_duplicates = if config.runs(StageName::Normalise) && config.normalise.steps.contains(&NormaliseStep::DedupeDocuments) {
        Some(normalise::NearDuplicates::new(&config.normalise.dedupe_documents).context("normalise: dedupe_documents")?)
    } else {
        None
    };
    let entity_linker = (config.runs(StageName::Annotate) && config.annotate.steps.contains(&AnnotateStep::Entities))
        .then_some(annotate::entities::EntityLinker);
    Ok(Steps { normalise, annotate, near_duplicates, entity_linker })
}

/// What the survey pass learns about the corpus before any document is processed.
#[derive(Default)]
struct Survey {
    /// For normalise: lines that recur across an outlet's articles.
    knowledge: CorpusKnowledge,
    /// For ingest: publication dates of articles whose own text cannot date them, from what the
    /// rest of the collection says (doc_id -> date).
    collection_dates: HashMap<String, CollectionDate>,
}

/// Pass 1: reads every input once and keeps compact summaries (line hashes, date evidence).
fn survey(config: &Config, files: &[ingest::InputFile]) -> Result<Survey> {
    let _span = tracing::info_span!("survey").entered();
    let lines = if config.runs(StageName::Normalise) && config.normalise.steps.contains(&NormaliseStep::Boilerplate) {
        Some(normalise::LineSurvey::new(&config.normalise).context("normalise: cannot build the line survey")?)
    } else {
        None
    };
    let mut line_summaries = Vec::new();
    let mut date_summaries = Vec::new();
    for chunk in files.chunks(CHUNK_FILES) {
        let part: Vec<Vec<_>> = chunk
            .par_iter()
            .map(|f| {
                catch_unwind(AssertUnwindSafe(|| {
                    ingest::read_input(f, &config.ingest)
                        .into_iter()
                        .filter_map(|r| r.ok())
                        .map(|d| {
                            let (_, dates) = ingest::metadata::from_text_with_summary(&d.raw_text, &MetadataHints::default());
                            (d.doc_id.clone(), lines.as_ref().map(|l| l.summarize(&d)), dates)
                        })
                        .collect::<Vec<_>>()
                }))
                .unwrap_or_default()
            })
            .collect();
        for (doc_id, line_summary, dates) in part.into_iter().flatten() {
            line_summaries.extend(line_summary);
            date_summaries.push((doc_id, dates));
        }
    }
    let knowledge = lines.map(|l| l.finish(line_summaries)).unwrap_or_default();
    let (doc_ids, summaries): (Vec<String>, Vec<_>) = date_summaries.into_iter().unzip();
    let collection_dates = doc_ids
        .into_iter()
        .zip(ingest::metadata::collection::date_collection(&summaries))
        .filter_map(|(doc_id, date)| date.map(|d| (doc_id, d)))
        .collect();
    Ok(Survey { knowledge, collection_dates })
}

/// Reads one input and runs every per-document step on each of its documents. A panic inside a
/// step costs only that document: it becomes a reject row naming the step.
fn process_file(file: &ingest::InputFile, config: &Config, steps: &Steps, survey: &Survey) -> FileResult {
    let path = file.display.clone();
    let t = Instant::now();
    let read = catch_unwind(AssertUnwindSafe(|| ingest::read_input(file, &config.ingest)));
    let ingest_secs = t.elapsed().as_secs_f64();
    let mut result = FileResult { path: path.clone(), format: None, docs: Vec::new(), rejects: Vec::new(), ingest_secs };
    let read = match read {
        Ok(r) => r,
        Err(payload) => {
            result.rejects.push(RejectRow { path, error_kind: "panic".into(), message: format!("ingest panicked: {}", panic_message(&payload)) });
            return result;
        }
    };
    for item in read {
        match item {
            Err(reject) => result.rejects.push(reject),
            Ok(mut doc) => {
                if doc.meta.published.is_none() {
                    if let Some(date) = survey.collection_dates.get(&doc.doc_id) {
                        doc.meta.published = Some(date.published.clone());
                        doc.meta.published_basis = Some(date.basis);
                    }
                }
                result.format = Some(format!("{:?}", doc.source.format).to_lowercase());
                match process_doc(&mut doc, steps, &survey.knowledge) {
                    Ok((normalise_secs, annotate_secs)) => {
                        let signature = steps.near_duplicates.as_ref().map(|n| n.summarize(&doc));
                        let names = steps.entity_linker.as_ref().map(|l| l.summarize(&doc));
                        result.docs.push(Processed { doc, signature, names, normalise_secs, annotate_secs })
                    }
                    Err(message) => result.rejects.push(RejectRow {
                        path: doc_path(&doc),
                        error_kind: "panic".into(),
                        message,
                    }),
                }
            }
        }
    }
    result
}

fn doc_path(doc: &Document) -> String {
    match doc.source.line {
        Some(line) => format!("{}:{line}", doc.source.path),
        None => doc.source.path.clone(),
    }
}

fn process_doc(doc: &mut Document, steps: &Steps, knowledge: &CorpusKnowledge) -> Result<(f64, f64), String> {
    let mut secs = [0.0f64; 2];
    for (i, stage) in [&steps.normalise, &steps.annotate].into_iter().enumerate() {
        let _span = tracing::debug_span!("stage", name = ["normalise", "annotate"][i], doc = %doc.doc_id).entered();
        let t = Instant::now();
        for step in stage {
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                injected_fault(doc, step.name());
                step.apply(doc, knowledge)
            }));
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(e)) => doc.warnings.push(format!("{}: {e}", step.name())),
                Err(payload) => return Err(format!("step {} panicked: {}", step.name(), panic_message(&payload))),
            }
        }
        secs[i] = t.elapsed().as_secs_f64();
    }
    let problems = doc.retain_valid_spans();
    doc.warnings.extend(problems);
    Ok((secs[0], secs[1]))
}

/// Fault injection for tests (tests/e2e_faults.rs): with `PRESSWORK_FAULT_INJECT=<substring>` or
/// `<substring>@<step>`, a document whose path (`path` or `path:line` for a JSONL record) contains
/// the substring panics in the named step (the first step without `@`), so a test can prove that a
/// panic costs only that document. Unset, it costs one look-up of a cached variable per step.
fn injected_fault(doc: &Document, step: &str) {
    static FAULT: std::sync::OnceLock<Option<(String, Option<String>)>> = std::sync::OnceLock::new();
    let fault = FAULT.get_or_init(|| {
        let v = std::env::var("PRESSWORK_FAULT_INJECT").ok().filter(|v| !v.is_empty())?;
        Some(match v.rsplit_once('@') {
            Some((path, step)) => (path.to_string(), Some(step.to_string())),
            None => (v, None),
        })
    });
    let Some((path, at_step)) = fault else { return };
    let path_matches = doc_path(doc).contains(path.as_str());
    let step_matches = at_step.as_deref().is_none_or(|s| s == step);
    // The panic ends the document's processing, so without `@step` it fires in its first step.
    if path_matches && step_matches {
        panic!("fault injected by PRESSWORK_FAULT_INJECT into step {step} of {}", doc_path(doc));
    }
}

fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}

fn progress_bar(enabled: bool, len: u64) -> ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} files {elapsed_precise} eta {eta}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

#[derive(Serialize)]
struct InputEntry {
    path: String,
    format: Option<String>,
    sha256: Option<String>,
    bytes: Option<u64>,
    documents: usize,
    rejected: usize,
}

fn write_manifest(dir: &Path, config: &Config, opts: &RunOptions, summary: &RunSummary, inputs: &[InputEntry]) -> Result<()> {
    let config_json = serde_json::to_value(config)?;
    let config_sha = pipeline::ids::sha256_hex(serde_json::to_string(&config_json)?.as_bytes());
    let manifest = serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "config_file": opts.config_path.display().to_string(),
        "config": config_json,
        "config_sha256": config_sha,
        "inputs": inputs,
        "counts": {
            "inputs": summary.inputs,
            "documents": summary.documents,
            "rejected": summary.rejected,
            "raw_bytes": summary.raw_bytes,
            "raw_words": summary.raw_words,
        },
        "datasets": summary.datasets,
        "timings": { "wall_seconds": summary.seconds, "threads": summary.threads, "stage_seconds": summary.timings },
        "warnings": summary.warnings,
    });
    let path = dir.join("manifest.json");
    let text = if config.export.pretty_manifest { serde_json::to_string_pretty(&manifest)? } else { serde_json::to_string(&manifest)? };
    std::fs::write(&path, text + "\n").with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// The dataset files of one run, in the staging folder. Rows that corpus results still have to
/// amend (documents, mentions, quotes) go to spool files first and are copied over at the end.
struct Outputs {
    dir: Option<PathBuf>,
    compression: pipeline::config::Compression,
    writers: BTreeMap<&'static str, JsonlWriter>,
    spools: BTreeMap<&'static str, JsonlWriter>,
    rejects: usize,
}

impl Amendments {
    /// The spooled row with corpus results applied, or None when nothing changes.
    fn row(&self, dataset: &str, line: &str) -> Result<Option<String>> {
        match dataset {
            "documents" => {
                let mut row: DocumentRow = serde_json::from_str(line)?;
                let Some((cluster, dup_of)) = self.clusters.get(&row.doc_id) else { return Ok(None) };
                row.cluster_id = Some(cluster.clone());
                row.duplicate_of = dup_of.clone();
                Ok(Some(serde_json::to_string(&row)?))
            }
            "mentions" => {
                let Some(res) = &self.entities else { return Ok(None) };
                let mut row: MentionRow = serde_json::from_str(line)?;
                let Some(to) = res.remap.get(&row.entity_id) else { return Ok(None) };
                row.entity_id = to.clone();
                Ok(Some(serde_json::to_string(&row)?))
            }
            "quotes" => {
                let Some(res) = &self.entities else { return Ok(None) };
                let mut row: QuoteRow = serde_json::from_str(line)?;
                let Some(id) = row.speaker_entity_id.clone() else { return Ok(None) };
                let id = res.remap.get(&id).cloned().unwrap_or(id);
                // `speaker` is the entity's canonical name across the corpus (DESIGN.md).
                if let Ok(i) = res.entities.binary_search_by(|e| e.entity_id.as_str().cmp(&id)) {
                    row.speaker = Some(res.entities[i].name.clone());
                }
                row.speaker_entity_id = Some(id);
                Ok(Some(serde_json::to_string(&row)?))
            }
            _ => Ok(None),
        }
    }
}

/// Datasets rewritten after corpus-level steps.
const SPOOLED: &[&str] = &["documents", "mentions", "quotes"];

impl Outputs {
    fn open(dir: Option<&Path>, config: &Config) -> Result<Outputs> {
        let mut out = Outputs {
            dir: dir.map(Path::to_path_buf),
            compression: config.export.compression,
            writers: BTreeMap::new(),
            spools: BTreeMap::new(),
            rejects: 0,
        };
        let Some(dir) = dir else { return Ok(out) };
        for name in datasets_of(config) {
            if SPOOLED.contains(&name) {
                let spool = dir.join(format!(".{name}.spool"));
                out.spools.insert(name, JsonlWriter::create(&spool, pipeline::config::Compression::None)?);
            } else {
                let path = dir.join(JsonlWriter::file_name(name, out.compression));
                out.writers.insert(name, JsonlWriter::create(&path, out.compression)?);
            }
        }
        Ok(out)
    }

    fn write<T: Serialize>(&mut self, name: &'static str, row: &T) -> Result<()> {
        if let Some(w) = self.spools.get_mut(name).or(self.writers.get_mut(name)) {
            w.write_row(row)?;
        }
        Ok(())
    }

    fn reject(&mut self, r: &RejectRow) -> Result<()> {
        self.rejects += 1;
        self.write("rejects", r)
    }

    fn document(&mut self, doc: &Document) -> Result<()> {
        self.write("documents", &doc.to_row(None))?;
        for r in &doc.blocks {
            self.write("blocks", r)?;
        }
        for r in &doc.edits {
            self.write("edits", r)?;
        }
        for r in &doc.sentences {
            self.write("sentences", r)?;
        }
        for r in &doc.mentions {
            self.write("mentions", r)?;
        }
        for r in &doc.quotes {
            self.write("quotes", r)?;
        }
        for r in &doc.dates {
            self.write("dates", r)?;
        }
        for r in &doc.quantities {
            self.write("quantities", r)?;
        }
        Ok(())
    }

    /// Closes every dataset, copying spooled rows into their final files.
    fn finish(mut self, amend: &Amendments) -> Result<BTreeMap<String, DatasetSummary>> {
        let mut done = BTreeMap::new();
        let Some(dir) = self.dir.clone() else { return Ok(done) };
        for (name, spool) in std::mem::take(&mut self.spools) {
            spool.finish()?;
            let spool_path = dir.join(format!(".{name}.spool"));
            let final_path = dir.join(JsonlWriter::file_name(name, self.compression));
            let mut w = JsonlWriter::create(&final_path, self.compression)?;
            let reader = BufReader::new(std::fs::File::open(&spool_path)?);
            for line in reader.lines() {
                let mut line = line?;
                if let Some(amended) = amend.row(name, &line)? {
                    line = amended;
                }
                line.push('\n');
                w.write_line(line.as_bytes())?;
            }
            std::fs::remove_file(&spool_path)?;
            done.insert(name.to_string(), w.finish()?);
        }
        for (name, w) in self.writers {
            done.insert(name.to_string(), w.finish()?);
        }
        Ok(done)
    }
}

/// The datasets a config produces: those whose producing step runs.
fn datasets_of(config: &Config) -> Vec<&'static str> {
    let mut v = vec!["documents", "rejects"];
    if config.runs(StageName::Normalise) {
        v.extend(["blocks", "edits"]);
        if config.normalise.steps.contains(&NormaliseStep::DedupeDocuments) {
            v.push("duplicates");
        }
    }
    if config.runs(StageName::Annotate) {
        for step in &config.annotate.steps {
            match step {
                AnnotateStep::Sentences => v.push("sentences"),
                AnnotateStep::Entities => v.extend(["mentions", "entities"]),
                AnnotateStep::Quotes => v.push("quotes"),
                AnnotateStep::Dates => v.push("dates"),
                AnnotateStep::Quantities => v.push("quantities"),
            }
        }
    }
    v
}
