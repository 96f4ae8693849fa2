//! The document that flows through the stages.

use crate::records::*;
use crate::text::{CharMap, count_words};

/// What an article says about itself, as ingest read it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub outlet: Option<String>,
    pub site: Option<String>,
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub contributors: Vec<String>,
    pub dateline: Option<String>,
    /// ISO date (YYYY-MM-DD).
    pub published: Option<String>,
    pub published_basis: Option<PublishedBasis>,
    pub language: Option<String>,
    /// Raw lines ingest recognised while reading metadata (title, byline, masthead, source and
    /// copyright lines, contributor credits), so normalise can classify them without guessing again.
    pub line_roles: Vec<LineRole>,
}

/// What ingest found one raw line to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRole {
    /// 0-based index of the line in `raw_text` split on '\n'.
    pub line: usize,
    pub kind: BlockKind,
    /// Which metadata rule recognised it ("title_first_line", "byline", ...).
    pub rule: String,
}

/// One article on its way through the pipeline.
///
/// Ingest fills `source`, `raw_text`, `meta` and sets `text = raw_text`; normalise replaces
/// `text` with the clean text and records `blocks` and `edits`; annotate adds span rows over
/// `text`. Rows carry their `doc_id` so export writes them as they are.
#[derive(Debug, Clone)]
pub struct Document {
    pub doc_id: String,
    pub source: SourceInfo,
    pub raw_text: String,
    pub meta: Metadata,
    /// The current text: raw until normalise runs, clean after.
    pub text: String,
    /// Paragraphs of `text` as code-point ranges, in order. Normalise sets them; without normalise
    /// they are the blank-line-separated runs of `text`.
    pub paragraphs: Vec<(usize, usize)>,
    pub blocks: Vec<BlockRow>,
    pub edits: Vec<EditRow>,
    pub sentences: Vec<SentenceRow>,
    pub mentions: Vec<MentionRow>,
    pub quotes: Vec<QuoteRow>,
    pub dates: Vec<DateRow>,
    pub quantities: Vec<QuantityRow>,
    /// Problems that did not stop the document (a guessed encoding, a truncated field).
    pub warnings: Vec<String>,
}

