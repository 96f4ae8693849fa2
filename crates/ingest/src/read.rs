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
    let raw = match read_bytes(file, cfg.max_file_bytes) {
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

/// A file's bytes (decompressed for `.gz`), the SHA-256 and size of the file as stored.
struct RawFile {
    bytes: Vec<u8>,
    sha256: String,
    size: u64,
}

fn read_bytes(file: &InputFile, limit: u64) -> Result<RawFile, IngestError> {
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
    let sha256 = sha256_hex(&stored);
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
    let dec = decode_or_reject(file, &raw.bytes, None)?;
    if is_blank(&dec.text) {
        return Err(IngestError::Empty { path: file.display.clone() });
    }
    check_line_lengths(&dec.text, &file.display, cfg.max_line_bytes)?;
    let mut meta = metadata::from_text(&dec.text);
    if meta.language.is_none() {
        meta.language = language(cfg);
    }
    let src = source(file, raw, dec.encoding, None);
    let mut doc = Document::new(doc_id(&file.display, None), src, dec.text, meta);
    doc.warnings = dec.warnings;
    Ok(doc)
}

/// An HTML page's document: `raw_text` is the extracted article text (title first, paragraphs
/// separated by blank lines), because the markup itself is not text anyone annotates; the page's
/// own metadata (meta tags, JSON-LD) fills the fields, the text fills what the page does not say.
fn html_document(file: &InputFile, raw: &RawFile, cfg: &IngestConfig) -> Result<Document, IngestError> {
    let dec = decode_or_reject(file, &raw.bytes, html_declared_charset(&raw.bytes))?;
    let page = html::extract_page(&dec.text);
    if is_blank(&page.text) {
        return Err(IngestError::NoArticle { path: file.display.clone() });
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
