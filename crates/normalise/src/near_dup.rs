//! Step `dedupe_documents` (corpus level): clusters of near-duplicate documents, such as one wire
//! story syndicated by several sites with their own boilerplate, cut short or lightly edited.
//!
//! Each document is summarised by a MinHash signature over word shingles of its clean text, a
//! hash of its exact (normalised) text and its number of repairs. Exact duplicates are joined by
//! hash first; other candidates come from LSH banding and are kept when their estimated Jaccard
//! similarity reaches the threshold. Clusters form by union-find; the representative is the copy
//! that needed the fewest repairs (ties: smallest doc_id). Hash functions are seeded constants, so
//! results are the same in every run. Memory: with a spill folder ([`NearDuplicates::index`]) the
//! minima and band keys live in files and memory holds ~40 bytes a document, plus one band's
//! keys while it is clustered.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use pipeline::config::DedupeDocumentsConfig;
use pipeline::ids::short_hash;
use pipeline::stage::CorpusStep;
use pipeline::{DuplicateRow, Document, EditKind, StepError};

use crate::boilerplate::comparable;

/// What one document contributes to near-duplicate detection.
#[derive(Debug, Clone, PartialEq)]
pub struct DocSignature {
    pub doc_id: String,
    /// MinHash over word shingles of the clean text; empty when the text has no words.
    pub minhash: Vec<u64>,
    /// Hash of the clean text normalised for case, spacing and punctuation.
    pub exact: u64,
    /// Number of repair edits the document needed.
    pub repairs: usize,
}

/// The clusters, and each clustered document's (cluster_id, duplicate_of).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NearDuplicateClusters {
    pub clusters: Vec<DuplicateRow>,
    pub membership: BTreeMap<String, (String, Option<String>)>,
}

pub struct NearDuplicates {
    threshold: f64,
    shingle_words: usize,
    bands: usize,
    seeds: Vec<u64>,
}

impl NearDuplicates {
    pub fn new(cfg: &DedupeDocumentsConfig) -> Result<Self, StepError> {
        let bad = |message: String| StepError::Failed { step: "dedupe_documents", message };
        if !(cfg.threshold > 0.0 && cfg.threshold <= 1.0) {
            return Err(bad(format!("threshold {} is not in (0, 1]", cfg.threshold)));
        }
        if cfg.shingle_words == 0 || cfg.bands == 0 || cfg.num_hashes == 0 || !cfg.num_hashes.is_multiple_of(cfg.bands) {
            return Err(bad(format!(
                "shingle_words ({}) must be at least 1 and num_hashes ({}) a positive multiple of bands ({})",
                cfg.shingle_words, cfg.num_hashes, cfg.bands
            )));
        }
        // Fixed seeds: one hash function per permutation, identical in every run.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let seeds = (0..cfg.num_hashes).map(|_| splitmix64(&mut state)).collect();
        Ok(NearDuplicates { threshold: cfg.threshold, shingle_words: cfg.shingle_words, bands: cfg.bands, seeds })
    }

    /// MinHash signature of a text's word shingles.
    pub fn signature(&self, text: &str) -> Vec<u64> {
        self.minhash(&comparable(text))
    }

    /// MinHash signature of a text already in [`comparable`] form.
    fn minhash(&self, norm: &str) -> Vec<u64> {
        // In comparable form words are joined by single spaces, so a shingle's text (its words
        // joined by a space) is the slice of `norm` from its first word's start to its last
        // word's end: one hash over one slice per shingle, no per-word loop. Only the word
        // starts are needed; word i ends one byte before word i + 1 starts.
        debug_assert!(!norm.starts_with(' ') && !norm.ends_with(' ') && !norm.contains("  "));
        let bytes = norm.as_bytes();
        if bytes.is_empty() {
            return Vec::new();
        }
        let starts: Vec<usize> =
            std::iter::once(0).chain(bytes.iter().enumerate().filter(|&(_, &b)| b == b' ').map(|(i, _)| i + 1)).collect();
        let end = |w: usize| starts.get(w + 1).map_or(bytes.len(), |&next| next - 1);
        let k = self.shingle_words.min(starts.len());
        let shingles: Vec<u64> = (0..=starts.len() - k).map(|j| fnv1a(&bytes[starts[j]..end(j + k - 1)])).collect();
        let mut minhash = vec![u64::MAX; self.seeds.len()];
        fold_minima(&self.seeds, &shingles, &mut minhash);
        minhash
    }

    /// Estimated Jaccard similarity of two signatures: the share of equal minima.
    pub fn similarity(a: &[u64], b: &[u64]) -> f64 {
        if a.is_empty() || a.len() != b.len() {
            return 0.0;
        }
        a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64
    }
}

impl CorpusStep for NearDuplicates {
    type Summary = DocSignature;
    type Output = NearDuplicateClusters;