impl Document {
    pub fn new(doc_id: String, source: SourceInfo, raw_text: String, meta: Metadata) -> Self {
        let text = raw_text.clone();
        let paragraphs = paragraphs_of(&text);
        Document {
            doc_id,
            source,
            raw_text,
            meta,
            text,
            paragraphs,
            blocks: Vec::new(),
            edits: Vec::new(),
            sentences: Vec::new(),
            mentions: Vec::new(),
            quotes: Vec::new(),
            dates: Vec::new(),
            quantities: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Replaces the text and recomputes paragraphs from blank lines.
    pub fn set_text(&mut self, text: String) {
        self.paragraphs = paragraphs_of(&text);
        self.text = text;
    }

    /// Index of the paragraph that contains code point `pos` (the last one before it otherwise).
    pub fn paragraph_index(&self, pos: usize) -> usize {
        match self.paragraphs.binary_search_by(|&(s, _)| s.cmp(&pos)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The documents.jsonl row; `cluster` holds (cluster_id, duplicate_of) from corpus dedupe.
    pub fn to_row(&self, cluster: Option<(String, Option<String>)>) -> DocumentRow {
        let (cluster_id, duplicate_of) = match cluster {
            Some((c, d)) => (Some(c), d),
            None => (None, None),
        };
        DocumentRow {
            doc_id: self.doc_id.clone(),
            source: self.source.clone(),
            outlet: self.meta.outlet.clone(),
            site: self.meta.site.clone(),
            title: self.meta.title.clone(),
            authors: self.meta.authors.clone(),
            contributors: self.meta.contributors.clone(),
            dateline: self.meta.dateline.clone(),
            published: self.meta.published.clone(),
            published_basis: self.meta.published_basis.unwrap_or(PublishedBasis::Unknown),
            language: self.meta.language.clone(),
            text: self.text.clone(),
            raw_text: self.raw_text.clone(),
            n_words: count_words(&self.text),
            n_sentences: self.sentences.len(),
            cluster_id,
            duplicate_of,
        }
    }

    /// Removes every span row whose offsets do not select exactly its text, and says which: a
    /// step's bug must not put a wrong offset in front of a user, nor cost the whole document.
    pub fn retain_valid_spans(&mut self) -> Vec<String> {
        let clean = CharMap::new(&self.text);
        let raw = CharMap::new(&self.raw_text);
        let mut problems = Vec::new();
        let ok = |map: &CharMap, text: &str, s: usize, e: usize, want: &str| {
            s <= e && e <= map.len_chars() && &text[map.byte_of(s)..map.byte_of(e)] == want
        };
        macro_rules! retain {
            ($rows:expr, $what:literal, $map:expr, $text:expr, $s:ident, $e:ident, $t:ident) => {{
                let before = $rows.len();
                $rows.retain(|r| ok($map, $text, r.$s, r.$e, &r.$t));
                if $rows.len() != before {
                    problems.push(format!("{}: dropped {} {} rows with wrong offsets", self.doc_id, before - $rows.len(), $what));
                }
            }};
        }
        // Borrowed field by field (the rows change, the texts do not), so no copy is needed.
        let (text, raw_text) = (&self.text, &self.raw_text);
        retain!(self.sentences, "sentence", &clean, text, start, end, text);
        retain!(self.mentions, "mention", &clean, text, start, end, text);
        retain!(self.quotes, "quote", &clean, text, start, end, text);
        retain!(self.dates, "date", &clean, text, start, end, text);
        retain!(self.quantities, "quantity", &clean, text, start, end, text);
        retain!(self.blocks, "block", &raw, raw_text, raw_start, raw_end, text);
        retain!(self.edits, "edit", &raw, raw_text, raw_start, raw_end, before);
        problems
    }

    /// Checks that every span row's offsets select exactly its text; returns the first mismatch.
    /// Steps call it in tests; the runner calls it on every document before export.
    pub fn check_spans(&self) -> Result<(), String> {
        let clean = CharMap::new(&self.text);
        let raw = CharMap::new(&self.raw_text);
        let check = |what: &str, map: &CharMap, text: &str, s: usize, e: usize, want: &str| {
            if s > e || e > map.len_chars() {
                return Err(format!("{what} {s}..{e} out of bounds ({} chars)", map.len_chars()));
            }
            let got = &text[map.byte_of(s)..map.byte_of(e)];
            if got != want {
                return Err(format!("{what} {s}..{e} selects {got:?}, row says {want:?}"));
            }
            Ok(())
        };
        for r in &self.sentences {
            check("sentence", &clean, &self.text, r.start, r.end, &r.text)?;
        }
        for r in &self.mentions {
            check("mention", &clean, &self.text, r.start, r.end, &r.text)?;
        }
        for r in &self.quotes {
            check("quote", &clean, &self.text, r.start, r.end, &r.text)?;
        }
        for r in &self.dates {
            check("date", &clean, &self.text, r.start, r.end, &r.text)?;
        }
        for r in &self.quantities {
            check("quantity", &clean, &self.text, r.start, r.end, &r.text)?;
        }
        for r in &self.blocks {
            check("block", &raw, &self.raw_text, r.raw_start, r.raw_end, &r.text)?;
        }
        for r in &self.edits {
            check("edit", &raw, &self.raw_text, r.raw_start, r.raw_end, &r.before)?;
        }
        Ok(())
    }
}

/// Code-point ranges of the runs of non-blank lines, trimmed of surrounding whitespace.
pub fn paragraphs_of(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut char_pos = 0usize;
    let mut para: Option<(usize, usize)> = None;
    for line in text.split_inclusive('\n') {
        // Lengths in code points; in an ASCII line (most of them) that is bytes.
        let ascii = line.is_ascii();
        let count = |s: &str| if ascii { s.len() } else { s.chars().count() };
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if let Some(p) = para.take() {
                out.push(p);
            }
            char_pos += count(line);
        } else {
            // The line is its leading whitespace, its content and its trailing whitespace: each
            // part is counted once.
            let lead_bytes = line.len() - line.trim_start().len();
            let lead = count(&line[..lead_bytes]);
            let content = count(trimmed);
            let trail = count(&line[lead_bytes + trimmed.len()..]);
            let s = char_pos + lead;
            let e = s + content;
            para = Some(match para {
                Some((ps, _)) => (ps, e),
                None => (s, e),
            });
            char_pos = e + trail;
        }
    }
    if let Some(p) = para {
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src() -> SourceInfo {
        SourceInfo::in_memory("x.txt", "")
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        let t = "Title\n\n  First para\nstill first.\n\n\n“Second” — para.\n";
        let p = paragraphs_of(t);
        assert_eq!(p.len(), 3);
        let chars: Vec<char> = t.chars().collect();
        let s = |r: (usize, usize)| chars[r.0..r.1].iter().collect::<String>();
        assert_eq!(s(p[0]), "Title");
        assert_eq!(s(p[1]), "First para\nstill first.");
        assert_eq!(s(p[2]), "“Second” — para.");
    }

    #[test]
    fn paragraph_offsets_are_code_points() {
        // Counted char by char, the obvious way.
        fn reference(text: &str) -> Vec<(usize, usize)> {
            let (mut out, mut pos, mut para) = (Vec::new(), 0, None);
            for line in text.split_inclusive('\n') {
                if line.trim().is_empty() {
                    out.extend(para.take());
                } else {
                    let s = pos + line.chars().take_while(|c| c.is_whitespace()).count();
                    let e = s + line.trim().chars().count();
                    para = Some((para.map_or(s, |(ps, _)| ps), e));
                }
                pos += line.chars().count();
            }
            out.extend(para);
            out
        }
        for t in ["", "\n", "a", " \u{a0}“Кремль” said\u{2003} \n\n\t😀 b\r\n c\n \n", "x\n\n\n  y  \nz", "é\n\u{a0}\n é"] {
            assert_eq!(paragraphs_of(t), reference(t), "{t:?}");
        }
    }

    #[test]
    fn check_spans_catches_bad_offsets() {
        let mut d = Document::new("d1".into(), src(), "Кремль said.".into(), Metadata::default());
        d.sentences.push(SentenceRow {
            doc_id: "d1".into(),
            sent_index: 0,
            paragraph_index: 0,
            start: 0,
            end: 6,
            text: "Кремль".into(),
        });
        assert!(d.check_spans().is_ok());
        d.sentences[0].end = 7;
        assert!(d.check_spans().is_err());
        let problems = d.retain_valid_spans();
        assert_eq!(problems.len(), 1);
        assert!(d.sentences.is_empty() && d.check_spans().is_ok());
        assert_eq!(d.paragraph_index(3), 0);
    }
}
