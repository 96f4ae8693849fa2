//! Reads one input file into documents: plain text (one document), an HTML page (one document
//! whose `raw_text` is the extracted article text, see [`crate::html`]) or a JSONL file (one
//! document per record, each bad record its own reject row while the good ones go on).

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;

use pipeline::config::{IngestConfig, JsonlConfig};
use pipeline::ids::{doc_id, sha256_hex};
use pipeline::{Document, Metadata, PublishedBasis, RejectRow, SourceFormat, SourceInfo};
use serde_json::Value;

use crate::decode::{decode, html_declared_charset, Decoded};
use crate::discover::InputFile;
use crate::error::IngestError;
use crate::fields::{author_names, fill_missing, iso_date, site_of_url};
use crate::{html, metadata};

/// Reads `file` into documents or reject rows (a JSONL file yields one per record). Never panics
/// and never reads more than `cfg.max_file_bytes` of a file.
pub fn read_input(file: &InputFile, cfg: &IngestConfig) -> Vec<Result<Document, RejectRow>> {
    let raw = match read_bytes(file, cfg.max_file_bytes, Hash::Sha256) {
        Ok(r) => r,
        Err(e) => return vec![Err(e.to_reject())],
    };
    let one = |r: Result<Document, IngestError>| vec![r.map_err(|e| e.to_reject())];
    match file.format {
        SourceFormat::Text => one(text_document(file, &raw, cfg)),
        SourceFormat::Html => one(html_document(file, &raw, cfg)),
        SourceFormat::Jsonl => jsonl_documents(file, &raw, cfg).into_iter().map(|r| r.map_err(|e| e.to_reject())).collect(),
    }
}

/// What the survey pass needs of an input: its documents, each with the date summary of its text
/// that collection-level dating uses ([`metadata::collection::date_collection`]). For plain text
/// the summary comes from the same reading of the text that fills the metadata, so the survey
/// reads each article's metadata once. The survey never looks at `source.sha256`: it is left
/// empty here, so each input is hashed once, by [`read_input`].
pub fn survey_input(
    file: &InputFile,
    cfg: &IngestConfig,
) -> Vec<Result<(Document, metadata::collection::DateSummary), RejectRow>> {
    let raw = match read_bytes(file, cfg.max_file_bytes, Hash::Skip) {
        Ok(r) => r,
        Err(e) => return vec![Err(e.to_reject())],
    };
    let summarised = |doc: Document| {
        let (_, summary) = metadata::from_text_with_summary(&doc.raw_text, &metadata::MetadataHints::default());
        (doc, summary)
    };
    match file.format {
        SourceFormat::Text => vec![text_document_with_summary(file, &raw, cfg).map_err(|e| e.to_reject())],
        SourceFormat::Html => vec![html_document(file, &raw, cfg).map(summarised).map_err(|e| e.to_reject())],
        SourceFormat::Jsonl => {
            jsonl_documents(file, &raw, cfg).into_iter().map(|r| r.map(summarised).map_err(|e| e.to_reject())).collect()
        }
    }
}

/// A file's bytes (decompressed for `.gz`), the SHA-256 and size of the file as stored.
struct RawFile {
    bytes: Vec<u8>,
    /// Empty when read with [`Hash::Skip`].
    sha256: String,
    size: u64,
}

/// Whether [`read_bytes`] computes the file's SHA-256 (the manifest's; a pass over every byte).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hash {
    Sha256,
    Skip,
}

fn read_bytes(file: &InputFile, limit: u64, hash: Hash) -> Result<RawFile, IngestError> {
    let path = || file.display.clone();
    let io = |source: std::io::Error| {
        if source.kind() == std::io::ErrorKind::NotFound {
            IngestError::NotFound { path: file.display.clone() }
        } else {
            IngestError::Io { path: file.display.clone(), source }
        }
    };
    let meta = fs::metadata(&file.path).map_err(io)?;
    if meta.len() > limit {
        return Err(IngestError::TooLarge { path: path(), bytes: meta.len(), limit });
    }
    let mut stored = Vec::with_capacity(meta.len() as usize);
    fs::File::open(&file.path).map_err(io)?.take(limit.saturating_add(1)).read_to_end(&mut stored).map_err(io)?;
    if stored.len() as u64 > limit {
        // The file grew between stat and read.
        return Err(IngestError::TooLarge { path: path(), bytes: stored.len() as u64, limit });
    }
    let sha256 = if hash == Hash::Sha256 { sha256_hex(&stored) } else { String::new() };
    let size = stored.len() as u64;
    let bytes = if file.gzip {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&stored[..])
            .take(limit.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| IngestError::Gzip { path: path(), message: e.to_string() })?;
        if out.len() as u64 > limit {
            return Err(IngestError::TooLarge { path: path(), bytes: out.len() as u64, limit });
        }
        out
    } else {
        stored
    };
    Ok(RawFile { bytes, sha256, size })
}