    fn name(&self) -> &'static str {
        "dedupe_documents"
    }

    fn summarize(&self, doc: &Document) -> DocSignature {
        // One comparable form serves both the MinHash and the exact-copy hash.
        let norm = comparable(&doc.text);
        DocSignature {
            doc_id: doc.doc_id.clone(),
            minhash: self.minhash(&norm),
            exact: fnv1a(norm.as_bytes()),
            repairs: doc.edits.iter().filter(|e| e.kind == EditKind::Repair).count(),
        }
    }

    fn finish(&self, sigs: Vec<DocSignature>) -> NearDuplicateClusters {
        let mut index = self.index(None).expect("an in-memory index cannot fail");
        for s in &sigs {
            index.push(s).expect("an in-memory index cannot fail");
        }
        index.finish().expect("an in-memory index cannot fail")
    }
}

/// Where a [`SignatureIndex`] keeps MinHash minima and band keys: in memory, or in files (fixed-size
/// records, read back one band or one signature at a time) so that memory does not grow with the
/// corpus.
///
/// A file-backed index also spills each document's [`DocEntry`] and doc_id (to
/// [`DOCS_FILE`]); they are read back into memory only by [`SignatureIndex::finish`], when the
/// main pass's buffers are gone.
enum Store {
    Memory { minhash: Vec<u64>, bands: Vec<Vec<u64>> },
    Files { dir: PathBuf, minhash: BufWriter<File>, bands: Vec<BufWriter<File>>, docs: BufWriter<File> },
}

/// What clustering needs of a document besides its minima: 16 bytes plus its doc_id.
#[derive(Clone, Copy)]
struct DocEntry {
    exact: u64,
    repairs: u32,
    /// False for documents without words: they never cluster.
    has_words: bool,
}

/// The near-duplicate index of a corpus, filled one document at a time (in input order) during
/// the main pass and clustered at the end ([`SignatureIndex::finish`]).
pub struct SignatureIndex<'a> {
    step: &'a NearDuplicates,
    store: Store,
    /// Documents pushed.
    len: usize,
    /// In memory only for an in-memory index (a file-backed one spills them).
    docs: DocTable,
}

/// Every document's [`DocEntry`] and doc_id, by position.
#[derive(Default)]
struct DocTable {
    entries: Vec<DocEntry>,
    ids: String,
    id_ends: Vec<u32>,
}

impl DocTable {
    fn push(&mut self, entry: DocEntry, doc_id: &str) {
        self.entries.push(entry);
        self.ids.push_str(doc_id);
        self.id_ends.push(u32::try_from(self.ids.len()).unwrap_or(u32::MAX));
    }

    fn doc_id(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.id_ends[i - 1] as usize };
        &self.ids[start..self.id_ends[i] as usize]
    }

    /// A spilled document: exact hash, repairs, has_words, doc_id length (u32) and bytes.
    fn write_entry(w: &mut impl Write, entry: &DocEntry, doc_id: &str) -> std::io::Result<()> {
        w.write_all(&entry.exact.to_le_bytes())?;
        w.write_all(&entry.repairs.to_le_bytes())?;
        w.write_all(&[u8::from(entry.has_words)])?;
        w.write_all(&(doc_id.len() as u32).to_le_bytes())?;
        w.write_all(doc_id.as_bytes())
    }

    /// Reads back `len` documents written by [`DocTable::write_entry`].
    fn read(path: &Path, len: usize) -> Result<DocTable, IndexError> {
        let err = |source| IndexError { path: path.to_path_buf(), source };
        let mut r = std::io::BufReader::with_capacity(1 << 16, File::open(path).map_err(err)?);
        let mut table = DocTable { entries: Vec::with_capacity(len), ids: String::new(), id_ends: Vec::with_capacity(len) };
        let mut head = [0u8; 17];
        let mut id = Vec::new();
        for _ in 0..len {
            r.read_exact(&mut head).map_err(err)?;
            let exact = u64::from_le_bytes(head[0..8].try_into().expect("8 bytes"));
            let repairs = u32::from_le_bytes(head[8..12].try_into().expect("4 bytes"));
            id.resize(u32::from_le_bytes(head[13..17].try_into().expect("4 bytes")) as usize, 0);
            r.read_exact(&mut id).map_err(err)?;
            let id = std::str::from_utf8(&id).map_err(|e| err(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
            table.push(DocEntry { exact, repairs, has_words: head[12] != 0 }, id);
        }
        table.ids.shrink_to_fit();
        Ok(table)
    }
}

/// Errors of a file-backed index, naming the file.
#[derive(Debug, thiserror::Error)]
#[error("near-duplicate index {path}: {source}")]
pub struct IndexError {
    path: PathBuf,
    #[source]
    source: std::io::Error,
}

impl NearDuplicates {
    /// An empty index: in memory, or with its signatures in files under `spill_dir` (which must
    /// exist; the files are removed by [`SignatureIndex::finish`]).
    pub fn index(&self, spill_dir: Option<&Path>) -> Result<SignatureIndex<'_>, IndexError> {
        let store = match spill_dir {
            None => Store::Memory { minhash: Vec::new(), bands: vec![Vec::new(); self.bands] },
            Some(dir) => {
                let create = |name: String| {
                    let path = dir.join(name);
                    File::create(&path).map(|f| BufWriter::with_capacity(1 << 14, f)).map_err(|source| IndexError { path, source })
                };
                Store::Files {
                    dir: dir.to_path_buf(),
                    minhash: create(MINHASH_FILE.to_string())?,
                    bands: (0..self.bands).map(|b| create(band_file(b))).collect::<Result<_, _>>()?,
                    docs: create(DOCS_FILE.to_string())?,
                }
            }
        };
        Ok(SignatureIndex { step: self, store, len: 0, docs: DocTable::default() })
    }

    fn band_key(&self, minhash: &[u64], band: usize) -> u64 {
        let rows = self.seeds.len() / self.bands;
        minhash[band * rows..(band + 1) * rows].iter().fold(band as u64, |h, &v| mix(h ^ v))
    }
}

