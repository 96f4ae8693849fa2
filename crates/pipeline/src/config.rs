//! pipeline.toml, typed. Every key and its default is defined here and only here: the doc comment
//! on each field is what `runner stages` prints, and `Default` is the value a missing key takes.
//! Unknown keys, unknown stage or step names and wrong types are errors at load time, with the
//! line and the valid choices (serde's `deny_unknown_fields` and enum variants do that for us).

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::ConfigError;

/// The whole pipeline.toml.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub pipeline: PipelineConfig,
    pub ingest: IngestConfig,
    pub normalise: NormaliseConfig,
    pub annotate: AnnotateConfig,
    pub export: ExportConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageName {
    Ingest,
    Normalise,
    Annotate,
    Export,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PipelineConfig {
    /// Stages to run, in order. Drop one to skip it; `ingest` must come first.
    pub stages: Vec<StageName>,
}

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig {
            stages: vec![StageName::Ingest, StageName::Normalise, StageName::Annotate, StageName::Export],
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ingest

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct IngestConfig {
    /// Files or folders to read, relative to the folder the command runs in. Folders are walked
    /// recursively in sorted order; hidden files and README.md files are skipped.
    pub paths: Vec<PathBuf>,
    /// Files larger than this many bytes are rejected (error_kind `too_large`) without being read.
    pub max_file_bytes: u64,
    /// A single line longer than this many bytes is rejected (`line_too_long`): no article has one.
    pub max_line_bytes: u64,
    /// Language to record for every document (ISO 639-1). Presswork's models are English.
    pub language: String,
    pub jsonl: JsonlConfig,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            paths: vec![PathBuf::from("corpus")],
            max_file_bytes: 64 * 1024 * 1024,
            max_line_bytes: 4 * 1024 * 1024,
            language: "en".into(),
            jsonl: JsonlConfig::default(),
        }
    }
}

/// Field names of JSONL records (`.jsonl`, `.jsonl.gz`, `.ndjson`). Only `text_field` is required
/// in a record; the others are read when present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct JsonlConfig {
    pub text_field: String,
    pub id_field: String,
    pub title_field: String,
    pub date_field: String,
    pub outlet_field: String,
    pub authors_field: String,
    pub url_field: String,
}

