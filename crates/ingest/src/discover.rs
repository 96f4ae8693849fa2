//! Finds the input files under the configured paths: folders are walked recursively with entries
//! sorted by name, hidden files and READMEs are skipped, symlink loops are detected, and each file
//! is classified as text, HTML or JSONL by its extension (or, without a known one, by sniffing).

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use pipeline::{RejectRow, SourceFormat};

use crate::decode::sniff_binary;
use crate::error::IngestError;

/// One file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Where the file is on disk.
    pub path: PathBuf,
    /// The path as given (input path joined with the walked folders), `/`-separated, without a
    /// leading `./`: what `source.path`, doc ids and reject rows use.
    pub display: String,
    pub format: SourceFormat,
    /// The file is gzip-compressed (`.gz`); it is decompressed while reading.
    pub gzip: bool,
}

/// Walks `paths` (files or folders) and returns the files to read, in a deterministic order:
/// top-level paths in the order given, each folder's entries sorted by name. Files that cannot be
/// inputs (binary files without a known extension, unreadable entries, missing paths) and symlink
/// loops come back as reject rows.
pub fn discover(paths: &[PathBuf]) -> (Vec<InputFile>, Vec<RejectRow>) {
    let mut files = Vec::new();
    let rejects = discover_each(paths, |f| files.push(f));
    (files, rejects)
}

/// [`discover`] handing each file to `each` as it is found (in the same order) instead of
/// collecting them: a caller that keeps the files compactly never holds a million `InputFile`s.
pub fn discover_each(paths: &[PathBuf], each: impl FnMut(InputFile)) -> Vec<RejectRow> {
    let mut walk = Walk { each, rejects: Vec::new(), seen_dirs: BTreeSet::new(), seen_files: HashSet::new() };
    for p in paths {
        let display = display_path(p);
        walk.visit(p, display, &mut Vec::new());
    }
    walk.rejects
}

struct Walk<F> {
    each: F,
    rejects: Vec<RejectRow>,
    /// Canonical folders already walked: a folder reached twice (through a symlink) is walked once.
    seen_dirs: BTreeSet<PathBuf>,
    /// Canonical files already listed, by [`path_key`]: a file named twice (a folder and a file
    /// in it, or a symlink) is read once, so it cannot yield two documents.
    seen_files: HashSet<u128>,
}

/// A 128-bit key of a canonical path (the first half of its SHA-256): 16 bytes a file instead of
/// a heap path (~100 bytes with the set's own cost), and a collision is as unlikely as one in
/// the SHA-256 ids the datasets already rely on.
fn path_key(path: &Path) -> u128 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(path.as_os_str().as_encoded_bytes());
    u128::from_le_bytes(digest[..16].try_into().expect("16 bytes"))
}

impl<F: FnMut(InputFile)> Walk<F> {
    fn visit(&mut self, path: &Path, display: String, ancestors: &mut Vec<PathBuf>) {
        // fs::metadata follows symlinks; a dangling link or a missing path fails here.
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.rejects.push(IngestError::NotFound { path: display }.to_reject());
                return;
            }
            Err(source) => {
                self.rejects.push(IngestError::Io { path: display, source }.to_reject());
                return;
            }
        };
        if meta.is_dir() {
            let canon = match fs::canonicalize(path) {
                Ok(c) => c,
                Err(source) => {
                    self.rejects.push(IngestError::Io { path: display, source }.to_reject());
                    return;
                }
            };
            if ancestors.contains(&canon) {
                self.rejects.push(IngestError::SymlinkLoop { path: display, target: canon }.to_reject());
                return;
            }
            if !self.seen_dirs.insert(canon.clone()) {
                // The same folder reached again by another route: its files are already listed.
                return;
            }
            let mut entries: Vec<(std::ffi::OsString, PathBuf)> = match fs::read_dir(path) {
                Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| (e.file_name(), e.path())).collect(),
                Err(source) => {
                    self.rejects.push(IngestError::Io { path: display, source }.to_reject());
                    return;
                }
            };
            entries.sort();
            ancestors.push(canon);
            for (name, child) in entries {
                let name_str = name.to_string_lossy();
                if is_skipped_name(&name_str) {
                    continue;
                }
                let child_display =
                    if display.is_empty() { name_str.to_string() } else { format!("{}/{}", display.trim_end_matches('/'), name_str) };
                self.visit(&child, child_display, ancestors);
            }
            ancestors.pop();
        } else if meta.is_file() {
            // READMEs are skipped only inside folders: one named explicitly is read.
            let canon = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            if !self.seen_files.insert(path_key(&canon)) {
                return;
            }
            match classify(path, &display) {
                Ok((format, gzip)) => (self.each)(InputFile { path: path.to_path_buf(), display, format, gzip }),
                Err(e) => self.rejects.push(e.to_reject()),
            }
        } else {
            self.rejects.push(
                IngestError::Binary { path: display, what: "not a regular file (device, socket or pipe)".into() }.to_reject(),
            );
        }
    }
}