const MINHASH_FILE: &str = ".near_dup.minhash";
const DOCS_FILE: &str = ".near_dup.docs";

fn band_file(band: usize) -> String {
    format!(".near_dup.band{band}")
}

impl SignatureIndex<'_> {
    /// Adds the next document's signature.
    pub fn push(&mut self, sig: &DocSignature) -> Result<(), IndexError> {
        let n = self.step.seeds.len();
        let has_words = sig.minhash.len() == n;
        // Documents without words get zeroed records so that record i is always document i.
        let zeros;
        let minhash: &[u64] = if has_words {
            &sig.minhash
        } else {
            zeros = vec![0u64; n];
            &zeros
        };
        let entry = DocEntry { exact: sig.exact, repairs: u32::try_from(sig.repairs).unwrap_or(u32::MAX), has_words };
        match &mut self.store {
            Store::Memory { minhash: all, bands } => {
                all.extend_from_slice(minhash);
                for (b, keys) in bands.iter_mut().enumerate() {
                    keys.push(self.step.band_key(minhash, b));
                }
                self.docs.push(entry, &sig.doc_id);
            }
            Store::Files { dir, minhash: file, bands, docs } => {
                let bytes: Vec<u8> = minhash.iter().flat_map(|v| v.to_le_bytes()).collect();
                file.write_all(&bytes).map_err(|source| IndexError { path: dir.join(MINHASH_FILE), source })?;
                for (b, w) in bands.iter_mut().enumerate() {
                    w.write_all(&self.step.band_key(minhash, b).to_le_bytes())
                        .map_err(|source| IndexError { path: dir.join(band_file(b)), source })?;
                }
                DocTable::write_entry(docs, &entry, &sig.doc_id).map_err(|source| IndexError { path: dir.join(DOCS_FILE), source })?;
            }
        }
        self.len += 1;
        Ok(())
    }

    /// Clusters the indexed documents. Exact copies are joined first; LSH candidates (documents
    /// sharing a whole band of minima) are verified once per pair. The clusters are the connected
    /// components of those links, so they do not depend on the order pairs are visited in.
    pub fn finish(self) -> Result<NearDuplicateClusters, IndexError> {
        let SignatureIndex { step, store, len: n, docs } = self;
        let (minhashes, mut band_keys, table) = Spilled::open(store, step.seeds.len(), docs, n)?;
        let docs = &table.entries;
        let doc_id = |i: usize| table.doc_id(i);
        let mut uf = UnionFind::new(n);
        // Exact copies first: same normalised text (documents without words never cluster).
        let mut by_exact: Vec<(u64, u32)> =
            docs.iter().enumerate().filter(|(_, d)| d.has_words).map(|(i, d)| (d.exact, i as u32)).collect();
        by_exact.sort_unstable();
        for w in by_exact.windows(2) {
            if w[0].0 == w[1].0 {
                uf.union(w[0].1 as usize, w[1].1 as usize);
            }
        }
        drop(by_exact);
        let mut failed: HashSet<(u32, u32)> = HashSet::new();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for band in 0..step.bands {
            let keys = band_keys.take(band)?;
            let mut bucket: Vec<(u64, u32)> =
                keys.iter().enumerate().filter(|&(i, _)| docs[i].has_words).map(|(i, &k)| (k, i as u32)).collect();
            drop(keys);
            bucket.sort_unstable();
            for group in bucket.chunk_by(|x, y| x.0 == y.0).filter(|g| g.len() > 1) {
                for (x, &(_, i)) in group.iter().enumerate() {
                    for &(_, j) in &group[x + 1..] {
                        if uf.find(i as usize) == uf.find(j as usize) || failed.contains(&(i, j)) {
                            continue;
                        }
                        minhashes.read(i as usize, &mut a)?;
                        minhashes.read(j as usize, &mut b)?;
                        if NearDuplicates::similarity(&a, &b) >= step.threshold {
                            uf.union(i as usize, j as usize);
                        } else {
                            failed.insert((i, j));
                        }
                    }
                }
            }
        }
        drop(failed);
        // Members of each cluster, in input order; clusters ordered by their first member.
        let mut size = vec![0u32; n];
        for i in 0..n {
            size[uf.find(i)] += 1;
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..n {
            let root = uf.find(i);
            if size[root] > 1 {
                groups.entry(root).or_default().push(i);
            }
        }
        drop(size);
        let mut members: Vec<Vec<usize>> = groups.into_values().collect();
        members.sort_by_key(|g| g[0]);
        let mut out = NearDuplicateClusters::default();
        for g in members {
            let rep = *g
                .iter()
                .min_by(|&&x, &&y| (docs[x].repairs, doc_id(x)).cmp(&(docs[y].repairs, doc_id(y))))
                .expect("cluster has members");
            let mut member_ids: Vec<String> = g.iter().map(|&i| doc_id(i).to_string()).collect();
            member_ids.sort();
            let refs: Vec<&str> = member_ids.iter().map(String::as_str).collect();
            let cluster_id = format!("c{}", short_hash(&refs, 12));
            minhashes.read(rep, &mut a)?;
            let mut similarity = 1.0f64;
            for &i in g.iter().filter(|&&i| i != rep) {
                if docs[i].exact != docs[rep].exact {
                    minhashes.read(i, &mut b)?;
                    similarity = similarity.min(NearDuplicates::similarity(&b, &a));
                }
            }
            let rep_id = doc_id(rep).to_string();
            for &i in &g {
                let dup_of = (i != rep).then(|| rep_id.clone());
                out.membership.insert(doc_id(i).to_string(), (cluster_id.clone(), dup_of));
            }
            out.clusters.push(DuplicateRow { cluster_id, doc_ids: member_ids, representative: rep_id, similarity });
        }
        minhashes.remove_files(step.bands);
        Ok(out)
    }
}