fn source(file: &InputFile, raw: &RawFile, encoding: &str, line: Option<u64>) -> SourceInfo {
    SourceInfo {
        path: file.display.clone(),
        format: file.format,
        sha256: raw.sha256.clone(),
        bytes: raw.size,
        line,
        encoding: encoding.to_string(),
    }
}

/// Whitespace, BOMs and zero-width characters only.
fn is_blank(s: &str) -> bool {
    s.chars().all(|c| c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}'))
}

fn check_line_lengths(text: &str, path: &str, limit: u64) -> Result<(), IngestError> {
    for (i, line) in text.split('\n').enumerate() {
        if line.len() as u64 > limit {
            return Err(IngestError::LineTooLong { path: path.to_string(), line: i as u64 + 1, bytes: line.len() as u64, limit, record: false });
        }
    }
    Ok(())
}

fn decode_or_reject(file: &InputFile, bytes: &[u8], declared: Option<&'static encoding_rs::Encoding>) -> Result<Decoded, IngestError> {
    decode(bytes, declared).map_err(|what| IngestError::Binary { path: file.display.clone(), what })
}

fn language(cfg: &IngestConfig) -> Option<String> {
    (!cfg.language.trim().is_empty()).then(|| cfg.language.trim().to_string())
}

fn text_document(file: &InputFile, raw: &RawFile, cfg: &IngestConfig) -> Result<Document, IngestError> {
    text_document_read(file, raw, cfg, |text| (metadata::from_text(text), ())).map(|(doc, ())| doc)
}

fn text_document_with_summary(
    file: &InputFile,
    raw: &RawFile,
    cfg: &IngestConfig,
) -> Result<(Document, metadata::collection::DateSummary), IngestError> {
    text_document_read(file, raw, cfg, |text| metadata::from_text_with_summary(text, &metadata::MetadataHints::default()))
}

/// A plain-text document, its metadata read from the text by `read_meta` (which may yield more).
fn text_document_read<T>(
    file: &InputFile,
    raw: &RawFile,
    cfg: &IngestConfig,
    read_meta: impl FnOnce(&str) -> (Metadata, T),
) -> Result<(Document, T), IngestError> {
    let dec = decode_or_reject(file, &raw.bytes, None)?;
    if is_blank(&dec.text) {
        return Err(IngestError::Empty { path: file.display.clone() });
    }
    check_line_lengths(&dec.text, &file.display, cfg.max_line_bytes)?;
    let (mut meta, extra) = read_meta(&dec.text);
    if meta.language.is_none() {
        meta.language = language(cfg);
    }
    let src = source(file, raw, dec.encoding, None);
    let mut doc = Document::new(doc_id(&file.display, None), src, dec.text, meta);
    doc.warnings = dec.warnings;
    Ok((doc, extra))
}

