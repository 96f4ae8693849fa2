//! Dataset rows, one type per file of `DESIGN.md`. Field names and meanings are the contract with
//! users' notebooks: change them only together with DESIGN.md.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a document came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SourceInfo {
    /// Path of the input file as given on the command line or in `[ingest] paths`, `/`-separated.
    pub path: String,
    /// Input format: `text`, `html` or `jsonl`.
    pub format: SourceFormat,
    /// SHA-256 of the whole input file's bytes.
    pub sha256: String,
    /// Size of the input file in bytes.
    pub bytes: u64,
    /// For multi-record files (JSONL): the record's 1-based line number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Text encoding the bytes were decoded from (`UTF-8`, `UTF-16LE`, `windows-1252`, ...).
    pub encoding: String,
}

impl SourceInfo {
    /// A plain-text source that is not a file on disk (tests, evaluations, examples, fuzzing):
    /// `bytes` and `sha256` describe `text`.
    pub fn in_memory(path: impl ToString, text: &str) -> SourceInfo {
        SourceInfo {
            path: path.to_string(),
            format: SourceFormat::Text,
            sha256: crate::ids::sha256_hex(text.as_bytes()),
            bytes: text.len() as u64,
            line: None,
            encoding: "UTF-8".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Text,
    Html,
    Jsonl,
}

/// How `published` was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublishedBasis {
    /// A date line or byline of the article states it ("By Ben Aris in Berlin December 8, 2021").
    Explicit,
    /// The page's or record's own metadata (HTML meta tags, a JSONL date field).
    Metadata,
    /// Inferred from weekday references against dated events mentioned in the text.
    InferredWeekday,
    /// Inferred from the date of a photo caption.
    InferredCaption,
    /// Nothing in the article says; `published` is null.
    Unknown,
}

/// documents.jsonl: one row per document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DocumentRow {
    pub doc_id: String,
    pub source: SourceInfo,
    /// The publication as a reader knows it ("The Washington Post", "Associated Press").
    pub outlet: Option<String>,
    /// The outlet's web site, where the article names it ("washingtonpost.com").
    pub site: Option<String>,
    pub title: Option<String>,
    pub authors: Vec<String>,
    /// People credited at the end ("... contributed to this report", "... reported from Moscow").
    pub contributors: Vec<String>,
    /// The place line that opens the story ("MOSCOW", "WILMINGTON, Del.").
    pub dateline: Option<String>,
    /// Publication date, ISO 8601 (YYYY-MM-DD), or null when nothing says.
    pub published: Option<String>,
    pub published_basis: PublishedBasis,
    /// ISO 639-1 code of the text's language, where known.
    pub language: Option<String>,
    /// Clean text: the kept body and heading blocks after repairs. All `start`/`end` point here.
    pub text: String,
    /// The decoded input text before any change. All `raw_start`/`raw_end` point here.
    pub raw_text: String,
    pub n_words: usize,
    pub n_sentences: usize,
    /// Near-duplicate cluster this document belongs to (null when it has no near duplicate).
    pub cluster_id: Option<String>,
    /// The cluster's representative, when this document is not it.
    pub duplicate_of: Option<String>,
}

/// What a raw line or block of an article is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Title,
    Subtitle,
    Byline,
    Dateline,
    Body,
    Heading,
    Caption,
    Credit,
    Masthead,
    RelatedLink,
    Widget,
    Copyright,
    Source,
    Duplicate,
    Blank,
    Other,
}

impl BlockKind {
    /// Only body text and real section headings go into the clean text.
    pub fn is_kept(self) -> bool {
        matches!(self, BlockKind::Body | BlockKind::Heading)
    }
}

/// blocks.jsonl: one row per raw line/block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlockRow {
    pub doc_id: String,
    pub index: usize,
    pub raw_start: usize,
    pub raw_end: usize,
    pub kind: BlockKind,
    pub kept: bool,
    /// The rule that decided the kind (so a user can audit and undo it).
    pub rule: String,
    /// The raw text of the block.
    pub text: String,
}

/// Whether an edit changed the text or only flags a suspicious spot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EditKind {
    /// The text was changed from `before` to `after`.
    Repair,
    /// Left as is, because a change would not be safe; `after` is the suggestion.
    Flag,
}

/// edits.jsonl: one row per text repair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EditRow {
    pub doc_id: String,
    pub rule: String,
    pub kind: EditKind,
    pub raw_start: usize,
    pub raw_end: usize,
    pub before: String,
    pub after: String,
}

/// sentences.jsonl
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SentenceRow {
    pub doc_id: String,
    pub sent_index: usize,
    pub paragraph_index: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub enum EntityLabel {
    PER,
    ORG,
    LOC,
    MISC,
}

impl EntityLabel {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityLabel::PER => "PER",
            EntityLabel::ORG => "ORG",
            EntityLabel::LOC => "LOC",
            EntityLabel::MISC => "MISC",
        }
    }
}

/// mentions.jsonl
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MentionRow {
    pub doc_id: String,
    pub mention_id: String,
    pub sent_index: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: EntityLabel,
    pub entity_id: String,
}

/// entities.jsonl: one canonical entity across the corpus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EntityRow {
    pub entity_id: String,
    pub label: EntityLabel,
    /// Canonical name: the fullest form seen, without titles or honorifics ("Vladimir Putin").
    pub name: String,
    /// Every surface form seen, sorted.
    pub aliases: Vec<String>,
    /// Roles or titles seen with the name ("Kremlin spokesman"), sorted.
    pub roles: Vec<String>,
    pub n_docs: usize,
    pub n_mentions: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SpeakerKind {
    PER,
    ORG,
    ANON,
    UNKNOWN,
}

/// quotes.jsonl
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct QuoteRow {
    pub doc_id: String,
    pub quote_id: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Canonical name of the speaker's entity, or for ANON the descriptor as written.
    pub speaker: Option<String>,
    pub speaker_entity_id: Option<String>,
    pub speaker_kind: SpeakerKind,
    /// The mention the attribution rests on (a pronoun included).
    pub speaker_start: Option<usize>,
    pub speaker_end: Option<usize>,
    /// The attribution verb or phrase ("said", "according to").
    pub cue: Option<String>,
    pub cue_start: Option<usize>,
    pub cue_end: Option<usize>,
    pub rule: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    Day,
    Week,
    Month,
    Season,
    Quarter,
    Year,
    Decade,
    Century,
    Time,
    Duration,
    Set,
}

/// dates.jsonl
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DateRow {
    pub doc_id: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// ISO 8601 / TIMEX3 value (2021-12-30, 2022-01, 2021-W49, 2014); null when unresolvable.
    pub value: Option<String>,
    pub granularity: Granularity,
    /// The date the value was resolved against (publication date), null for absolute dates.
    pub anchor: Option<String>,
    pub rule: String,
}

/// quantities.jsonl
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct QuantityRow {
    pub doc_id: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub value: f64,
    /// The counted noun or unit ("troops", "minutes", "percent", "USD").
    pub unit: Option<String>,
    pub approximate: bool,
}

/// duplicates.jsonl: one near-duplicate cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DuplicateRow {
    pub cluster_id: String,
    pub doc_ids: Vec<String>,
    pub representative: String,
    /// Lowest estimated Jaccard similarity between the representative and a member.
    pub similarity: f64,
}

/// rejects.jsonl: one input that was not processed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RejectRow {
    pub path: String,
    pub error_kind: String,
    pub message: String,
}