/// The index's stored minima, read back one document at a time by position.
enum Spilled {
    Memory { all: Vec<u64>, width: usize },
    Files { dir: PathBuf, file: File, width: usize, buf: std::cell::RefCell<Vec<u8>> },
}

/// The index's stored band keys, read back one band at a time.
enum BandKeys {
    Memory(Vec<Vec<u64>>),
    Files(PathBuf),
}

impl Spilled {
    /// The stored minima, band keys and documents (`docs` as kept in memory, or read back).
    fn open(store: Store, width: usize, docs: DocTable, len: usize) -> Result<(Spilled, BandKeys, DocTable), IndexError> {
        match store {
            Store::Memory { minhash, bands } => Ok((Spilled::Memory { all: minhash, width }, BandKeys::Memory(bands), docs)),
            Store::Files { dir, mut minhash, mut bands, docs: mut docs_file } => {
                let path = dir.join(MINHASH_FILE);
                let flushed = minhash.flush().and_then(|_| bands.iter_mut().try_for_each(|w| w.flush()));
                flushed.map_err(|source| IndexError { path: path.clone(), source })?;
                let docs_path = dir.join(DOCS_FILE);
                docs_file.flush().map_err(|source| IndexError { path: docs_path.clone(), source })?;
                drop(docs_file);
                let docs = DocTable::read(&docs_path, len)?;
                let file = File::open(&path).map_err(|source| IndexError { path, source })?;
                let buf = std::cell::RefCell::new(vec![0u8; width * 8]);
                Ok((Spilled::Files { dir: dir.clone(), file, width, buf }, BandKeys::Files(dir), docs))
            }
        }
    }

