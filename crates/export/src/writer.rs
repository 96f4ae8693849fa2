//! A buffered JSONL writer that counts rows and hashes the bytes it writes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use pipeline::config::Compression;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::ExportError;

/// Row count and SHA-256 of one written dataset file, for the manifest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetSummary {
    pub file: String,
    pub rows: u64,
    pub sha256: String,
    pub bytes: u64,
}

/// Hashes and counts whatever passes through to the file (a scratch file is not hashed).
struct HashingFile {
    inner: BufWriter<File>,
    hasher: Option<Sha256>,
    bytes: u64,
}

impl Write for HashingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        if let Some(h) = &mut self.hasher {
            h.update(&buf[..n]);
        }
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

enum Sink {
    Plain(HashingFile),
    Gzip(flate2::write::GzEncoder<HashingFile>),
    Zstd(zstd::stream::write::Encoder<'static, HashingFile>),
}

/// JSONL rows serialised ahead of writing, so that worker threads do the serialising and the one
/// thread that owns a dataset file only appends bytes ([`JsonlWriter::write_rows`]).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RowBuffer {
    bytes: Vec<u8>,
    rows: u64,
}

impl RowBuffer {
    /// Serialises one row as a JSON line. On error the buffer is left as it was.
    pub fn push<T: Serialize>(&mut self, row: &T) -> Result<(), serde_json::Error> {
        let len = self.bytes.len();
        if let Err(e) = crate::json::write_compact(&mut self.bytes, row) {
            self.bytes.truncate(len);
            return Err(e);
        }
        self.bytes.push(b'\n');
        self.rows += 1;
        Ok(())
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The serialised lines, each ending in a newline.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// The lines of a file written by [`JsonlWriter::scratch`].
pub fn read_scratch(path: &Path) -> Result<impl std::io::BufRead, ExportError> {
    let file = File::open(path).map_err(ExportError::io(path))?;
    let decoder = zstd::stream::read::Decoder::new(file).map_err(ExportError::io(path))?;
    Ok(std::io::BufReader::with_capacity(1 << 16, decoder))
}

/// Writes one JSONL dataset: one serde row per line.
pub struct JsonlWriter {
    path: PathBuf,
    sink: Sink,
    rows: u64,
    line: Vec<u8>,
    /// A dataset is synced to disk when finished; a scratch file is not ([`JsonlWriter::scratch`]).
    durable: bool,
}

impl JsonlWriter {
    /// File name of dataset `name` ("documents") under the given compression.
    pub fn file_name(name: &str, compression: Compression) -> String {
        match compression {
            Compression::None => format!("{name}.jsonl"),
            Compression::Gzip => format!("{name}.jsonl.gz"),
            Compression::Zstd => format!("{name}.jsonl.zst"),
        }
    }

    pub fn create(path: &Path, compression: Compression) -> Result<Self, ExportError> {
        Self::open(path, compression, true)
    }

    /// A JSONL file that the run reads back with [`read_scratch`] and deletes (a spool): not
    /// hashed, not synced to disk when finished (only this process reads it), and compressed
    /// with fast zstd. A big run's spools are several times its input and are read back
    /// minutes after they were written, when the page cache may have dropped them; ~10x fewer
    /// bytes to write and read back costs about a CPU-second per GB of rows.
    pub fn scratch(path: &Path) -> Result<Self, ExportError> {
        Self::open(path, Compression::Zstd, false)
    }

    fn open(path: &Path, compression: Compression, durable: bool) -> Result<Self, ExportError> {
        let file = File::create(path).map_err(ExportError::io(path))?;
        let hasher = durable.then(Sha256::new);
        let hf = HashingFile { inner: BufWriter::with_capacity(1 << 16, file), hasher, bytes: 0 };
        let zstd_level = if durable { 3 } else { 1 };
        let sink = match compression {
            Compression::None => Sink::Plain(hf),
            // Fixed level and no timestamp in the header, so output stays byte-identical.
            Compression::Gzip => Sink::Gzip(flate2::GzBuilder::new().mtime(0).write(hf, flate2::Compression::new(6))),
            Compression::Zstd => Sink::Zstd(zstd::stream::write::Encoder::new(hf, zstd_level).map_err(ExportError::io(path))?),
        };
        Ok(JsonlWriter { path: path.to_path_buf(), sink, rows: 0, line: Vec::with_capacity(4096), durable })
    }

    pub fn write_row<T: Serialize>(&mut self, row: &T) -> Result<(), ExportError> {
        self.line.clear();
        crate::json::write_compact(&mut self.line, row)
            .map_err(|source| ExportError::Json { path: self.path.clone(), source })?;
        self.line.push(b'\n');
        let line = std::mem::take(&mut self.line);
        let r = self.write_line(&line);
        self.line = line;
        r
    }

    /// Writes an already serialised JSON line; `line` must end in a newline.
    pub fn write_line(&mut self, line: &[u8]) -> Result<(), ExportError> {
        let r = match &mut self.sink {
            Sink::Plain(w) => w.write_all(line),
            Sink::Gzip(w) => w.write_all(line),
            Sink::Zstd(w) => w.write_all(line),
        };
        r.map_err(ExportError::io(&self.path))?;
        self.rows += 1;
        Ok(())
    }

    /// Appends rows serialised elsewhere (on worker threads), in their order.
    pub fn write_rows(&mut self, rows: &RowBuffer) -> Result<(), ExportError> {
        let r = match &mut self.sink {
            Sink::Plain(w) => w.write_all(&rows.bytes),
            Sink::Gzip(w) => w.write_all(&rows.bytes),
            Sink::Zstd(w) => w.write_all(&rows.bytes),
        };
        r.map_err(ExportError::io(&self.path))?;
        self.rows += rows.rows;
        Ok(())
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Flushes everything to disk (fsync; a scratch file only to the OS) and returns the dataset's
    /// summary (a scratch file's `sha256` is empty).
    pub fn finish(self) -> Result<DatasetSummary, ExportError> {
        let path = self.path;
        let hf = match self.sink {
            Sink::Plain(w) => w,
            Sink::Gzip(w) => w.finish().map_err(ExportError::io(&path))?,
            Sink::Zstd(w) => w.finish().map_err(ExportError::io(&path))?,
        };
        let HashingFile { inner, hasher, bytes } = hf;
        let file = inner.into_inner().map_err(|e| ExportError::Io { path: path.clone(), source: e.into_error() })?;
        if self.durable {
            file.sync_all().map_err(ExportError::io(&path))?;
        }
        let sha256 = hasher.map(|h| h.finalize().iter().map(|b| format!("{b:02x}")).collect()).unwrap_or_default();
        let file_name = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(DatasetSummary { file: file_name, rows: self.rows, sha256, bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[derive(Serialize)]
    struct Row<'a> {
        id: u32,
        text: &'a str,
    }

    #[test]
    fn row_buffers_write_the_same_bytes_as_rows() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
        let rows = [Row { id: 1, text: "caf\u{e9} \"x\"" }, Row { id: 2, text: "" }];
        let mut w = JsonlWriter::create(&a, Compression::None).unwrap();
        for r in &rows {
            w.write_row(r).unwrap();
        }
        let sa = w.finish().unwrap();
        let mut buf = RowBuffer::default();
        for r in &rows {
            buf.push(r).unwrap();
        }
        assert_eq!(buf.rows(), 2);
        let mut w = JsonlWriter::create(&b, Compression::None).unwrap();
        w.write_rows(&buf).unwrap();
        let sb = w.finish().unwrap();
        assert_eq!((sa.rows, &sa.sha256, sa.bytes), (sb.rows, &sb.sha256, sb.bytes));
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    }

    #[test]
    fn writes_counts_and_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.jsonl");
        let mut w = JsonlWriter::create(&p, Compression::None).unwrap();
        w.write_row(&Row { id: 1, text: "“Кремль”" }).unwrap();
        w.write_row(&Row { id: 2, text: "b" }).unwrap();
        let s = w.finish().unwrap();
        let body = std::fs::read_to_string(&p).unwrap();
        assert_eq!(body, "{\"id\":1,\"text\":\"“Кремль”\"}\n{\"id\":2,\"text\":\"b\"}\n");
        assert_eq!(s.rows, 2);
        assert_eq!(s.bytes, body.len() as u64);
        assert_eq!(s.sha256, pipeline::ids::sha256_hex(body.as_bytes()));
    }

    #[test]
    fn a_scratch_file_reads_back_the_same_bytes_without_a_hash() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.spool"));
        let (mut wa, mut wb) = (JsonlWriter::create(&a, Compression::None).unwrap(), JsonlWriter::scratch(&b).unwrap());
        for w in [&mut wa, &mut wb] {
            w.write_row(&Row { id: 7, text: "Путин" }).unwrap();
        }
        let (sa, sb) = (wa.finish().unwrap(), wb.finish().unwrap());
        let mut back = Vec::new();
        std::io::Read::read_to_end(&mut read_scratch(&b).unwrap(), &mut back).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), back);
        assert_eq!(sa.rows, sb.rows);
        assert_eq!(sa.sha256.len(), 64);
        assert!(sb.sha256.is_empty());
    }

    #[test]
    fn gzip_and_zstd_round_trip_and_are_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        for c in [Compression::Gzip, Compression::Zstd] {
            let mut hashes = Vec::new();
            for i in 0..2 {
                let p = dir.path().join(format!("{i}-{}", JsonlWriter::file_name("d", c)));
                let mut w = JsonlWriter::create(&p, c).unwrap();
                w.write_row(&Row { id: 7, text: "seven" }).unwrap();
                hashes.push(w.finish().unwrap().sha256);
                let f = std::fs::File::open(&p).unwrap();
                let mut out = String::new();
                match c {
                    Compression::Gzip => flate2::read::GzDecoder::new(f).read_to_string(&mut out).unwrap(),
                    _ => zstd::stream::read::Decoder::new(f).unwrap().read_to_string(&mut out).unwrap(),
                };
                assert_eq!(out, "{\"id\":7,\"text\":\"seven\"}\n");
            }
            assert_eq!(hashes[0], hashes[1]);
        }
    }
}