/// Hidden entries (`.git`, `.DS_Store`) and READMEs (`README`, `README.md`, `readme.txt`) are
/// not articles.
fn is_skipped_name(name: &str) -> bool {
    if name.starts_with('.') {
        return true;
    }
    let stem = name.split('.').next().unwrap_or(name);
    stem.eq_ignore_ascii_case("readme")
}

/// `/`-separated path with `.` components dropped.
fn display_path(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    for c in p.components() {
        match c {
            Component::RootDir => absolute = true,
            Component::CurDir => {}
            Component::Prefix(pre) => parts.push(pre.as_os_str().to_string_lossy().into_owned()),
            Component::ParentDir => parts.push("..".into()),
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    if absolute { format!("/{joined}") } else { joined }
}

/// Format from the file name; files with no known extension are sniffed.
fn classify(path: &Path, display: &str) -> Result<(SourceFormat, bool), IngestError> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    let (base, gzip) = match name.strip_suffix(".gz") {
        Some(b) => (b.to_string(), true),
        None => (name.clone(), false),
    };
    let ext = match base.rfind('.') {
        Some(i) if i > 0 => &base[i + 1..],
        _ => "",
    };
    let known = match ext {
        "txt" | "text" => Some(SourceFormat::Text),
        "html" | "htm" | "xhtml" => Some(SourceFormat::Html),
        "jsonl" | "ndjson" => Some(SourceFormat::Jsonl),
        _ => None,
    };
    if let Some(f) = known {
        return Ok((f, gzip));
    }
    if ext.is_empty() && !gzip {
        return Ok((SourceFormat::Text, false));
    }
    sniff(path, display, gzip).map(|f| (f, gzip))
}

/// Looks at the first bytes of a file with an unknown extension: binary -> reject, markup -> HTML,
/// a JSON object per line -> JSONL, anything else -> text.
fn sniff(path: &Path, display: &str, gzip: bool) -> Result<SourceFormat, IngestError> {
    let mut head = Vec::with_capacity(8192);
    let file = fs::File::open(path).map_err(|source| IngestError::Io { path: display.to_string(), source })?;
    let read = if gzip {
        flate2::read::MultiGzDecoder::new(file).take(8192).read_to_end(&mut head)
    } else {
        file.take(8192).read_to_end(&mut head)
    };
    if let Err(e) = read {
        if gzip {
            return Err(IngestError::Gzip { path: display.to_string(), message: e.to_string() });
        }
        return Err(IngestError::Io { path: display.to_string(), source: e });
    }
    if let Some(what) = sniff_binary(&head) {
        return Err(IngestError::Binary { path: display.to_string(), what });
    }
    let text = String::from_utf8_lossy(&head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let lower: String = t.chars().take(200).collect::<String>().to_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") || (lower.starts_with("<") && lower.contains("<html")) {
        return Ok(SourceFormat::Html);
    }
    if t.starts_with('{') {
        let first = t.lines().next().unwrap_or("");
        if serde_json::from_str::<serde_json::Value>(first).map(|v| v.is_object()).unwrap_or(false) {
            return Ok(SourceFormat::Jsonl);
        }
    }
    Ok(SourceFormat::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, bytes: &[u8]) {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }

    #[test]
    fn walks_sorted_skips_hidden_and_readmes_and_classifies() {
        let tmp = tempfile::TempDir::new().unwrap();
        let root = tmp.path();
        write(root, "b.txt", b"Second article.");
        write(root, "a.txt", b"First article.");
        write(root, "sub/c.html", b"<html><body><p>x</p></body></html>");
        write(root, "sub/d.jsonl", b"{\"text\": \"x\"}\n");
        write(root, "sub/e.ndjson.gz", b"not really gzip");
        write(root, "noext", b"Plain text without extension.");
        write(root, ".hidden.txt", b"secret");
        write(root, ".git/config", b"[core]");
        write(root, "README.md", b"# About");
        write(root, "README", b"About");
        write(root, "page.php", b"<!DOCTYPE html><html><body>x</body></html>");
        write(root, "records.dat", b"{\"text\": \"a\"}\n{\"text\": \"b\"}\n");
        write(root, "notes.md", b"Some notes in markdown.");
        write(root, "image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        write(root, "doc.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj");
        let (files, rejects) = discover(&[root.to_path_buf()]);
        let base = display_path(root);
        let names: Vec<String> =
            files.iter().map(|f| f.display.strip_prefix(&format!("{base}/")).unwrap().to_string()).collect();
        assert_eq!(names, ["a.txt", "b.txt", "noext", "notes.md", "page.php", "records.dat", "sub/c.html", "sub/d.jsonl", "sub/e.ndjson.gz"]);
        let fmt = |n: &str| files[names.iter().position(|x| x == n).unwrap()].format;
        assert_eq!(fmt("a.txt"), SourceFormat::Text);
        assert_eq!(fmt("noext"), SourceFormat::Text);
        assert_eq!(fmt("notes.md"), SourceFormat::Text);
        assert_eq!(fmt("page.php"), SourceFormat::Html);
        assert_eq!(fmt("records.dat"), SourceFormat::Jsonl);
        assert_eq!(fmt("sub/c.html"), SourceFormat::Html);
        assert_eq!(fmt("sub/d.jsonl"), SourceFormat::Jsonl);
        assert_eq!(fmt("sub/e.ndjson.gz"), SourceFormat::Jsonl);
        assert!(files[names.iter().position(|x| x == "sub/e.ndjson.gz").unwrap()].gzip);
        let mut kinds: Vec<(String, String)> =
            rejects.iter().map(|r| (r.path.rsplit('/').next().unwrap().to_string(), r.error_kind.clone())).collect();
        kinds.sort();
        assert_eq!(kinds, [("doc.pdf".into(), "binary".into()), ("image.png".into(), "binary".into())]);
    }

    #[test]
    fn missing_path_is_a_reject_and_display_keeps_the_given_path() {
        let tmp = tempfile::TempDir::new().unwrap();
        write(tmp.path(), "x.txt", b"text");
        let missing = tmp.path().join("nope");
        let x = tmp.path().join("x.txt");
        let (files, rejects) = discover(&[missing.clone(), x.clone(), tmp.path().to_path_buf(), x]);
        assert_eq!(files.len(), 1);
        assert_eq!(rejects.len(), 1);
        assert_eq!(rejects[0].error_kind, "not_found");
        assert!(rejects[0].message.contains("nope"));
        assert_eq!(display_path(Path::new("./corpus/a.txt")), "corpus/a.txt");
        assert_eq!(display_path(Path::new("corpus/")), "corpus");
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_detected_not_followed_forever() {
        let tmp = tempfile::TempDir::new().unwrap();
        let root = tmp.path().join("in");
        write(&root, "a/x.txt", b"text");
        std::os::unix::fs::symlink(&root, root.join("a/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("gone"), root.join("dangling.txt")).unwrap();
        let (files, rejects) = discover(std::slice::from_ref(&root));
        assert_eq!(files.len(), 1, "{files:?}");
        let kinds: Vec<&str> = rejects.iter().map(|r| r.error_kind.as_str()).collect();
        assert!(kinds.contains(&"symlink_loop"), "{rejects:?}");
        assert!(kinds.contains(&"not_found"), "{rejects:?}");
    }
}