    fn read(&self, i: usize, out: &mut Vec<u64>) -> Result<(), IndexError> {
        out.clear();
        match self {
            Spilled::Memory { all, width } => out.extend_from_slice(&all[i * width..(i + 1) * width]),
            Spilled::Files { dir, file, width, buf } => {
                use std::os::unix::fs::FileExt;
                let mut buf = buf.borrow_mut();
                file.read_exact_at(&mut buf, (i * width * 8) as u64)
                    .map_err(|source| IndexError { path: dir.join(MINHASH_FILE), source })?;
                out.extend(buf.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes"))));
            }
        }
        Ok(())
    }

    fn remove_files(self, bands: usize) {
        if let Spilled::Files { dir, .. } = self {
            let _ = std::fs::remove_file(dir.join(MINHASH_FILE));
            let _ = std::fs::remove_file(dir.join(DOCS_FILE));
            for b in 0..bands {
                let _ = std::fs::remove_file(dir.join(band_file(b)));
            }
        }
    }
}

impl BandKeys {
    /// The keys of one band for every document, in document order.
    fn take(&mut self, band: usize) -> Result<Vec<u64>, IndexError> {
        match self {
            BandKeys::Memory(bands) => Ok(std::mem::take(&mut bands[band])),
            BandKeys::Files(dir) => {
                let path = dir.join(band_file(band));
                let bytes = std::fs::read(&path).map_err(|source| IndexError { path, source })?;
                Ok(bytes.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes"))).collect())
            }
        }
    }
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind { parent: (0..n).collect() }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Joins two sets; the smaller root wins, so roots do not depend on the order of unions.
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }
}

/// `minima[j] = min(minima[j], mix(s ^ seeds[j]))` for every shingle `s`: the MinHash core,
/// most of the step's cost. This plain loop is the definition; [`avx2::fold_minima`] computes
/// the same minima with fewer instructions where the CPU allows.
fn fold_minima_portable(seeds: &[u64], shingles: &[u64], minima: &mut [u64]) {
    for &s in shingles {
        for (m, &seed) in minima.iter_mut().zip(seeds) {
            *m = (*m).min(mix(s ^ seed));
        }
    }
}

/// [`fold_minima_portable`], by the AVX-512 kernel and then the AVX2 one when the CPU has them
/// (the default target is plain x86-64, whose SIMD has no 64-bit multiply to speak of) for all
/// whole blocks of seeds. Integer arithmetic only, so every build and every CPU gives the same
/// minima bit for bit.
fn fold_minima(seeds: &[u64], shingles: &[u64], minima: &mut [u64]) {
    #[cfg(target_arch = "x86_64")]
    {
        let mut done = 0;
        if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx512dq") {
            // SAFETY: the CPU supports AVX-512 F and DQ (checked just above).
            done = unsafe { avx512::fold_minima(seeds, shingles, minima) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above).
            done += unsafe { avx2::fold_minima(&seeds[done..], shingles, &mut minima[done..]) };
        }
        fold_minima_portable(&seeds[done..], shingles, &mut minima[done..]);
    }
    #[cfg(not(target_arch = "x86_64"))]
    fold_minima_portable(seeds, shingles, minima)
}

/// The MinHash core in AVX2 intrinsics. Left to itself the compiler vectorises the plain loop
/// with the minima in memory (a load and a masked store per four hashes) and a 7-instruction
/// 64-bit multiply; here a block of [`avx2::SEED_BLOCK`] seeds keeps its running minima in
/// registers for a whole pass over the shingles, a multiply takes 6 instructions and `mix`'s
/// first step is done once per seed and once per shingle instead of once per pair (about 30%
/// fewer instructions than the compiler's loop).
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{MIX_MUL1, MIX_MUL2};

    const LANES: usize = 4;
    /// Seeds folded together: four registers of running minima.
    pub const SEED_BLOCK: usize = 4 * LANES;

    /// The first step of [`super::mix`]. It is linear over XOR, so for `mix(s ^ seed)` it can
    /// be applied to `s` and to `seed` apart: `pre(s ^ seed) == pre(s) ^ pre(seed)`.
    pub fn pre(x: u64) -> u64 {
        x ^ (x >> 30)
    }

    /// Lane-wise `x.wrapping_mul(c)`. AVX2 only multiplies 32-bit halves, so with x = xh·2³² + xl
    /// and c = ch·2³² + cl: x·c mod 2⁶⁴ = xl·cl + ((xl·ch + xh·cl) mod 2³²)·2³². `c_swapped`
    /// holds c with its halves swapped, so that one 32-bit multiply yields both cross products.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn mul(x: __m256i, c: __m256i, c_swapped: __m256i) -> __m256i {
        let cross = _mm256_mullo_epi32(x, c_swapped); // halves: xh·cl (high), xl·ch (low)
        let cross = _mm256_slli_epi64(_mm256_add_epi64(cross, _mm256_srli_epi64(cross, 32)), 32);
        _mm256_add_epi64(_mm256_mul_epu32(x, c), cross)
    }

    /// A constant in every lane, and with its halves swapped (for [`mul`]).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn constant(c: u64) -> (__m256i, __m256i) {
        (_mm256_set1_epi64x(c as i64), _mm256_set1_epi64x(c.rotate_left(32) as i64))
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn load(v: &[u64]) -> __m256i {
        assert!(v.len() >= LANES);
        // SAFETY: four u64 in bounds (checked above); unaligned loads are allowed.
        unsafe { _mm256_loadu_si256(v.as_ptr().cast()) }
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn store(v: &mut [u64], x: __m256i) {
        assert!(v.len() >= LANES);
        // SAFETY: four u64 in bounds (checked above); unaligned stores are allowed.
        unsafe { _mm256_storeu_si256(v.as_mut_ptr().cast(), x) }
    }

    /// [`super::fold_minima_portable`] over the whole blocks of [`SEED_BLOCK`] seeds; returns
    /// how many seeds it folded (the rest are left to the caller).
    #[target_feature(enable = "avx2")]
    pub fn fold_minima(seeds: &[u64], shingles: &[u64], minima: &mut [u64]) -> usize {
        const REGS: usize = SEED_BLOCK / LANES;
        let (m1, m1_swapped) = constant(MIX_MUL1);
        let (m2, m2_swapped) = constant(MIX_MUL2);
        // AVX2 compares signed lanes only: x < y unsigned iff (x ^ 2⁶³) < (y ^ 2⁶³) signed, so
        // the running minima are kept with their top bit flipped.
        let flip = _mm256_set1_epi64x(i64::MIN);
        let mut done = 0;
        for (seeds, minima) in seeds.chunks_exact(SEED_BLOCK).zip(minima.chunks_exact_mut(SEED_BLOCK)) {
            let mut pre_seed = [_mm256_setzero_si256(); REGS];
            let mut min = [_mm256_setzero_si256(); REGS];
            for r in 0..REGS {
                let seed = load(&seeds[r * LANES..]);
                pre_seed[r] = _mm256_xor_si256(seed, _mm256_srli_epi64(seed, 30));
                min[r] = _mm256_xor_si256(load(&minima[r * LANES..]), flip);
            }
            for &s in shingles {
                let pre_s = _mm256_set1_epi64x(pre(s) as i64);
                for r in 0..REGS {
                    // The rest of mix(s ^ seed), from pre(s) ^ pre(seed).
                    let z = mul(_mm256_xor_si256(pre_s, pre_seed[r]), m1, m1_swapped);
                    let z = mul(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), m2, m2_swapped);
                    let h = _mm256_xor_si256(_mm256_xor_si256(z, _mm256_srli_epi64(z, 31)), flip);
                    min[r] = _mm256_blendv_epi8(min[r], h, _mm256_cmpgt_epi64(min[r], h));
                }
            }
            for r in 0..REGS {
                store(&mut minima[r * LANES..], _mm256_xor_si256(min[r], flip));
            }
            done += SEED_BLOCK;
        }
        done
    }
}

