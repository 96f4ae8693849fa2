//! Stable ids: derived from content and position, never from run order or time, so the same input
//! gives the same ids in every run and at every thread count.

use sha2::{Digest, Sha256};

/// Lower-case hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// First `n` hex digits of SHA-256 over the parts, separated so that ("ab","c") != ("a","bc").
pub fn short_hash(parts: &[&str], n: usize) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    let mut s = String::with_capacity(n);
    for b in digest.iter() {
        if s.len() >= n {
            break;
        }
        s.push_str(&format!("{b:02x}"));
    }
    s.truncate(n);
    s
}

/// Document id from the input's path relative to its input root, plus the record's position in a
/// multi-record file (a JSONL line), or its own id field when it has one.
pub fn doc_id(relative_path: &str, record: Option<&str>) -> String {
    format!("d{}", short_hash(&[relative_path, record.unwrap_or("")], 15))
}

/// Entity id from the entity's label and canonical name: the same person gets the same id in
/// every document and every run.
pub fn entity_id(label: &str, canonical_name: &str) -> String {
    format!("e{}", short_hash(&[label, &canonical_name.to_lowercase()], 11))
}

/// A 64-bit FNV-1a key of a string (a doc_id, a name) for compact in-memory indexes: stable
/// across runs and platforms; not for output, and not where a collision would matter.
pub fn key64(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Id of a span row inside a document: kind letter plus its code-point start and end.
pub fn span_id(doc_id: &str, kind: char, start: usize, end: usize) -> String {
    // Built by hand: one allocation (room for any two numbers) and no formatting machinery: there is
    // one id per mention and quote (same text as `format!("{doc_id}-{kind}{start}-{end}")`).
    let mut s = String::with_capacity(doc_id.len() + kind.len_utf8() + 2 * 20 + 2);
    s.push_str(doc_id);
    s.push('-');
    s.push(kind);
    push_decimal(&mut s, start);
    s.push('-');
    push_decimal(&mut s, end);
    s
}

/// Appends `n` in decimal.
fn push_decimal(s: &mut String, mut n: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    s.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(doc_id("a.txt", None), doc_id("a.txt", None));
        assert_ne!(doc_id("a.txt", None), doc_id("b.txt", None));
        assert_ne!(doc_id("a.jsonl", Some("1")), doc_id("a.jsonl", Some("2")));
        assert_eq!(entity_id("PER", "Vladimir Putin"), entity_id("PER", "vladimir putin"));
        assert_ne!(entity_id("PER", "Georgia"), entity_id("LOC", "Georgia"));
        assert_eq!(short_hash(&["ab", "c"], 8).len(), 8);
        assert_ne!(short_hash(&["ab", "c"], 8), short_hash(&["a", "bc"], 8));
        for (start, end) in [(0, 0), (9, 10), (99, 100), (12345, 67890), (usize::MAX - 1, usize::MAX)] {
            for kind in ['m', 'q', 'é'] {
                assert_eq!(span_id("d1f", kind, start, end), format!("d1f-{kind}{start}-{end}"));
            }
        }
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
