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
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use export::rows::{is_plain_json_str, leading_str_field, trailing_str_field};
use export::{DatasetSummary, JsonlWriter, RowBuffer, Staging};
use ingest::metadata::collection::CollectionDate;
use indicatif::{ProgressBar, ProgressStyle};
use pipeline::config::{AnnotateStep, NormaliseStep, StageName};
use pipeline::stage::CorpusStep;
use pipeline::{Config, CorpusKnowledge, PublishedBasis, DocStep, Document, DocumentRow, MentionRow, QuoteRow, RejectRow};
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

/// Hands the heap's free pages back to the system at a phase boundary. The directory walk and
/// the survey leave tens of megabytes freed in the middle of the heap on a big corpus (glibc only
/// returns the top of a heap by itself); kept, they add to the main pass's peak resident memory.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; it is safe to call at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Asks the kernel to start reading `files` into the page cache, without waiting. On a big corpus
/// the survey read each input minutes before the main pass does, and the page cache may have
/// dropped it since (this VM's kernel pages out what went unused for a minute): a worker that
/// reads a cold file sits idle until the disk answers. Asked one chunk ahead, the reads overlap
/// the work on the chunk before. Only a hint: errors are left to the real read to report.
fn read_ahead(files: &[ingest::InputFile]) {
    #[cfg(target_os = "linux")]
    for f in files {
        use std::os::fd::AsRawFd;
        if let Ok(file) = std::fs::File::open(&f.path) {
            // SAFETY: `file` is open for the whole call, which only schedules reads.
            unsafe {
                libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_WILLNEED);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = files;
}

/// The main pass returns freed heap pages to the system after this many chunks.
const TRIM_EVERY_CHUNKS: usize = 8;

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
    /// The first warnings, for the summary; all of them are in the manifest.
    pub warnings: Vec<String>,
    pub warnings_total: usize,
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
        if self.warnings_total > 0 {
            s.push_str(&format!("{} warnings (see manifest.json):\n", self.warnings_total));
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

/// One document's outcome in the main pass: its rows already serialised, and what corpus steps
/// and the manifest need of it. The document itself is dropped on the worker thread.
struct Processed {
    rows: Vec<(&'static str, RowBuffer)>,
    signature: Option<normalise::DocSignature>,
    names: Option<annotate::entities::DocNames>,
    normalise_secs: f64,
    annotate_secs: f64,
    raw_bytes: u64,
    raw_words: usize,
    warnings: Vec<String>,
}

/// One input file's outcome in the main pass.
struct FileResult {
    path: String,
    format: Option<String>,
    sha256: Option<String>,
    bytes: Option<u64>,
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

    let exporting = config.runs(StageName::Export);
    let staging = if exporting { Some(Staging::create(&config.export.dir)?) } else { None };
    // Corpus summaries that would grow with the corpus (the input list, undated articles' date
    // evidence, near-duplicate signatures) are spilled to files beside the datasets (or to a
    // temporary folder when nothing is exported), so memory does not grow with the corpus.
    let spill_tmp = if staging.is_none() { Some(tempfile::tempdir().context("cannot create a temporary folder")?) } else { None };
    let staging_dir = staging.as_ref().map(|s| s.path());
    let spill = staging_dir.or(spill_tmp.as_ref().map(|t| t.path())).expect("staging or temporary folder");

    let mut files = InputList::create(spill.join(".inputs.list"))?;
    let discover_rejects = {
        let _span = tracing::info_span!("discover").entered();
        ingest::discover_each(&config.ingest.paths, |f| files.push(f))
    };
    files.finish()?;
    summary.inputs = files.len() + discover_rejects.len();
    tracing::info!(files = files.len(), "inputs found");
    release_free_memory();

    let survey = survey(config, &files, spill)?;
    release_free_memory();

    let progress = progress_bar(opts.progress, files.len() as u64);
    // Workers process one chunk while a writer thread appends the previous chunk's rows, so the
    // only serial work is copying bytes that workers have already serialised.
    let mut sink = MainPassSink::open(staging_dir, spill, config, &steps, &discover_rejects)?;
    let main_pass = tracing::info_span!("main_pass").entered();
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<FileResult>>(1);
        let writer = scope.spawn(|| -> Result<()> {
            for (i, results) in rx.into_iter().enumerate() {
                sink.take(results)?;
                // The chunk's rows were freed by other threads than the ones that built them:
                // the holes they leave in each thread's heap would otherwise stay resident and
                // grow with the run.
                if i % TRIM_EVERY_CHUNKS == TRIM_EVERY_CHUNKS - 1 {
                    release_free_memory();
                }
            }
            Ok(())
        });
        for chunk in files.chunks(CHUNK_FILES)? {
            let chunk = chunk?;
            let results: Vec<FileResult> = chunk
                .par_iter()
                .map(|file| {
                    let r = process_file(file, config, &steps, &survey);
                    progress.inc(1);
                    r
                })
                .collect();
            if tx.send(results).is_err() {
                break; // the writer failed; its error is returned below
            }
        }
        drop(tx);
        writer.join().map_err(|p| anyhow::anyhow!("writer thread panicked: {}", panic_message(&p)))?
    })?;
    progress.finish_and_clear();
    drop(main_pass);
    files.remove()?;
    // The chunks' buffers are gone: their pages go back before clustering reads its tables in.
    release_free_memory();
    let MainPassSink { mut out, near_duplicates, names, mut cpu, mut inputs, mut warnings, counts } = sink;
    summary.documents = counts.documents;
    summary.raw_bytes = counts.raw_bytes;
    summary.raw_words = counts.raw_words;
    summary.warnings = warnings.first.clone();
    summary.warnings_total = warnings.total;
    summary.rejected = out.rejects;

    let mut amend = Amendments::default();
    if let Some(index) = near_duplicates {
        let _span = tracing::info_span!("dedupe_documents").entered();
        let t = Instant::now();
        let found = index.finish()?;
        for row in &found.clusters {
            out.write("duplicates", row)?;
        }
        amend.clusters = found.membership;
        *cpu.entry("normalise".into()).or_default() += t.elapsed().as_secs_f64();
    }
    if let Some(linker) = &steps.entity_linker {
        let _span = tracing::info_span!("entity_linking").entered();
        let t = Instant::now();
        let resolution = linker.resolve(names).context("cannot read back the entity log")?;
        for row in &resolution.entities {
            out.write("entities", row)?;
        }
        amend.entities = Some(resolution);
        *cpu.entry("annotate".into()).or_default() += t.elapsed().as_secs_f64();
    }

    let export_started = Instant::now();
    if let Some(staging) = staging {
        let datasets = tracing::info_span!("finish_datasets").in_scope(|| out.finish(&amend, config.export.report))?;
        export::write_schemas(staging.path(), &datasets.keys().map(String::as_str).collect::<Vec<_>>())?;
        summary.datasets = datasets;
        summary.timings = cpu;
        summary.timings.insert("export".into(), export_started.elapsed().as_secs_f64());
        summary.seconds = started.elapsed().as_secs_f64();
        write_manifest(staging.path(), config, opts, &summary, &mut inputs, &mut warnings)?;
        staging.commit().context("cannot move the finished output into place")?;
        summary.out_dir = Some(config.export.dir.clone());
    } else {
        summary.timings = cpu;
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// The writer side of the main pass: appends each chunk's rows in input order and keeps what the
/// corpus steps and the manifest need. Per-input records go to spool files, not memory, so memory
/// does not grow with the number of inputs.
struct MainPassSink<'a> {
    out: Outputs,
    near_duplicates: Option<normalise::SignatureIndex<'a>>,
    names: annotate::entities::NameTable,
    cpu: BTreeMap<String, f64>,
    inputs: JsonSpool,
    warnings: JsonSpool,
    counts: Counts,
}

#[derive(Default)]
struct Counts {
    documents: usize,
    raw_bytes: u64,
    raw_words: usize,
}

impl<'a> MainPassSink<'a> {
    fn open(
        staging: Option<&Path>,
        spill: &Path,
        config: &Config,
        steps: &'a Steps,
        discover_rejects: &[RejectRow],
    ) -> Result<MainPassSink<'a>> {
        let near_duplicates = match &steps.near_duplicates {
            Some(n) => Some(n.index(Some(spill))?),
            None => None,
        };
        // Which entities each document has is logged to a file, not kept in memory.
        let names = match &steps.entity_linker {
            Some(_) => {
                let path = spill.join(".entities.log");
                annotate::entities::NameTable::spilled(&path).with_context(|| format!("cannot create {}", path.display()))?
            }
            None => annotate::entities::NameTable::default(),
        };
        let mut sink = MainPassSink {
            out: Outputs::open(staging, config)?,
            near_duplicates,
            names,
            cpu: BTreeMap::new(),
            inputs: JsonSpool::create(staging.map(|d| d.join(".inputs.spool")))?,
            warnings: JsonSpool::create(staging.map(|d| d.join(".warnings.spool")))?,
            counts: Counts::default(),
        };
        for r in discover_rejects {
            sink.reject(r)?;
        }
        Ok(sink)
    }

    fn reject(&mut self, r: &RejectRow) -> Result<()> {
        self.out.reject(r)?;
        self.warnings.push(&format!("rejected {}: {} ({})", r.path, r.message, r.error_kind))
    }

    fn take(&mut self, results: Vec<FileResult>) -> Result<()> {
        for fr in results {
            *self.cpu.entry("ingest".into()).or_default() += fr.ingest_secs;
            self.inputs.push(&InputEntry {
                path: fr.path,
                format: fr.format,
                sha256: fr.sha256,
                bytes: fr.bytes,
                documents: fr.docs.len(),
                rejected: fr.rejects.len(),
            })?;
            for r in &fr.rejects {
                self.reject(r)?;
            }
            for p in fr.docs {
                if let (Some(index), Some(sig)) = (&mut self.near_duplicates, &p.signature) {
                    index.push(sig)?;
                }
                if let Some(table) = &p.names {
                    self.names.add(table).context("cannot write the entity log")?;
                }
                *self.cpu.entry("normalise".into()).or_default() += p.normalise_secs;
                *self.cpu.entry("annotate".into()).or_default() += p.annotate_secs;
                self.counts.raw_bytes += p.raw_bytes;
                self.counts.raw_words += p.raw_words;
                self.counts.documents += 1;
                for w in &p.warnings {
                    self.warnings.push(w)?;
                }
                self.out.rows(&p.rows)?;
            }
        }
        Ok(())
    }
}

/// A JSON array written one element per line to a spool file (and later streamed into the
/// manifest), keeping only the first few elements and the count in memory.
struct JsonSpool {
    path: Option<PathBuf>,
    file: Option<BufWriter<std::fs::File>>,
    first: Vec<String>,
    total: usize,
}

/// Elements of a spool kept in memory for the end-of-run summary.
const SPOOL_KEEP: usize = 8;

impl JsonSpool {
    fn create(path: Option<PathBuf>) -> Result<JsonSpool> {
        let file = match &path {
            Some(p) => Some(BufWriter::new(std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?)),
            None => None,
        };
        Ok(JsonSpool { path, file, first: Vec::new(), total: 0 })
    }

    fn push<T: Serialize>(&mut self, item: &T) -> Result<()> {
        let line = serde_json::to_string(item)?;
        if self.first.len() < SPOOL_KEEP {
            // Strings are kept as themselves (warnings), anything else as its JSON.
            self.first.push(serde_json::from_str::<String>(&line).unwrap_or_else(|_| line.clone()));
        }
        self.total += 1;
        if let Some(f) = &mut self.file {
            f.write_all(line.as_bytes())?;
            f.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Closes the spool; the returned value serialises as the JSON array of every element.
    fn finish(&mut self) -> Result<SpooledArray> {
        if let Some(mut f) = self.file.take() {
            f.flush()?;
        }
        Ok(SpooledArray(self.path.clone()))
    }
}

/// Serialises a spool file's lines as one JSON array, reading it as it goes.
struct SpooledArray(Option<PathBuf>);

impl Serialize for SpooledArray {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = serializer.serialize_seq(None)?;
        if let Some(path) = &self.0 {
            let file = std::fs::File::open(path).map_err(|e| S::Error::custom(format!("{}: {e}", path.display())))?;
            for line in BufReader::new(file).lines() {
                let line = line.map_err(|e| S::Error::custom(format!("{}: {e}", path.display())))?;
                let value: serde_json::Value = serde_json::from_str(&line).map_err(S::Error::custom)?;
                seq.serialize_element(&value)?;
            }
        }
        seq.end()
    }
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

/// The run's input files, spilled to a file as the directory walk finds them and read back a
/// chunk at a time by both passes: a corpus of one article per file has a million inputs at
/// 10 GB, and even compactly (a display path and a few bytes each) the list would grow with the
/// corpus. A file is one frame: format, gzip, display path, and the disk path when it differs.
struct InputList {
    path: PathBuf,
    writer: Option<BufWriter<std::fs::File>>,
    /// The first write error, reported by [`InputList::finish`] (the walk cannot stop for it).
    error: Option<std::io::Error>,
    len: usize,
}

impl InputList {
    fn create(path: PathBuf) -> Result<InputList> {
        let file = std::fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(InputList { path, writer: Some(BufWriter::with_capacity(1 << 16, file)), error: None, len: 0 })
    }

    /// Adds the next file (files come in input order, straight from the directory walk).
    fn push(&mut self, f: ingest::InputFile) {
        let format = match f.format {
            pipeline::SourceFormat::Text => 0u8,
            pipeline::SourceFormat::Html => 1,
            pipeline::SourceFormat::Jsonl => 2,
        };
        let disk: &[u8] = if f.path.as_os_str() == f.display.as_str() { b"" } else { f.path.as_os_str().as_encoded_bytes() };
        let (Some(w), None) = (&mut self.writer, &self.error) else { return };
        let frame = [&[format, u8::from(f.gzip)][..], &(f.display.len() as u32).to_le_bytes(), f.display.as_bytes(), &(disk.len() as u32).to_le_bytes(), disk];
        if let Err(e) = frame.iter().try_for_each(|part| w.write_all(part)) {
            self.error = Some(e);
        }
        self.len += 1;
    }

    /// Every file pushed: the list can be read.
    fn finish(&mut self) -> Result<()> {
        let written = match (self.error.take(), self.writer.take()) {
            (Some(e), _) => Err(e),
            (None, Some(w)) => w.into_inner().map_err(|e| e.into_error()).map(drop),
            (None, None) => Ok(()),
        };
        written.with_context(|| format!("cannot write {}", self.path.display()))
    }

    fn len(&self) -> usize {
        self.len
    }

    /// The files in input order, `n` at a time. When a chunk is handed out, the next chunk's
    /// files are already being read into the page cache ([`read_ahead`]).
    fn chunks(&self, n: usize) -> Result<impl Iterator<Item = Result<Vec<ingest::InputFile>>> + '_> {
        let file = std::fs::File::open(&self.path).with_context(|| format!("cannot read {}", self.path.display()))?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut left = self.len;
        let mut next_chunk = move || -> Option<Result<Vec<ingest::InputFile>>> {
            if left == 0 {
                return None;
            }
            let take = n.min(left);
            left -= take;
            let chunk: Result<Vec<_>> = (0..take).map(|_| self.read_one(&mut reader)).collect();
            if let Ok(files) = &chunk {
                read_ahead(files);
            }
            Some(chunk)
        };
        let mut ahead = next_chunk();
        Ok(std::iter::from_fn(move || {
            let chunk = ahead.take()?;
            ahead = next_chunk();
            Some(chunk)
        }))
    }

    fn read_one(&self, reader: &mut impl Read) -> Result<ingest::InputFile> {
        let damaged = || anyhow::anyhow!("{}: damaged input list", self.path.display());
        let mut head = [0u8; 6];
        reader.read_exact(&mut head).map_err(|_| damaged())?;
        let format = match head[0] {
            0 => pipeline::SourceFormat::Text,
            1 => pipeline::SourceFormat::Html,
            2 => pipeline::SourceFormat::Jsonl,
            _ => return Err(damaged()),
        };
        let mut bytes = vec![0u8; u32::from_le_bytes(head[2..6].try_into().expect("4 bytes")) as usize];
        reader.read_exact(&mut bytes).map_err(|_| damaged())?;
        let display = String::from_utf8(bytes).map_err(|_| damaged())?;
        let mut len = [0u8; 4];
        reader.read_exact(&mut len).map_err(|_| damaged())?;
        let path = match u32::from_le_bytes(len) as usize {
            0 => PathBuf::from(&display),
            n => {
                let mut bytes = vec![0u8; n];
                reader.read_exact(&mut bytes).map_err(|_| damaged())?;
                // SAFETY: the bytes are an OsStr's `as_encoded_bytes`, written by this process.
                PathBuf::from(unsafe { std::ffi::OsString::from_encoded_bytes_unchecked(bytes) })
            }
        };
        Ok(ingest::InputFile { path, display, format, gzip: head[1] != 0 })
    }

    fn remove(self) -> Result<()> {
        std::fs::remove_file(&self.path).with_context(|| format!("cannot remove {}", self.path.display()))
    }
}

/// What the survey pass learns about the corpus before any document is processed.
#[derive(Default)]
struct Survey {
    /// For normalise: lines that recur across an outlet's articles.
    knowledge: CorpusKnowledge,
    /// For ingest: publication dates of articles whose own text cannot date them, from what the
    /// rest of the collection says (doc_id -> date).
    collection_dates: CollectionDates,
}

/// Publication dates lent by the collection, by a 64-bit key of the doc_id: the distinct
/// (date, basis) pairs are few, so this costs ~16 bytes per dated article, not a map of strings.
#[derive(Default)]
struct CollectionDates {
    values: Vec<(String, PublishedBasis)>,
    position: HashMap<(String, PublishedBasis), u32>,
    by_doc: HashMap<u64, u32>,
}

impl CollectionDates {
    fn insert(&mut self, doc_key: u64, date: CollectionDate) {
        let value = (date.published, date.basis);
        let at = match self.position.get(&value) {
            Some(&i) => i,
            None => {
                let i = self.values.len() as u32;
                self.position.insert(value.clone(), i);
                self.values.push(value);
                i
            }
        };
        self.by_doc.insert(doc_key, at);
    }

    fn get(&self, doc_id: &str) -> Option<&(String, PublishedBasis)> {
        self.by_doc.get(&pipeline::ids::key64(doc_id)).map(|&i| &self.values[i as usize])
    }
}

/// Pass 1: reads every input once; line hashes are tallied as they come, date evidence is kept
/// for the collection-level dating at the end: in memory what dated articles lend (their events
/// and years), in a spill file under `spill` the evidence of undated articles, which are then
/// dated one at a time.
fn survey(config: &Config, files: &InputList, spill: &Path) -> Result<Survey> {
    use ingest::metadata::collection::{CollectionEvents, DateSummary};
    let _span = tracing::info_span!("survey").entered();
    let lines = if config.runs(StageName::Normalise) && config.normalise.steps.contains(&NormaliseStep::Boilerplate) {
        Some(normalise::LineSurvey::new(&config.normalise).context("normalise: cannot build the line survey")?)
    } else {
        None
    };
    let mut line_tally = normalise::LineTally::default();
    let mut events = CollectionEvents::default();
    let undated_path = spill.join(".undated-dates.spill");
    let mut undated = UndatedSpill::create(&undated_path)?;
    for chunk in files.chunks(CHUNK_FILES)? {
        let chunk = chunk?;
        let part: Vec<Vec<_>> = chunk
            .par_iter()
            .map(|f| {
                catch_unwind(AssertUnwindSafe(|| {
                    ingest::survey_input(f, &config.ingest)
                        .into_iter()
                        .filter_map(|r| r.ok())
                        .map(|(d, mut dates)| {
                            dates.compact();
                            (pipeline::ids::key64(&d.doc_id), lines.as_ref().map(|l| l.summarize(&d)), dates)
                        })
                        .collect::<Vec<_>>()
                }))
                .unwrap_or_default()
            })
            .collect();
        for (doc_key, line_summary, dates) in part.into_iter().flatten() {
            if let (Some(l), Some(summary)) = (&lines, line_summary) {
                l.tally(&mut line_tally, summary);
            }
            events.add(&dates);
            if dates.published().is_none() {
                undated.push(doc_key, &dates)?;
            }
        }
    }
    let knowledge = lines.map(|l| l.knowledge(line_tally)).unwrap_or_default();
    let mut dater = events.finish();
    let mut collection_dates = CollectionDates::default();
    // In input order, as they were spilled: a doc_id met twice keeps its last date, as before.
    undated.read_back(|doc_key, summary: DateSummary| {
        if let Some(date) = dater.date(&summary) {
            collection_dates.insert(doc_key, date);
        }
    })?;
    std::fs::remove_file(&undated_path).with_context(|| format!("cannot remove {}", undated_path.display()))?;
    Ok(Survey { knowledge, collection_dates })
}

/// The date summaries of undated articles, spilled in input order as (doc key, record) frames:
/// they are ~72% of a generated corpus's articles, ~0.8 KB each in memory.
struct UndatedSpill {
    path: PathBuf,
    file: BufWriter<std::fs::File>,
    record: Vec<u8>,
}

impl UndatedSpill {
    fn create(path: &Path) -> Result<UndatedSpill> {
        let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(UndatedSpill { path: path.to_path_buf(), file: BufWriter::with_capacity(1 << 16, file), record: Vec::new() })
    }

    fn push(&mut self, doc_key: u64, summary: &ingest::metadata::collection::DateSummary) -> Result<()> {
        self.record.clear();
        summary.encode_undated(&mut self.record);
        let frame = [&doc_key.to_le_bytes()[..], &(self.record.len() as u32).to_le_bytes(), &self.record];
        frame.iter().try_for_each(|part| self.file.write_all(part)).with_context(|| format!("cannot write {}", self.path.display()))
    }

    /// Closes the spill and calls `each` on every summary, in the order they were pushed.
    fn read_back(self, mut each: impl FnMut(u64, ingest::metadata::collection::DateSummary)) -> Result<()> {
        let damaged = || anyhow::anyhow!("{}: damaged date spill", self.path.display());
        self.file.into_inner().map_err(|e| e.into_error()).with_context(|| format!("cannot write {}", self.path.display()))?;
        let file = std::fs::File::open(&self.path).with_context(|| format!("cannot read {}", self.path.display()))?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut head = [0u8; 12];
        let mut record = Vec::new();
        loop {
            // A frame: doc key (8 bytes), record length (4), record.
            if reader.fill_buf().with_context(|| format!("cannot read {}", self.path.display()))?.is_empty() {
                break;
            }
            reader.read_exact(&mut head).map_err(|_| damaged())?;
            let (key, len) = head.split_at(8);
            let key = u64::from_le_bytes(key.try_into().expect("8 bytes"));
            let len = u32::from_le_bytes(len.try_into().expect("4 bytes")) as usize;
            record.resize(len, 0);
            reader.read_exact(&mut record).map_err(|_| damaged())?;
            each(key, ingest::metadata::collection::DateSummary::decode_undated(&record).ok_or_else(damaged)?);
        }
        Ok(())
    }
}

/// Reads one input and runs every per-document step on each of its documents. A panic inside a
/// step costs only that document: it becomes a reject row naming the step.
fn process_file(file: &ingest::InputFile, config: &Config, steps: &Steps, survey: &Survey) -> FileResult {
    let path = file.display.clone();
    let t = Instant::now();
    let read = catch_unwind(AssertUnwindSafe(|| ingest::read_input(file, &config.ingest)));
    let ingest_secs = t.elapsed().as_secs_f64();
    let mut result =
        FileResult { path: path.clone(), format: None, sha256: None, bytes: None, docs: Vec::new(), rejects: Vec::new(), ingest_secs };
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
                    if let Some((published, basis)) = survey.collection_dates.get(&doc.doc_id) {
                        doc.meta.published = Some(published.clone());
                        doc.meta.published_basis = Some(*basis);
                    }
                }
                result.format = Some(format!("{:?}", doc.source.format).to_lowercase());
                if result.docs.is_empty() {
                    result.sha256 = Some(doc.source.sha256.clone());
                    result.bytes = Some(doc.source.bytes);
                }
                match process_doc(&mut doc, steps, &survey.knowledge) {
                    Ok((normalise_secs, annotate_secs)) => match encode_rows(&doc) {
                        Ok(rows) => result.docs.push(Processed {
                            rows,
                            signature: steps.near_duplicates.as_ref().map(|n| n.summarize(&doc)),
                            names: steps.entity_linker.as_ref().map(|l| l.summarize(&doc)),
                            normalise_secs,
                            annotate_secs,
                            raw_bytes: doc.raw_text.len() as u64,
                            raw_words: pipeline::text::count_words(&doc.raw_text),
                            warnings: doc.warnings.iter().map(|w| format!("{}: {w}", doc.source.path)).collect(),
                        }),
                        Err(e) => result.rejects.push(RejectRow {
                            path: doc_path(&doc),
                            error_kind: "serialise".into(),
                            message: format!("cannot serialise its rows: {e}"),
                        }),
                    },
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

/// A document's rows as JSON lines, per dataset, in the order the datasets are written.
fn encode_rows(doc: &Document) -> Result<Vec<(&'static str, RowBuffer)>, serde_json::Error> {
    fn encode<T: Serialize>(rows: &[T]) -> Result<RowBuffer, serde_json::Error> {
        let mut buf = RowBuffer::default();
        for r in rows {
            buf.push(r)?;
        }
        Ok(buf)
    }
    Ok(vec![
        ("documents", encode(std::slice::from_ref(&doc.to_row(None)))?),
        ("blocks", encode(&doc.blocks)?),
        ("edits", encode(&doc.edits)?),
        ("sentences", encode(&doc.sentences)?),
        ("mentions", encode(&doc.mentions)?),
        ("quotes", encode(&doc.quotes)?),
        ("dates", encode(&doc.dates)?),
        ("quantities", encode(&doc.quantities)?),
    ])
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

fn write_manifest(
    dir: &Path,
    config: &Config,
    opts: &RunOptions,
    summary: &RunSummary,
    inputs: &mut JsonSpool,
    warnings: &mut JsonSpool,
) -> Result<()> {
    // Fields in alphabetical order, as a JSON object's keys are everywhere else in the manifest.
    #[derive(Serialize)]
    struct Manifest<'a> {
        config: serde_json::Value,
        config_file: String,
        config_sha256: String,
        counts: serde_json::Value,
        datasets: serde_json::Value,
        inputs: SpooledArray,
        timings: serde_json::Value,
        version: &'a str,
        warnings: SpooledArray,
    }
    let config_json = serde_json::to_value(config)?;
    let config_sha256 = pipeline::ids::sha256_hex(serde_json::to_string(&config_json)?.as_bytes());
    let manifest = Manifest {
        config: config_json,
        config_file: opts.config_path.display().to_string(),
        config_sha256,
        counts: serde_json::json!({
            "inputs": summary.inputs,
            "documents": summary.documents,
            "rejected": summary.rejected,
            "raw_bytes": summary.raw_bytes,
            "raw_words": summary.raw_words,
        }),
        datasets: serde_json::to_value(&summary.datasets)?,
        inputs: inputs.finish()?,
        timings: serde_json::json!({ "wall_seconds": summary.seconds, "threads": summary.threads, "stage_seconds": summary.timings }),
        version: env!("CARGO_PKG_VERSION"),
        warnings: warnings.finish()?,
    };
    let path = dir.join("manifest.json");
    let file = std::fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut w = BufWriter::new(file);
    if config.export.pretty_manifest {
        serde_json::to_writer_pretty(&mut w, &manifest)?;
    } else {
        serde_json::to_writer(&mut w, &manifest)?;
    }
    w.write_all(b"\n")?;
    w.flush().with_context(|| format!("cannot write {}", path.display()))?;
    for spool in [&inputs.path, &warnings.path].into_iter().flatten() {
        let _ = std::fs::remove_file(spool);
    }
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

/// The few fields of a spooled row that decide whether corpus results change it; reading only
/// these skips the rest of the row (a document's whole text) without building it.
#[derive(serde::Deserialize)]
struct RowKeys<'a> {
    #[serde(borrow, default)]
    doc_id: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    entity_id: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    speaker_entity_id: Option<std::borrow::Cow<'a, str>>,
}

impl Amendments {
    /// The spooled row with corpus results applied, or None when nothing changes.
    fn row(&self, dataset: &str, line: &str) -> Result<Option<String>> {
        match dataset {
            "documents" => {
                // A document row leads with its doc_id, so most rows (not in any cluster) are
                // settled without parsing the document's whole text.
                if let Some(id) = leading_str_field(line, "doc_id") {
                    let Some((cluster, dup_of)) = self.clusters.get(id) else { return Ok(None) };
                    if let Some(spliced) = splice_cluster(line, cluster, dup_of.as_deref()) {
                        return Ok(Some(spliced));
                    }
                }
                amend_document_parsed(line, &self.clusters)
            }
            "mentions" => {
                let Some(res) = &self.entities else { return Ok(None) };
                // A mention row ends with its entity_id, and most of them are remapped: splicing
                // the new id in place of the old one gives the bytes a parse and re-serialisation
                // would, at a fraction of the cost. Anything unexpected takes the parsing path.
                if let Some((at, id)) = trailing_str_field(line, "entity_id") {
                    let Some(to) = res.remap.get(id) else { return Ok(None) };
                    if is_plain_json_str(to) {
                        return Ok(Some(format!("{}{to}\"}}", &line[..at])));
                    }
                }
                let keys: RowKeys = serde_json::from_str(line)?;
                let Some(to) = keys.entity_id.and_then(|id| res.remap.get(id.as_ref())) else { return Ok(None) };
                let mut row: MentionRow = serde_json::from_str(line)?;
                row.entity_id = to.clone();
                Ok(Some(serde_json::to_string(&row)?))
            }
            "quotes" => {
                let Some(res) = &self.entities else { return Ok(None) };
                // Most quotes have a speaker: splicing the two fields gives the bytes the parse
                // and re-serialisation would, without re-writing the quote's text.
                match splice_speaker(line, res) {
                    Some(spliced) => Ok(spliced),
                    None => amend_quote_parsed(line, res),
                }
            }
            _ => Ok(None),
        }
    }
}

/// A document row with its near-duplicate cluster, by parsing and re-serialising it; None when
/// the document is in no cluster.
fn amend_document_parsed(line: &str, clusters: &BTreeMap<String, (String, Option<String>)>) -> Result<Option<String>> {
    let keys: RowKeys = serde_json::from_str(line)?;
    let Some((cluster, dup_of)) = keys.doc_id.and_then(|id| clusters.get(id.as_ref())) else { return Ok(None) };
    let mut row: DocumentRow = serde_json::from_str(line)?;
    row.cluster_id = Some(cluster.clone());
    row.duplicate_of = dup_of.clone();
    Ok(Some(serde_json::to_string(&row)?))
}

/// A document row with its cluster fields spliced in, when it ends with both of them null as
/// spooled (None otherwise: the caller parses it). They are a row's last two fields, and serde_json
/// writes `,"` only as the start of a key (inside a string value a `"` is always escaped), so a
/// line that ends with them ends with those two keys of the row itself: the splice gives the bytes
/// a parse and re-serialisation would, without reading the document's text twice more.
fn splice_cluster(line: &str, cluster: &str, duplicate_of: Option<&str>) -> Option<String> {
    let head = line.strip_suffix(",\"cluster_id\":null,\"duplicate_of\":null}")?;
    let (cluster, duplicate_of) = (serde_json::to_string(cluster).ok()?, serde_json::to_string(&duplicate_of).ok()?);
    Some(format!("{head},\"cluster_id\":{cluster},\"duplicate_of\":{duplicate_of}}}"))
}

/// A quote row with the speaker's corpus entity id and canonical name, by parsing and
/// re-serialising it; None when the row has no speaker entity.
fn amend_quote_parsed(line: &str, res: &annotate::entities::EntityResolution) -> Result<Option<String>> {
    let keys: RowKeys = serde_json::from_str(line)?;
    if keys.speaker_entity_id.is_none() {
        return Ok(None);
    }
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

/// A quote row with the speaker's corpus entity id and canonical name spliced in: `Some(None)`
/// when the row has no speaker entity (nothing changes), None when the row is not laid out as
/// expected (the caller parses it). serde_json writes `,"speaker":` and `,"speaker_entity_id":`
/// only as keys: inside a string value a `"` is always escaped, so `,"` never appears there.
fn splice_speaker(line: &str, res: &annotate::entities::EntityResolution) -> Option<Option<String>> {
    const SPEAKER: &str = ",\"speaker\":";
    const ID: &str = ",\"speaker_entity_id\":";
    let at = line.find(SPEAKER)? + SPEAKER.len();
    let speaker_len = json_value_len(&line[at..])?;
    let id_key = at + speaker_len;
    let id_at = id_key + line[id_key..].strip_prefix(ID).map(|_| ID.len())?;
    let rest = &line[id_at..];
    if rest.starts_with("null,") {
        return Some(None);
    }
    let id_len = json_value_len(rest)?;
    let id = rest[..id_len].strip_prefix('"')?.strip_suffix('"')?;
    if !is_plain_json_str(id) {
        return None;
    }
    let id = res.remap.get(id).map(String::as_str).unwrap_or(id);
    if !is_plain_json_str(id) {
        return None;
    }
    let speaker = match res.entities.binary_search_by(|e| e.entity_id.as_str().cmp(id)) {
        Ok(i) => serde_json::to_string(&res.entities[i].name).ok()?,
        Err(_) => line[at..id_key].to_string(),
    };
    let mut out = String::with_capacity(line.len() + 32);
    out.push_str(&line[..at]);
    out.push_str(&speaker);
    out.push_str(ID);
    out.push('"');
    out.push_str(id);
    out.push('"');
    out.push_str(&rest[id_len..]);
    Some(Some(out))
}

/// Length of the JSON value (`null` or a string) that `s` starts with, when it is followed by a
/// comma; None for anything else.
fn json_value_len(s: &str) -> Option<usize> {
    if s.starts_with("null,") {
        return Some(4);
    }
    let b = s.as_bytes();
    if b.first() != Some(&b'"') {
        return None;
    }
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return (b.get(i + 1) == Some(&b',')).then_some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Where a spooled dataset's rows wait, in the staging folder, until corpus results amend them.
fn spool_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.spool"))
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
                let spool = spool_path(dir, name);
                out.spools.insert(name, JsonlWriter::scratch(&spool)?);
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

    /// Appends one document's serialised rows to the datasets that are written.
    fn rows(&mut self, rows: &[(&'static str, RowBuffer)]) -> Result<()> {
        for (name, buf) in rows {
            if buf.is_empty() {
                continue;
            }
            if let Some(w) = self.spools.get_mut(name).or(self.writers.get_mut(name)) {
                w.write_rows(buf)?;
            }
        }
        Ok(())
    }

    /// Closes every dataset, copying spooled rows into their final files: one thread per spool,
    /// and one per written dataset, whose sync to disk would otherwise wait in turn. With `report`,
    /// writes report.html as soon as the datasets it reads are final: the ones it only counts
    /// (mentions, the longest copy) are still being copied meanwhile.
    fn finish(mut self, amend: &Amendments, report: bool) -> Result<BTreeMap<String, DatasetSummary>> {
        let mut done = BTreeMap::new();
        let Some(dir) = self.dir.clone() else { return Ok(done) };
        let compression = self.compression;
        // Copying keeps every row on one line, so the row counts are known before it starts.
        let rows: BTreeMap<String, u64> =
            self.spools.iter().chain(self.writers.iter()).map(|(name, w)| (name.to_string(), w.rows())).collect();
        let (finished, reported) = std::thread::scope(|scope| {
            let copies = std::mem::take(&mut self.spools).into_iter().map(|(name, spool)| {
                let dir = &dir;
                let handle = scope.spawn(move || -> Result<(String, DatasetSummary)> {
                    let spooled_rows = spool.rows();
                    spool.finish()?;
                    let spooled = spool_path(dir, name);
                    let final_path = dir.join(JsonlWriter::file_name(name, compression));
                    let mut w = JsonlWriter::create(&final_path, compression)?;
                    let mut reader = export::read_scratch(&spooled)?;
                    let mut line = String::new();
                    while reader.read_line(&mut line)? > 0 {
                        match amend.row(name, line.trim_end_matches('\n'))? {
                            Some(mut amended) => {
                                amended.push('\n');
                                w.write_line(amended.as_bytes())?;
                            }
                            None => w.write_line(line.as_bytes())?,
                        }
                        line.clear();
                    }
                    std::fs::remove_file(&spooled)?;
                    if w.rows() != spooled_rows {
                        bail!("{}: {} rows spooled, {} copied", final_path.display(), spooled_rows, w.rows());
                    }
                    Ok((name.to_string(), w.finish()?))
                });
                (name, handle)
            });
            let written = std::mem::take(&mut self.writers).into_iter().map(|(name, w)| {
                (name, scope.spawn(move || -> Result<(String, DatasetSummary)> { Ok((name.to_string(), w.finish()?)) }))
            });
            let (counted_only, read_by_report): (Vec<_>, Vec<_>) =
                copies.chain(written).partition(|(name, _)| export::REPORT_COUNTS_ONLY.contains(name));
            let join = |handles: Vec<(&str, std::thread::ScopedJoinHandle<'_, _>)>| -> Vec<Result<(String, DatasetSummary)>> {
                handles.into_iter().map(|(_, h)| h.join().unwrap_or_else(|p| Err(anyhow::anyhow!("output thread panicked: {}", panic_message(&p))))).collect()
            };
            let mut finished = join(read_by_report);
            // A dataset that failed leaves the report unwritten, as the run fails.
            let reported = (report && finished.iter().all(Result::is_ok))
                .then(|| tracing::info_span!("report").in_scope(|| export::write_report_with_counts(&dir, &rows)));
            finished.extend(join(counted_only));
            (finished, reported)
        });
        for r in finished {
            let (name, summary) = r?;
            done.insert(name, summary);
        }
        if let Some(r) = reported {
            r?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use pipeline::{EntityLabel, EntityRow, SpeakerKind};

    fn mention(text: &str, entity_id: &str) -> MentionRow {
        MentionRow {
            doc_id: "d1".into(),
            mention_id: "d1-m0-6".into(),
            sent_index: 0,
            start: 0,
            end: 6,
            text: text.into(),
            label: EntityLabel::PER,
            entity_id: entity_id.into(),
        }
    }

    fn amendments(remap: &[(&str, &str)]) -> Amendments {
        let remap = remap.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        Amendments { clusters: BTreeMap::new(), entities: Some(annotate::entities::EntityResolution { remap, entities: Vec::new() }) }
    }

    #[test]
    fn spliced_mention_rows_equal_reserialised_ones() {
        let amend = amendments(&[("e1", "e9"), ("odd", "e\"q")]);
        // Mention texts that hold the key itself, quotes and escapes must not fool the splice.
        for text in ["Putin", r#"x","entity_id":"e1"#, "a \"b\" \\ c", "Мр. Путин", "e1\n"] {
            let line = serde_json::to_string(&mention(text, "e1")).unwrap();
            let got = amend.row("mentions", &line).unwrap().expect("e1 is remapped");
            assert_eq!(got, serde_json::to_string(&mention(text, "e9")).unwrap(), "{line}");
            // Not remapped: the row is kept as it is.
            let line = serde_json::to_string(&mention(text, "e2")).unwrap();
            assert_eq!(amend.row("mentions", &line).unwrap(), None, "{line}");
        }
        // An id that needs escaping takes the parsing path and is still written right.
        let line = serde_json::to_string(&mention("Putin", "odd")).unwrap();
        assert_eq!(amend.row("mentions", &line).unwrap().unwrap(), serde_json::to_string(&mention("Putin", "e\"q")).unwrap());
    }

    #[test]
    fn spliced_document_rows_equal_reserialised_ones() {
        let clusters: BTreeMap<String, (String, Option<String>)> = BTreeMap::from([
            ("d1".to_string(), ("c1".to_string(), None)),
            ("d2".to_string(), ("c\"1\\".to_string(), Some("d\u{e9}\n\"1".to_string()))),
        ]);
        let amend = Amendments { clusters: clusters.clone(), entities: None };
        let document = |doc_id: &str, text: &str| {
            let source = pipeline::SourceInfo::in_memory(text, text);
            let row: DocumentRow = serde_json::from_value(serde_json::json!({
                "doc_id": doc_id, "source": source, "outlet": text, "site": null, "title": text, "authors": [text],
                "contributors": [], "dateline": null, "published": null, "published_basis": "unknown", "language": "en",
                "text": text, "raw_text": text, "n_words": 3, "n_sentences": 1, "cluster_id": null, "duplicate_of": null,
            }))
            .unwrap();
            row
        };
        // Texts that hold the cluster keys themselves, quotes and escapes must not fool the splice.
        let texts = ["plain", r#"x","cluster_id":null,"duplicate_of":null}"#, r#","cluster_id":null,"duplicate_of":null}"#, "a \"b\" \\", "\\", "Мы \n «тут»"];
        let mut spliced = 0;
        for text in texts {
            for doc_id in ["d1", "d2", "d3", "d\"1"] {
                let line = serde_json::to_string(&document(doc_id, text)).unwrap();
                let want = amend_document_parsed(&line, &clusters).unwrap();
                if let Some((cluster, dup_of)) = clusters.get(doc_id) {
                    let got = splice_cluster(&line, cluster, dup_of.as_deref()).expect("a spooled row ends with null clusters");
                    assert_eq!(Some(got), want, "{line}");
                    spliced += 1;
                }
                assert_eq!(amend.row("documents", &line).unwrap(), want, "{line}");
            }
        }
        assert_eq!(spliced, texts.len() * 2);
        // A row whose cluster fields are already set is not spliced.
        let mut row = document("d1", "x");
        row.cluster_id = Some("c0".into());
        assert_eq!(splice_cluster(&serde_json::to_string(&row).unwrap(), "c1", None), None);
    }

    #[test]
    fn spliced_quote_rows_equal_reserialised_ones() {
        let entity = |id: &str, name: &str| EntityRow {
            entity_id: id.into(),
            label: EntityLabel::PER,
            name: name.into(),
            aliases: Vec::new(),
            roles: Vec::new(),
            n_docs: 1,
            n_mentions: 1,
        };
        let remap = [("e1", "e9"), ("e2", "e8"), ("odd", "e\"q")].iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        // Sorted by entity_id, as linking gives them; e8 has no row, so its speaker stays as written.
        let entities = vec![entity("e3", "Dmitry S. Peskov"), entity("e9", "Vladimir \"V.\" Putin\\ Путин")];
        let amend = Amendments { clusters: BTreeMap::new(), entities: Some(annotate::entities::EntityResolution { remap, entities }) };
        let res = amend.entities.as_ref().unwrap();
        let quote = |text: &str, speaker: Option<&str>, id: Option<&str>| QuoteRow {
            doc_id: "d1".into(),
            quote_id: "d1-q0-5".into(),
            start: 0,
            end: 5,
            text: text.into(),
            speaker: speaker.map(Into::into),
            speaker_entity_id: id.map(Into::into),
            speaker_kind: SpeakerKind::PER,
            speaker_start: Some(9),
            speaker_end: None,
            cue: Some("said".into()),
            cue_start: None,
            cue_end: None,
            rule: "said_after".into(),
        };
        // Texts and speakers that hold the keys themselves, quotes and escapes must not fool it.
        let texts = ["We have serious doubts", r#"x","speaker":"e1","speaker_entity_id":"e1"#, "a \"b\" \\", "\\", "Мы \n «тут»"];
        let speakers = [None, Some("Putin"), Some(r#"Mr. "P""#), Some("\\"), Some(r#","speaker_entity_id":"e2"#)];
        let ids = [None, Some("e1"), Some("e2"), Some("e3"), Some("e7"), Some("odd")];
        let mut spliced = 0;
        for text in texts {
            for speaker in speakers {
                for id in ids {
                    let line = serde_json::to_string(&quote(text, speaker, id)).unwrap();
                    let want = amend_quote_parsed(&line, res).unwrap().unwrap_or_else(|| line.clone());
                    if let Some(got) = splice_speaker(&line, res) {
                        spliced += 1;
                        assert_eq!(got.unwrap_or_else(|| line.clone()), want, "{line}");
                    }
                    let got = amend.row("quotes", &line).unwrap().unwrap_or_else(|| line.clone());
                    assert_eq!(got, want, "{line}");
                }
            }
        }
        // Only the id that needs escaping takes the parsing path.
        assert_eq!(spliced, texts.len() * speakers.len() * (ids.len() - 1));
    }
}