/// The MinHash core in AVX-512 (F and DQ), where the CPU has it: eight lanes a register, and a
/// 64-bit multiply and an unsigned minimum are one instruction each (in AVX2 six and three), so
/// a pair of shingle and seed costs about a fifth of the AVX2 kernel's instructions and, on the
/// EPYC hosts this runs on, a quarter of its time. Same scheme as [`avx2::fold_minima`]: a block
/// of seeds keeps its running minima in registers for a whole pass over the shingles.
/// (Valgrind does not emulate AVX-512, so under callgrind the AVX2 kernel runs instead.)
#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{MIX_MUL1, MIX_MUL2, avx2::pre};

    const LANES: usize = 8;
    /// Seeds folded together: four registers of running minima.
    pub const SEED_BLOCK: usize = 4 * LANES;

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq")]
    fn load(v: &[u64]) -> __m512i {
        assert!(v.len() >= LANES);
        // SAFETY: eight u64 in bounds (checked above); unaligned loads are allowed.
        unsafe { _mm512_loadu_epi64(v.as_ptr().cast()) }
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq")]
    fn store(v: &mut [u64], x: __m512i) {
        assert!(v.len() >= LANES);
        // SAFETY: eight u64 in bounds (checked above); unaligned stores are allowed.
        unsafe { _mm512_storeu_epi64(v.as_mut_ptr().cast(), x) }
    }

    /// [`super::fold_minima_portable`] over the whole blocks of [`SEED_BLOCK`] seeds; returns
    /// how many seeds it folded (the rest are left to the caller).
    #[target_feature(enable = "avx512f,avx512dq")]
    pub fn fold_minima(seeds: &[u64], shingles: &[u64], minima: &mut [u64]) -> usize {
        const REGS: usize = SEED_BLOCK / LANES;
        let m1 = _mm512_set1_epi64(MIX_MUL1 as i64);
        let m2 = _mm512_set1_epi64(MIX_MUL2 as i64);
        let mut done = 0;
        for (seeds, minima) in seeds.chunks_exact(SEED_BLOCK).zip(minima.chunks_exact_mut(SEED_BLOCK)) {
            let mut pre_seed = [_mm512_setzero_si512(); REGS];
            let mut min = [_mm512_setzero_si512(); REGS];
            for r in 0..REGS {
                let seed = load(&seeds[r * LANES..]);
                pre_seed[r] = _mm512_xor_si512(seed, _mm512_srli_epi64(seed, 30));
                min[r] = load(&minima[r * LANES..]);
            }
            for &s in shingles {
                let pre_s = _mm512_set1_epi64(pre(s) as i64);
                for r in 0..REGS {
                    // The rest of mix(s ^ seed), from pre(s) ^ pre(seed) (see `avx2::pre`).
                    let z = _mm512_mullo_epi64(_mm512_xor_si512(pre_s, pre_seed[r]), m1);
                    let z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 27)), m2);
                    let h = _mm512_xor_si512(z, _mm512_srli_epi64(z, 31));
                    min[r] = _mm512_min_epu64(min[r], h);
                }
            }
            for r in 0..REGS {
                store(&mut minima[r * LANES..], min[r]);
            }
            done += SEED_BLOCK;
        }
        done
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