/// An HTML page's document: `raw_text` is the extracted article text (title first, paragraphs
/// separated by blank lines), because the markup itself is not text anyone annotates; the page's
/// own metadata (meta tags, JSON-LD) fills the fields, the text fills what the page does not say.
fn html_document(file: &InputFile, raw: &RawFile, cfg: &IngestConfig) -> Result<Document, IngestError> {
    let dec = decode_or_reject(file, &raw.bytes, html_declared_charset(&raw.bytes))?;
    let page = html::extract_page(&dec.text);
    // A page whose "article" has no letter or digit at all is markup debris, not an article.
    if !page.body.chars().any(char::is_alphanumeric) {
        let detail = page.warnings.iter().map(|w| format!("; {w}")).collect();
        return Err(IngestError::NoArticle { path: file.display.clone(), detail });
    }
    check_line_lengths(&page.text, &file.display, cfg.max_line_bytes)?;
    let mut meta = Metadata {
        outlet: page.site_name.clone(),
        site: page.url.as_deref().and_then(site_of_url),
        title: page.title.clone(),
        authors: page.authors.clone(),
        language: page.language.clone().or_else(|| language(cfg)),
        ..Metadata::default()
    };
    if let Some(d) = page.published.as_deref().and_then(iso_date) {
        meta.published = Some(d);
        meta.published_basis = Some(PublishedBasis::Metadata);
    }
    fill_missing(&mut meta, metadata::from_text(&page.text));
    let src = source(file, raw, dec.encoding, None);
    let mut doc = Document::new(doc_id(&file.display, None), src, page.text, meta);
    doc.warnings = dec.warnings;
    doc.warnings.extend(page.warnings);
    Ok(doc)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn jsonl_documents(file: &InputFile, raw: &RawFile, cfg: &IngestConfig) -> Vec<Result<Document, IngestError>> {
    let dec = match decode_or_reject(file, &raw.bytes, None) {
        Ok(d) => d,
        Err(e) => return vec![Err(e)],
    };
    if is_blank(&dec.text) {
        return vec![Err(IngestError::Empty { path: file.display.clone() })];
    }
    let mut out = Vec::new();
    let mut seen_ids: BTreeMap<String, u64> = BTreeMap::new();
    for (i, line) in dec.text.split('\n').enumerate() {
        let line_no = i as u64 + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if is_blank(line) {
            continue;
        }
        let r = jsonl_record(file, raw, &dec, cfg, line, line_no, &mut seen_ids);
        out.push(r);
    }
    out
}

fn jsonl_record(
    file: &InputFile,
    raw: &RawFile,
    dec: &Decoded,
    cfg: &IngestConfig,
    line: &str,
    line_no: u64,
    seen_ids: &mut BTreeMap<String, u64>,
) -> Result<Document, IngestError> {
    let path = || file.display.clone();
    if line.len() as u64 > cfg.max_line_bytes {
        return Err(IngestError::LineTooLong { path: path(), line: line_no, bytes: line.len() as u64, limit: cfg.max_line_bytes, record: true });
    }
    let value: Value = serde_json::from_str(line).map_err(|e| IngestError::BadJson { path: path(), line: line_no, message: e.to_string() })?;
    let Value::Object(obj) = value else {
        return Err(IngestError::WrongType { path: path(), line: line_no, field: "(record)".into(), expected: "a JSON object", found: type_name(&value) });
    };
    let fields: &JsonlConfig = &cfg.jsonl;
    let wrong = |field: &str, expected: &'static str, v: &Value| IngestError::WrongType {
        path: path(),
        line: line_no,
        field: field.to_string(),
        expected,
        found: type_name(v),
    };
    let text = match obj.get(&fields.text_field) {
        None | Some(Value::Null) => return Err(IngestError::MissingField { path: path(), line: line_no, field: fields.text_field.clone() }),
        Some(Value::String(s)) => s.clone(),
        Some(v) => return Err(wrong(&fields.text_field, "a string", v)),
    };
    if is_blank(&text) {
        return Err(IngestError::Empty { path: format!("{}:{line_no}", file.display) });
    }
    if text.contains('\0') {
        return Err(IngestError::Binary { path: format!("{}:{line_no}", file.display), what: "text field contains NUL characters".into() });
    }
    let id = match obj.get(&fields.id_field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(v) => return Err(wrong(&fields.id_field, "a non-empty string or a number", v)),
    };
    if let Some(id) = &id {
        if let Some(&first_line) = seen_ids.get(id) {
            return Err(IngestError::DuplicateId { path: path(), line: line_no, id: id.clone(), first_line });
        }
        seen_ids.insert(id.clone(), line_no);
    }

    let mut warnings = dec.warnings.clone();
    // Optional fields of the wrong type are ignored with a warning: the article itself is fine.
    let mut string_field = |name: &str| -> Option<String> {
        match obj.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Some(v) => {
                warnings.push(format!("field `{name}` should be a string, found {}; ignored", type_name(v)));
                None
            }
        }
    };
    let title = string_field(&fields.title_field);
    let outlet = string_field(&fields.outlet_field);
    let url = string_field(&fields.url_field);
    let date = string_field(&fields.date_field);
    let mut meta = Metadata { title, outlet, site: url.as_deref().and_then(site_of_url), language: language(cfg), ..Metadata::default() };
    if let Some(a) = obj.get(&fields.authors_field) {
        meta.authors = author_names(a);
    }
    if let Some(d) = date {
        match iso_date(&d) {
            Some(iso) => {
                meta.published = Some(iso);
                meta.published_basis = Some(PublishedBasis::Metadata);
            }
            None => warnings.push(format!("field `{}` {d:?} is not a date I can read; ignored", fields.date_field)),
        }
    }
    fill_missing(&mut meta, metadata::from_text(&text));
    let record = id.unwrap_or_else(|| line_no.to_string());
    let src = source(file, raw, dec.encoding, Some(line_no));
    let mut doc = Document::new(doc_id(&file.display, Some(&record)), src, text, meta);
    doc.warnings = warnings;
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::Path;

    use super::*;
    use crate::discover::discover;

    fn write(dir: &Path, rel: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = dir.join(rel);
        fs::write(&p, bytes).unwrap();
        p
    }

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    /// Reads every file under `dir` and returns the documents and rejects.
    fn read_all(dir: &Path, cfg: &IngestConfig) -> (Vec<Document>, Vec<RejectRow>) {
        let (files, mut rejects) = discover(&[dir.to_path_buf()]);
        let mut docs = Vec::new();
        for f in &files {
            for r in read_input(f, cfg) {
                match r {
                    Ok(d) => docs.push(d),
                    Err(e) => rejects.push(e),
                }
            }
        }
        (docs, rejects)
    }

    fn kind_of(rejects: &[RejectRow], suffix: &str) -> String {
        rejects.iter().find(|r| r.path.ends_with(suffix)).map(|r| r.error_kind.clone()).unwrap_or_else(|| panic!("no reject for {suffix}: {rejects:?}"))
    }

    #[test]
    fn plain_text_keeps_raw_text_exactly() {
        let tmp = tempfile::TempDir::new().unwrap();
        let body = "Biden, Putin hold call\r\n\r\nBy Ann Lee\r\n\r\nMOSCOW — The Kremlin said…\r\n";
        let p = write(tmp.path(), "a.txt", body.as_bytes());
        let file = InputFile { path: p, display: "corpus/a.txt".into(), format: SourceFormat::Text, gzip: false };
        let docs = read_input(&file, &IngestConfig::default());
        let doc = docs.into_iter().next().unwrap().unwrap();
        assert_eq!(doc.raw_text, body);
        assert_eq!(doc.text, body);
        assert_eq!(doc.doc_id, doc_id("corpus/a.txt", None));
        assert_eq!(doc.source.sha256, sha256_hex(body.as_bytes()));
        assert_eq!(doc.source.bytes, body.len() as u64);
        assert_eq!(doc.source.encoding, "UTF-8");
        assert_eq!(doc.meta.language.as_deref(), Some("en"));
        assert!(doc.warnings.is_empty());
    }

    #[test]
    fn shipped_corpus_reads_as_utf8_text_unchanged() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
        let (files, rejects) = discover(std::slice::from_ref(&corpus));
        assert!(rejects.is_empty(), "{rejects:?}");
        assert!(!files.is_empty());
        let mut ids = std::collections::BTreeSet::new();
        for f in &files {
            assert_eq!(f.format, SourceFormat::Text);
            let doc = read_input(f, &IngestConfig::default()).pop().unwrap().unwrap();
            assert_eq!(doc.raw_text.as_bytes(), fs::read(&f.path).unwrap().as_slice());
            assert_eq!(doc.source.encoding, "UTF-8");
            assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
            assert!(doc.raw_text.lines().count() > 10 && !doc.paragraphs.is_empty());
            assert!(ids.insert(doc.doc_id.clone()), "doc ids are distinct");
        }
    }

    #[test]
    fn encodings_binaries_and_empties() {
        let tmp = tempfile::TempDir::new().unwrap();
        let d = tmp.path();
        write(d, "cp1252.txt", b"The \x93summit\x94 ended.");
        let mut le = vec![0xff, 0xfe];
        le.extend("Kyiv talks".encode_utf16().flat_map(|u| u.to_le_bytes()));
        write(d, "utf16.txt", &le);
        write(d, "nul.txt", b"abc\0def and some more text");
        write(d, "empty.txt", b"");
        write(d, "blank.txt", b" \r\n\t\n\xef\xbb\xbf");
        write(d, "bom_only.txt", b"\xef\xbb\xbf");
        write(d, "fake.txt", b"%PDF-1.5 binary");
        let (docs, rejects) = read_all(d, &IngestConfig::default());
        let by = |n: &str| docs.iter().find(|x| x.source.path.ends_with(n)).unwrap();
        assert_eq!(by("cp1252.txt").raw_text, "The “summit” ended.");
        assert_eq!(by("cp1252.txt").source.encoding, "windows-1252");
        assert_eq!(by("cp1252.txt").warnings.len(), 1);
        assert_eq!(by("utf16.txt").raw_text, "Kyiv talks");
        assert_eq!(by("utf16.txt").source.encoding, "UTF-16LE");
        assert_eq!(docs.len(), 2);
        assert_eq!(kind_of(&rejects, "nul.txt"), "binary");
        assert_eq!(kind_of(&rejects, "fake.txt"), "binary");
        assert_eq!(kind_of(&rejects, "empty.txt"), "empty");
        assert_eq!(kind_of(&rejects, "blank.txt"), "empty");
        assert_eq!(kind_of(&rejects, "bom_only.txt"), "empty");
    }

    #[test]
    fn size_limits_reject_without_panicking() {
        let tmp = tempfile::TempDir::new().unwrap();
        let d = tmp.path();
        write(d, "big.txt", &vec![b'a'; 5000]);
        let mut long_line = vec![b'w'; 3000];
        long_line.extend_from_slice(b"\nshort\n");
        write(d, "longline.txt", &long_line);
        write(d, "ok.txt", b"Fine.\nShort lines.\n");
        let cfg = IngestConfig { max_file_bytes: 4096, max_line_bytes: 2048, ..IngestConfig::default() };
        let (docs, rejects) = read_all(d, &cfg);
        assert_eq!(docs.len(), 1);
        assert_eq!(kind_of(&rejects, "big.txt"), "too_large");
        assert_eq!(kind_of(&rejects, "longline.txt"), "line_too_long");
        assert!(rejects.iter().any(|r| r.message.contains("line 1")));
        // A huge single-line file within limits is read.
        write(d, "huge.txt", &vec![b'x'; 3_000_000]);
        let cfg = IngestConfig::default();
        let (docs, _) = read_all(d, &cfg);
        assert!(docs.iter().any(|x| x.raw_text.len() == 3_000_000));
    }

    #[test]
    fn jsonl_good_lines_survive_bad_ones() {
        let tmp = tempfile::TempDir::new().unwrap();
        let d = tmp.path();
        let lines = [
            r#"{"id": "a1", "text": "Putin spoke.", "title": "Call", "date": "2021-12-07T10:00:00Z", "outlet": "AP", "authors": ["Ann Lee"], "url": "https://www.apnews.com/x"}"#,
            r#"{"id": "a2", "text": "#,
            r#"{"id": "a3", "body": "no text field"}"#,
            r#"{"id": "a4", "text": 42}"#,
            r#"{"id": "a1", "text": "same id again"}"#,
            "",
            r#"[1, 2]"#,
            r#"{"text": "No id here.", "title": 7, "date": "someday"}"#,
            r#"{"id": 17, "text": "   "}"#,
            r#"{"id": {"x": 1}, "text": "object id"}"#,
        ];
        write(d, "r.jsonl", lines.join("\n").as_bytes());
        let (docs, rejects) = read_all(d, &IngestConfig::default());
        assert_eq!(docs.len(), 2, "{rejects:?}");
        let a1 = &docs[0];
        assert_eq!(a1.raw_text, "Putin spoke.");
        assert_eq!(a1.source.line, Some(1));
        assert_eq!(a1.meta.title.as_deref(), Some("Call"));
        assert_eq!(a1.meta.published.as_deref(), Some("2021-12-07"));
        assert_eq!(a1.meta.published_basis, Some(PublishedBasis::Metadata));
        assert_eq!(a1.meta.outlet.as_deref(), Some("AP"));
        assert_eq!(a1.meta.site.as_deref(), Some("apnews.com"));
        assert_eq!(a1.meta.authors, ["Ann Lee"]);
        let path = &a1.source.path;
        assert_eq!(a1.doc_id, doc_id(path, Some("a1")));
        let no_id = &docs[1];
        assert_eq!(no_id.source.line, Some(8));
        assert_eq!(no_id.doc_id, doc_id(path, Some("8")));
        assert_eq!(no_id.meta.title, None);
        assert_eq!(no_id.warnings.len(), 2, "{:?}", no_id.warnings);
        let kinds: Vec<(String, &str)> =
            rejects.iter().map(|r| (r.path.rsplit(':').next().unwrap().to_string(), r.error_kind.as_str())).collect();
        assert_eq!(
            kinds,
            [
                ("2".to_string(), "bad_json"),
                ("3".to_string(), "missing_field"),
                ("4".to_string(), "wrong_type"),
                ("5".to_string(), "duplicate_id"),
                ("7".to_string(), "wrong_type"),
                ("9".to_string(), "empty"),
                ("10".to_string(), "wrong_type"),
            ]
        );
        assert!(rejects[3].message.contains("line 1"), "{}", rejects[3].message);
    }

    #[test]
    fn jsonl_gz_and_configured_field_names() {
        let tmp = tempfile::TempDir::new().unwrap();
        let d = tmp.path();
        let body = "{\"key\": \"k1\", \"content\": \"Text one.\"}\r\n{\"key\": \"k2\", \"content\": \"Text two.\"}\n";
        write(d, "r.jsonl.gz", &gz(body.as_bytes()));
        write(d, "broken.jsonl.gz", b"\x1f\x8b\x08\x00garbage");
        let mut cfg = IngestConfig::default();
        cfg.jsonl.text_field = "content".into();
        cfg.jsonl.id_field = "key".into();
        let (docs, rejects) = read_all(d, &cfg);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].raw_text, "Text two.");
        assert_eq!(docs[1].doc_id, doc_id(&docs[1].source.path, Some("k2")));
        assert_eq!(docs[0].source.sha256, sha256_hex(&fs::read(d.join("r.jsonl.gz")).unwrap()));
        assert_eq!(kind_of(&rejects, "broken.jsonl.gz"), "bad_gzip");
    }

    #[test]
    fn html_page_becomes_its_article_text() {
        let tmp = tempfile::TempDir::new().unwrap();
        let d = tmp.path();
        let page = r#"<!DOCTYPE html><html lang="en"><head><title>Biden warns Putin</title>
<meta property="og:site_name" content="The Example Post">
<meta property="article:published_time" content="2021-12-07T18:00:00-05:00">
<meta name="author" content="Ann Lee"></head>
<body><article><h1>Biden warns Putin</h1>
<p>President Biden warned Vladimir Putin on Tuesday of severe economic penalties if Russia invades Ukraine, officials said after the call.</p>
<p>The two leaders spoke for two hours by secure video link, according to a readout released by the White House later that evening.</p>
</article></body></html>"#;
        write(d, "p.html", page.as_bytes());
        write(d, "scripts.html", b"<html><head><script>var x = 1;</script></head></html>");
        write(d, "nobody.htm", b"<<<>>>&&&");
        let (docs, rejects) = read_all(d, &IngestConfig::default());
        assert_eq!(docs.len(), 1, "{rejects:?} {docs:?}");
        let doc = &docs[0];
        assert!(doc.raw_text.starts_with("Biden warns Putin\n\nPresident Biden warned"), "{}", doc.raw_text);
        assert!(doc.raw_text.contains("penalties if Russia invades Ukraine"));
        assert_eq!(doc.meta.title.as_deref(), Some("Biden warns Putin"));
        assert_eq!(doc.meta.outlet.as_deref(), Some("The Example Post"));
        assert_eq!(doc.meta.published.as_deref(), Some("2021-12-07"));
        assert_eq!(doc.meta.published_basis, Some(PublishedBasis::Metadata));
        assert_eq!(doc.meta.authors, ["Ann Lee"]);
        assert_eq!(doc.source.format, SourceFormat::Html);
        assert_eq!(kind_of(&rejects, "scripts.html"), "no_article");
        assert_eq!(kind_of(&rejects, "nobody.htm"), "no_article");
    }
}