impl Default for JsonlConfig {
    fn default() -> Self {
        JsonlConfig {
            text_field: "text".into(),
            id_field: "id".into(),
            title_field: "title".into(),
            date_field: "date".into(),
            outlet_field: "outlet".into(),
            authors_field: "authors".into(),
            url_field: "url".into(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// normalise

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NormaliseStep {
    Unicode,
    Whitespace,
    Typography,
    MtArtifacts,
    Boilerplate,
    DedupeBlocks,
    DedupeDocuments,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct NormaliseConfig {
    /// Normalise steps to run, in order.
    pub steps: Vec<NormaliseStep>,
    pub boilerplate: BoilerplateConfig,
    pub mt_artifacts: MtArtifactsConfig,
    pub dedupe_documents: DedupeDocumentsConfig,
}

impl Default for NormaliseConfig {
    fn default() -> Self {
        use NormaliseStep::*;
        NormaliseConfig {
            steps: vec![Unicode, Whitespace, Typography, MtArtifacts, Boilerplate, DedupeBlocks, DedupeDocuments],
            boilerplate: BoilerplateConfig::default(),
            mt_artifacts: MtArtifactsConfig::default(),
            dedupe_documents: DedupeDocumentsConfig::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct BoilerplateConfig {
    /// Extra rules files (TOML, same shape as the built-in rules) with outlet-specific patterns,
    /// added to the built-in ones. Paths are relative to the folder the command runs in.
    pub rules_files: Vec<PathBuf>,
    /// A line that recurs in at least this many documents of the same outlet is boilerplate.
    pub min_outlet_docs: usize,
}

impl Default for BoilerplateConfig {
    fn default() -> Self {
        BoilerplateConfig { rules_files: Vec::new(), min_outlet_docs: 2 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct MtArtifactsConfig {
    /// Only flag machine-translation artifacts in edits.jsonl; never change the text.
    pub flag_only: bool,
}

impl Default for MtArtifactsConfig {
    fn default() -> Self {
        MtArtifactsConfig { flag_only: false }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DedupeDocumentsConfig {
    /// Estimated Jaccard similarity of word shingles at or above which two documents are near
    /// duplicates (0 to 1).
    pub threshold: f64,
    /// Words per shingle.
    pub shingle_words: usize,
    /// MinHash permutations per signature (must be a multiple of `bands`).
    pub num_hashes: usize,
    /// LSH bands; rows per band = num_hashes / bands. Two documents become candidates with
    /// probability 1 - (1 - J^rows)^bands at Jaccard similarity J: 16 bands of 8 rows put the
    /// curve's midpoint near 0.7, just under the threshold, so pairs far below it (documents that
    /// merely share sentences) are rarely compared; 32 bands of 4 compared ~16 M such pairs on a
    /// 1 GB generated corpus.
    pub bands: usize,
}

impl Default for DedupeDocumentsConfig {
    fn default() -> Self {
        DedupeDocumentsConfig { threshold: 0.8, shingle_words: 5, num_hashes: 128, bands: 16 }
    }
}

// ---------------------------------------------------------------------------------------------
// annotate

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnnotateStep {
    Sentences,
    Entities,
    Quotes,
    Dates,
    Quantities,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AnnotateConfig {
    /// Annotate steps to run, in order. `quotes` uses entities and sentences when they ran.
    pub steps: Vec<AnnotateStep>,
    pub entities: EntitiesConfig,
}

impl Default for AnnotateConfig {
    fn default() -> Self {
        use AnnotateStep::*;
        AnnotateConfig { steps: vec![Sentences, Entities, Quotes, Dates, Quantities], entities: EntitiesConfig::default() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct EntitiesConfig {
    /// A tagger model file to use instead of the one built into the binary.
    pub model: Option<PathBuf>,
}

impl Default for EntitiesConfig {
    fn default() -> Self {
        EntitiesConfig { model: None }
    }
}

// ---------------------------------------------------------------------------------------------
// export

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ExportConfig {
    /// Output folder, relative to the folder the command runs in. Replaced atomically per run.
    pub dir: PathBuf,
    /// Compression of the JSONL datasets (`none`, `gzip` -> .jsonl.gz, `zstd` -> .jsonl.zst).
    pub compression: Compression,
    /// Pretty-print manifest.json.
    pub pretty_manifest: bool,
    /// Write report.html: the run at a glance for a browser (documents per outlet, what normalise
    /// removed and repaired, top entities, quotes by speaker, a timeline of dates), self-contained.
    pub report: bool,
}

impl Default for ExportConfig {
    fn default() -> Self {
        ExportConfig { dir: PathBuf::from("out"), compression: Compression::None, pretty_manifest: true, report: true }
    }
}

// ---------------------------------------------------------------------------------------------
// loading

impl Config {
    /// Reads and validates a pipeline.toml.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let src = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
        Config::parse(&src, path)
    }

    /// Parses and validates config text; `path` is only used in messages.
    pub fn parse(src: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(src)
            .map_err(|e| ConfigError::Parse { path: path.to_path_buf(), message: e.to_string() })?;
        config.validate(src, path)?;
        Ok(config)
    }

    fn validate(&self, src: &str, path: &Path) -> Result<(), ConfigError> {
        let invalid = |table: &str, key: &str, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            line: line_of_key(src, table, key),
            key: if table.is_empty() { key.to_string() } else { format!("{table}.{key}") },
            message,
        };
        let stages = &self.pipeline.stages;
        if stages.first() != Some(&StageName::Ingest) {
            return Err(invalid("pipeline", "stages", "must start with \"ingest\": nothing else has documents to work on".into()));
        }
        if let Some(dup) = first_duplicate(stages) {
            return Err(invalid("pipeline", "stages", format!("stage {dup:?} is listed twice")));
        }
        // Annotations point into the clean text, so they must come after normalise changes it,
        // and export writes what the stages before it made.
        if !stages.windows(2).all(|w| w[0] < w[1]) {
            return Err(invalid(
                "pipeline",
                "stages",
                "stages run in the order ingest, normalise, annotate, export (any of the last three may be dropped)".into(),
            ));
        }
        if let Some(dup) = first_duplicate(&self.normalise.steps) {
            return Err(invalid("normalise", "steps", format!("step {dup:?} is listed twice")));
        }
        if let Some(dup) = first_duplicate(&self.annotate.steps) {
            return Err(invalid("annotate", "steps", format!("step {dup:?} is listed twice")));
        }
        if self.ingest.paths.is_empty() {
            return Err(invalid("ingest", "paths", "name at least one file or folder to read".into()));
        }
        if self.ingest.max_file_bytes == 0 {
            return Err(invalid("ingest", "max_file_bytes", "must be greater than 0".into()));
        }
        if self.ingest.jsonl.text_field.is_empty() {
            return Err(invalid("ingest.jsonl", "text_field", "must not be empty".into()));
        }
        let d = &self.normalise.dedupe_documents;
        if !(d.threshold > 0.0 && d.threshold <= 1.0) {
            return Err(invalid("normalise.dedupe_documents", "threshold", format!("{} is not in (0, 1]", d.threshold)));
        }
        if d.shingle_words == 0 {
            return Err(invalid("normalise.dedupe_documents", "shingle_words", "must be at least 1".into()));
        }
        if d.bands == 0 || d.num_hashes == 0 || d.num_hashes % d.bands != 0 {
            return Err(invalid(
                "normalise.dedupe_documents",
                "bands",
                format!("num_hashes ({}) must be a positive multiple of bands ({})", d.num_hashes, d.bands),
            ));
        }
        if self.normalise.boilerplate.min_outlet_docs < 2 {
            return Err(invalid("normalise.boilerplate", "min_outlet_docs", "must be at least 2: a line in one document is not a repetition".into()));
        }
        if self.export.dir.as_os_str().is_empty() {
            return Err(invalid("export", "dir", "must not be empty".into()));
        }
        Ok(())
    }

    pub fn runs(&self, stage: StageName) -> bool {
        self.pipeline.stages.contains(&stage)
    }
}

fn first_duplicate<T: PartialEq + Copy>(items: &[T]) -> Option<T> {
    items.iter().enumerate().find(|(i, x)| items[..*i].contains(x)).map(|(_, x)| *x)
}

/// 1-based line of `key` inside `[table]` in TOML source (or of the table header, or 1), so a
/// validation error can point at the line to fix.
pub fn line_of_key(src: &str, table: &str, key: &str) -> usize {
    let mut current = String::new();
    let mut table_line = None;
    for (i, line) in src.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') && t.ends_with(']') {
            current = t.trim_matches(|c| c == '[' || c == ']').trim().to_string();
            if current == table {
                table_line = Some(i + 1);
            }
            continue;
        }
        let dotted = format!("{table}.{key}");
        let k = t.split('=').next().unwrap_or("").trim();
        if (current == table && k == key) || (current.is_empty() && k == dotted) {
            return i + 1;
        }
    }
    table_line.unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Config, ConfigError> {
        Config::parse(s, Path::new("pipeline.toml"))
    }

    #[test]
    fn empty_file_is_the_default_pipeline() {
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn shipped_shape_parses() {
        let c = parse(
            r#"
[pipeline]
stages = ["ingest", "normalise", "annotate", "export"]
[ingest]
paths = ["corpus"]
[normalise]
steps = ["unicode", "whitespace", "typography", "mt_artifacts", "boilerplate", "dedupe_blocks", "dedupe_documents"]
[normalise.dedupe_documents]
threshold = 0.7
[annotate]
steps = ["sentences", "entities", "quotes", "dates", "quantities"]
[export]
dir = "out"
"#,
        )
        .unwrap();
        assert_eq!(c.normalise.dedupe_documents.threshold, 0.7);
        assert_eq!(c.normalise.dedupe_documents.bands, 16);
    }

    #[test]
    fn unknown_step_names_the_line_and_choices() {
        let e = parse("[normalise]\nsteps = [\"unicode\", \"spellcheck\"]\n").unwrap_err().to_string();
        assert!(e.contains("pipeline.toml"), "{e}");
        assert!(e.contains("line 2"), "{e}");
        assert!(e.contains("spellcheck") && e.contains("mt_artifacts"), "{e}");
    }

    #[test]
    fn unknown_key_is_an_error() {
        let e = parse("[export]\ndir = \"out\"\ndirr = \"x\"\n").unwrap_err().to_string();
        assert!(e.contains("dirr") && e.contains("line 3"), "{e}");
    }

    #[test]
    fn bad_value_points_at_its_line() {
        let e = parse("[normalise]\n\n[normalise.dedupe_documents]\nthreshold = 1.5\n").unwrap_err();
        match e {
            ConfigError::Invalid { line, key, .. } => {
                assert_eq!(line, 4);
                assert_eq!(key, "normalise.dedupe_documents.threshold");
            }
            other => panic!("{other}"),
        }
        assert!(parse("[pipeline]\nstages = [\"annotate\"]\n").is_err());
        assert!(parse("[pipeline]\nstages = [\"ingest\", \"ingest\"]\n").is_err());
        assert!(parse("[pipeline]\nstages = [\"ingest\", \"annotate\", \"normalise\"]\n").is_err());
        assert!(parse("[pipeline]\nstages = [\"ingest\", \"annotate\", \"export\"]\n").is_ok());
    }
}