const MIX_MUL1: u64 = 0xbf58_476d_1ce4_e5b9;
const MIX_MUL2: u64 = 0x94d0_49bb_1331_11eb;

/// SplitMix64 finaliser: a well-mixed 64-bit permutation.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(MIX_MUL1);
    z = (z ^ (z >> 27)).wrapping_mul(MIX_MUL2);
    z ^ (z >> 31)
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    mix(*state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::tests::doc;

    fn nd() -> NearDuplicates {
        NearDuplicates::new(&DedupeDocumentsConfig::default()).unwrap()
    }

    fn sig(id: &str, text: &str, repairs: usize) -> DocSignature {
        let mut d = doc(text);
        d.doc_id = id.into();
        let mut s = nd().summarize(&d);
        s.repairs = repairs;
        s
    }

    const STORY: &str = "Presidents Joe Biden and Vladimir Putin spoke candidly for nearly an hour Thursday evening amid growing concern over the build-up of Russian troops near Ukraine. Putin asked for the call, the second among the leaders this month, ahead of scheduled talks between senior officials scheduled for Jan. 10 in Geneva. White House officials said the call began at 3:35 p.m. and ended 50 minutes later, after midnight in Moscow.";

    #[test]
    fn identical_and_near_copies_cluster_with_the_cleanest_as_representative() {
        let edited = STORY.replace("candidly", "frankly");
        let out = nd().finish(vec![
            sig("b", STORY, 3),
            sig("a", STORY, 5),
            sig("c", &edited, 0),
            sig("z", "An unrelated text about the weather in Berlin and the price of bread in the shops today.", 0),
        ]);
        assert_eq!(out.clusters.len(), 1, "{out:?}");
        let c = &out.clusters[0];
        assert_eq!(c.doc_ids, ["a", "b", "c"]);
        assert_eq!(c.representative, "c");
        assert!(c.similarity >= 0.8 && c.similarity < 1.0);
        assert_eq!(out.membership["a"].1.as_deref(), Some("c"));
        assert_eq!(out.membership["c"].1, None);
        assert!(!out.membership.contains_key("z"));
        // Stable ids: the same members give the same cluster id whatever the input order.
        let again = nd().finish(vec![sig("c", &edited, 0), sig("a", STORY, 5), sig("b", STORY, 3)]);
        assert_eq!(again.clusters[0].cluster_id, c.cluster_id);
    }

    #[test]
    fn spilled_index_clusters_like_the_in_memory_one_and_cleans_up() {
        let step = nd();
        let edited = STORY.replace("candidly", "frankly").replace("Thursday", "Friday");
        let sigs = vec![
            sig("w", "", 0),
            sig("b", STORY, 3),
            sig("z", "An unrelated text about the weather in Berlin and the price of bread in the shops today.", 0),
            sig("a", STORY, 5),
            sig("c", &edited, 0),
        ];
        let dir = tempfile::tempdir().unwrap();
        let mut spilled = step.index(Some(dir.path())).unwrap();
        for s in &sigs {
            spilled.push(s).unwrap();
        }
        assert!(dir.path().join(MINHASH_FILE).exists());
        let from_files = spilled.finish().unwrap();
        assert_eq!(from_files, step.finish(sigs));
        assert_eq!(from_files.clusters.len(), 1);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "spill files left behind");
    }

    #[test]
    fn empty_texts_never_cluster_and_bad_config_is_an_error() {
        let out = nd().finish(vec![sig("a", "", 0), sig("b", "", 0)]);
        assert!(out.clusters.is_empty());
        let cfg = DedupeDocumentsConfig { num_hashes: 100, bands: 32, ..Default::default() };
        assert!(NearDuplicates::new(&cfg).is_err());
    }

    /// The definition: the minimum over the distinct shingles (words joined by a space) of
    /// `mix(fnv1a(shingle) ^ seed)`, for every seed.
    fn reference_minhash(step: &NearDuplicates, norm: &str) -> Vec<u64> {
        let words: Vec<&str> = norm.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return Vec::new();
        }
        let k = step.shingle_words.min(words.len());
        let shingles: HashSet<u64> = words.windows(k).map(|w| fnv1a(w.join(" ").as_bytes())).collect();
        step.seeds.iter().map(|&seed| shingles.iter().map(|&s| mix(s ^ seed)).min().unwrap()).collect()
    }

    #[test]
    fn blocked_minhash_equals_the_plain_min_per_seed() {
        for num_hashes in [128, 100, 3] {
            let step = NearDuplicates::new(&DedupeDocumentsConfig { num_hashes, bands: 1, ..Default::default() }).unwrap();
            assert_eq!(step.signature(STORY), reference_minhash(&step, &comparable(STORY)), "{num_hashes} hashes");
        }
    }

    #[test]
    fn minhash_equals_the_definition_on_random_texts() {
        // Short texts (fewer words than a shingle), repeated shingles and non-ASCII words.
        let pieces = ["a", "the", "Putin", "said", "talks", "2021", "Кремль", "é", " ", ", ", ".", "—", "x"];
        let mut texts = crate::test_texts::random_texts(&pieces, 40);
        for shingle_words in [1, 2, 5] {
            let step = NearDuplicates::new(&DedupeDocumentsConfig { shingle_words, num_hashes: 20, bands: 4, ..Default::default() }).unwrap();
            for t in texts.by_ref().take(3_000) {
                assert_eq!(step.signature(&t), reference_minhash(&step, &comparable(&t)), "{t:?}");
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_minima_equal_the_plain_loop_on_random_shingles() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        let mut state = 7u64;
        for (num_seeds, num_shingles) in [(128, 300), (100, 57), (16, 1), (3, 10), (40, 0)] {
            let seeds: Vec<u64> = (0..num_seeds).map(|_| splitmix64(&mut state)).collect();
            // Random values, and values with the top bit set or clear (the unsigned compare).
            let mut shingles: Vec<u64> = (0..num_shingles).map(|_| splitmix64(&mut state)).collect();
            shingles.extend([0, 1, u64::MAX, 1 << 63, (1 << 63) - 1]);
            let mut want = vec![u64::MAX; num_seeds];
            fold_minima_portable(&seeds, &shingles, &mut want);
            let mut got = vec![u64::MAX; num_seeds];
            // SAFETY: the CPU supports AVX2 (checked above).
            let done = unsafe { avx2::fold_minima(&seeds, &shingles, &mut got) };
            assert_eq!(done, num_seeds / avx2::SEED_BLOCK * avx2::SEED_BLOCK);
            assert_eq!(got[..done], want[..done], "{num_seeds} seeds, {num_shingles} shingles");
            let mut got = vec![u64::MAX; num_seeds];
            fold_minima(&seeds, &shingles, &mut got);
            assert_eq!(got, want);
        }
        assert_eq!(avx2::pre(0x1234_5678_9abc_def0 ^ 0xfedc_ba98_7654_3210), avx2::pre(0x1234_5678_9abc_def0) ^ avx2::pre(0xfedc_ba98_7654_3210));
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx512_minima_equal_the_plain_loop_on_random_shingles() {
        if !(std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx512dq")) {
            return;
        }
        let mut state = 11u64;
        for (num_seeds, num_shingles) in [(128, 300), (100, 57), (32, 1), (48, 10), (3, 10), (40, 0)] {
            let seeds: Vec<u64> = (0..num_seeds).map(|_| splitmix64(&mut state)).collect();
            // Random values, and values with the top bit set or clear (the unsigned minimum).
            let mut shingles: Vec<u64> = (0..num_shingles).map(|_| splitmix64(&mut state)).collect();
            shingles.extend([0, 1, u64::MAX, 1 << 63, (1 << 63) - 1]);
            let mut want = vec![u64::MAX; num_seeds];
            fold_minima_portable(&seeds, &shingles, &mut want);
            let mut got = vec![u64::MAX; num_seeds];
            // SAFETY: the CPU supports AVX-512 F and DQ (checked above).
            let done = unsafe { avx512::fold_minima(&seeds, &shingles, &mut got) };
            assert_eq!(done, num_seeds / avx512::SEED_BLOCK * avx512::SEED_BLOCK);
            assert_eq!(got[..done], want[..done], "{num_seeds} seeds, {num_shingles} shingles");
            // The dispatcher: AVX-512 blocks, then AVX2 blocks, then the plain loop.
            let mut got = vec![u64::MAX; num_seeds];
            fold_minima(&seeds, &shingles, &mut got);
            assert_eq!(got, want);
        }
    }

    #[test]
    fn signatures_are_deterministic() {
        assert_eq!(nd().signature(STORY), nd().signature(STORY));
        assert_eq!(nd().signature(STORY).len(), 128);
        assert!(NearDuplicates::similarity(&nd().signature(STORY), &nd().signature("Completely different words here now.")) < 0.1);
    }
}
