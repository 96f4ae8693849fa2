//! Bytes to text, safely. The rules, in order:
//!
//! 1. A byte-order mark decides: UTF-8, UTF-16LE or UTF-16BE (the mark itself is dropped).
//! 2. Binary data is refused: known magic numbers (PDF, images, archives, executables), NUL
//!    bytes, or a high share of control bytes. UTF-16 without a BOM (every other byte NUL in
//!    mostly-ASCII text) is recognised and decoded, with a warning, instead of refused.
//! 3. Valid UTF-8 is taken as is.
//! 4. An encoding the file declares itself (an HTML `<meta charset>`) is used when the bytes are
//!    not valid UTF-8.
//! 5. Otherwise, bytes with no valid multi-byte UTF-8 sequence at all are Windows-1252 (a superset
//!    of Latin-1 for printable characters), with a warning.
//! 6. An otherwise UTF-8 text with a few invalid bytes (typically a Windows-1252 quote pasted into
//!    a UTF-8 article) keeps its UTF-8 and reads each lone invalid byte as Windows-1252, so a
//!    `0x92` becomes `’` rather than being lost; broken multi-byte sequences (truncation) become
//!    U+FFFD. Both are counted in a warning. This loses less than either alternative: decoding the
//!    whole file as Windows-1252 would garble every real UTF-8 character, and plain replacement
//!    would drop the pasted punctuation and accented letters.
//!
//! Line endings are never touched here: `raw_text` is the decoded text exactly.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// Decoded text, the encoding it was read as, and what was guessed or repaired on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    /// Encoding name as encoding_rs spells it (`UTF-8`, `UTF-16LE`, `windows-1252`, ...).
    pub encoding: &'static str,
    pub warnings: Vec<String>,
}

/// Decodes `bytes`; `declared` is an encoding the file states itself (HTML meta charset). An
/// error is the reason the bytes are not text (for a `binary` reject).
pub fn decode(bytes: &[u8], declared: Option<&'static Encoding>) -> Result<Decoded, String> {
    let mut warnings = Vec::new();
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            warnings.push(format!("invalid {} sequences replaced with U+FFFD", enc.name()));
        }
        return finish(text.into_owned(), enc, warnings);
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        warnings.push(format!("no byte-order mark; decoded as {} from the pattern of zero bytes", enc.name()));
        if had_errors {
            warnings.push(format!("invalid {} sequences replaced with U+FFFD", enc.name()));
        }
        return finish(text.into_owned(), enc, warnings);
    }
    if let Some(what) = sniff_binary(bytes) {
        return Err(what);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return finish(s.to_string(), UTF_8, warnings);
    }
    if let Some(enc) = declared.filter(|e| *e != UTF_8 && *e != UTF_16LE && *e != UTF_16BE) {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        if had_errors {
            warnings.push(format!("invalid {} sequences replaced with U+FFFD", enc.name()));
        }
        return finish(text.into_owned(), enc, warnings);
    }
    let mixed = utf8_with_cp1252_bytes(bytes);
    if mixed.multibyte_chars == 0 {
        let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
        warnings.push("not valid UTF-8 and no encoding declared; decoded as windows-1252".to_string());
        return finish(text.into_owned(), WINDOWS_1252, warnings);
    }
    if mixed.lone_bytes > 0 {
        warnings.push(format!(
            "{} invalid UTF-8 byte(s) read as windows-1252 characters (first at byte {})",
            mixed.lone_bytes,
            mixed.first_bad.unwrap_or(0)
        ));
    }
    if mixed.broken_sequences > 0 {
        warnings.push(format!("{} broken UTF-8 sequence(s) replaced with U+FFFD", mixed.broken_sequences));
    }
    finish(mixed.text, UTF_8, warnings)
}

fn finish(text: String, enc: &'static Encoding, warnings: Vec<String>) -> Result<Decoded, String> {
    if text.contains('\0') {
        return Err(format!("contains NUL characters after decoding as {}", enc.name()));
    }
    Ok(Decoded { text, encoding: enc.name(), warnings })
}

/// What kind of binary data `bytes` look like, or None for text.
pub fn sniff_binary(bytes: &[u8]) -> Option<String> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF document"),
        (b"\x89PNG", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF87a", "GIF image"),
        (b"GIF89a", "GIF image"),
        (b"PK\x03\x04", "ZIP archive (or docx/xlsx/epub)"),
        (b"\x1f\x8b", "gzip data without a .gz extension"),
        (b"\x7fELF", "executable"),
        (b"\xd0\xcf\x11\xe0", "Microsoft Office document"),
    ];
    for (magic, what) in MAGIC {
        if bytes.starts_with(magic) {
            return Some((*what).to_string());
        }
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" {
        return Some("RIFF media (WebP, WAV, AVI)".to_string());
    }
    if bytes.contains(&0) {
        return Some("contains NUL bytes".to_string());
    }
    let head = &bytes[..bytes.len().min(8192)];
    let control = count_controls(head);
    if control >= 8 && control * 20 > head.len() {
        return Some(format!("{control} control bytes in the first {} bytes", head.len()));
    }
    None
}

/// How many bytes of `bytes` are control bytes that text does not hold: C0 controls other than
/// tab, line feed, form feed, carriage return and escape, and DEL. Every file is sniffed (its
/// first 8 KB, twice a run): the test is spelled with non-short-circuit operators and summed per 32-byte chunk in a
/// u8, which compiles to vector compares, where a filter and count cost ~8 instructions a byte.
fn count_controls(bytes: &[u8]) -> usize {
    bytes
        .chunks(32)
        .map(|chunk| {
            let n = chunk.iter().fold(0u8, |n, &b| {
                let kept = (b == b'\t') | (b == b'\n') | (b == b'\r') | (b == 0x0c) | (b == 0x1b);
                n + u8::from(((b < 0x20) & !kept) | (b == 0x7f))
            });
            usize::from(n)
        })
        .sum()
}

/// The zero bytes of `bytes` at even and at odd offsets. Both counts come from one pass over
/// byte pairs, summed per 64 pairs in u8s (vector compares), where two strided filters cost ~5
/// instructions a byte on every file read.
fn zeros_by_parity(bytes: &[u8]) -> (usize, usize) {
    bytes.chunks(128).fold((0, 0), |(even, odd), chunk| {
        let (e, o) = chunk.chunks_exact(2).fold((0u8, 0u8), |(e, o), pair| (e + u8::from(pair[0] == 0), o + u8::from(pair[1] == 0)));
        (even + usize::from(e), odd + usize::from(o))
    })
}

/// UTF-16 text without a BOM: mostly-ASCII UTF-16 has a zero in every other byte.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    if head.len() < 8 {
        return None;
    }
    let pairs = head.len() / 2;
    let (even_zero, odd_zero) = zeros_by_parity(head);
    let mostly = |n: usize| n * 10 >= pairs * 7;
    let rarely = |n: usize| n * 20 <= pairs;
    if mostly(odd_zero) && rarely(even_zero) {
        Some(UTF_16LE)
    } else if mostly(even_zero) && rarely(odd_zero) {
        Some(UTF_16BE)
    } else {
        None
    }
}

struct Mixed {
    text: String,
    multibyte_chars: usize,
    lone_bytes: usize,
    broken_sequences: usize,
    first_bad: Option<usize>,
}

/// UTF-8 decoding where each lone invalid byte is read as Windows-1252 and each broken
/// multi-byte sequence becomes U+FFFD. Linear: each `from_utf8` call stops at the next error.
fn utf8_with_cp1252_bytes(bytes: &[u8]) -> Mixed {
    let mut m = Mixed { text: String::with_capacity(bytes.len() + 16), multibyte_chars: 0, lone_bytes: 0, broken_sequences: 0, first_bad: None };
    let mut rest = bytes;
    let mut offset = 0usize;
    loop {
        let (good, bad_len) = match std::str::from_utf8(rest) {
            Ok(_) => (rest.len(), 0),
            Err(e) => (e.valid_up_to(), e.error_len().unwrap_or(rest.len() - e.valid_up_to())),
        };
        // The prefix up to valid_up_to is valid UTF-8 by definition; unwrap_or_default never fires.
        let valid = std::str::from_utf8(&rest[..good]).unwrap_or_default();
        m.multibyte_chars += valid.bytes().filter(|&b| b >= 0xc0).count();
        m.text.push_str(valid);
        if bad_len == 0 {
            break;
        }
        m.first_bad.get_or_insert(offset + good);
        if bad_len == 1 {
            m.text.push(cp1252_char(rest[good]));
            m.lone_bytes += 1;
        } else {
            m.text.push('\u{fffd}');
            m.broken_sequences += 1;
        }
        offset += good + bad_len;
        rest = &rest[good + bad_len..];
    }
    m
}

/// The Windows-1252 character of one byte >= 0x80; U+FFFD for the five undefined bytes (which
/// WHATWG maps to C1 controls, never wanted in an article).
fn cp1252_char(b: u8) -> char {
    let one = [b];
    let (s, _) = WINDOWS_1252.decode_without_bom_handling(&one);
    match s.chars().next() {
        Some(c) if !('\u{80}'..='\u{9f}').contains(&c) => c,
        _ => '\u{fffd}',
    }
}

/// The charset an HTML page declares in its first 4 KB (`<meta charset=...>` or
/// `<meta http-equiv="Content-Type" content="...; charset=...">`), if encoding_rs knows it.
pub fn html_declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = head[from..].find("charset") {
        let at = from + i + "charset".len();
        let rest = head[at..].trim_start();
        if let Some(rest) = rest.strip_prefix('=') {
            let value: String = rest
                .trim_start()
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
                .collect();
            if let Some(enc) = Encoding::for_label(value.as_bytes()) {
                return Some(enc);
            }
        }
        from = at;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_are_the_plain_filters() {
        // Random bytes, weighted to the boundaries the counts test, in every length up to past
        // a few chunks.
        let alphabet = [0u8, 1, 8, 9, 10, 11, 12, 13, 14, 0x1a, 0x1b, 0x1c, 0x1f, 0x20, b'a', 0x7e, 0x7f, 0x80, 0xe2, 0xff];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for len in 0..300 {
            for _ in 0..20 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        alphabet[(seed >> 59) as usize % alphabet.len()]
                    })
                    .collect();
                let plain = bytes.iter().filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f).count();
                assert_eq!(count_controls(&bytes), plain, "{bytes:?}");
                let head = &bytes[..bytes.len() & !1];
                let even_zero = head.iter().step_by(2).filter(|&&b| b == 0).count();
                let odd_zero = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
                assert_eq!(zeros_by_parity(head), (even_zero, odd_zero), "{bytes:?}");
            }
        }
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode("Kremlin – “talks”\r\n".as_bytes(), None).unwrap();
        assert_eq!(d.text, "Kremlin – “talks”\r\n", "CRLF kept as is");
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.warnings.is_empty());
        let mut b = b"\xef\xbb\xbf".to_vec();
        b.extend_from_slice("Путин said".as_bytes());
        let d = decode(&b, None).unwrap();
        assert_eq!(d.text, "Путин said");
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn utf16_with_bom_and_without() {
        let text = "Biden – Putin call\n";
        let mut le = vec![0xff, 0xfe];
        le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let d = decode(&le, None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (text, "UTF-16LE"));
        let mut be = vec![0xfe, 0xff];
        be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
        let d = decode(&be, None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (text, "UTF-16BE"));
        let bare: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let d = decode(&bare, None).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (text, "UTF-16LE"));
        assert!(d.warnings[0].contains("byte-order mark"));
    }

    #[test]
    fn windows_1252_when_not_utf8() {
        let d = decode(b"The \x93summit\x94 in Gen\xe8ve cost \x80100", None).unwrap();
        assert_eq!(d.text, "The “summit” in Genève cost €100");
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.warnings[0].contains("windows-1252"));
    }

    #[test]
    fn stray_bytes_in_utf8_keep_the_utf8_and_lose_nothing() {
        let mut b = "Путин and Biden".as_bytes().to_vec();
        b.extend_from_slice(b" didn\x92t agree");
        b.extend_from_slice(&[0xe2, 0x80]); // truncated sequence
        b.extend_from_slice(b" end");
        let d = decode(&b, None).unwrap();
        assert_eq!(d.text, "Путин and Biden didn’t agree\u{fffd} end");
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.warnings.len(), 2, "{:?}", d.warnings);
        assert!(d.warnings[0].contains("first at byte 25"), "{:?}", d.warnings);
    }

    #[test]
    fn declared_charset_is_used_for_non_utf8_html() {
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"></head><body>Z\xfcrich</body></html>";
        let enc = html_declared_charset(page).unwrap();
        let d = decode(page, Some(enc)).unwrap();
        assert!(d.text.contains("Zürich"));
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(html_declared_charset(b"<meta charset=\"utf-8\">"), Some(UTF_8));
        assert_eq!(html_declared_charset(b"<meta charset=nonsense>"), None);
    }

    #[test]
    fn binary_is_refused() {
        assert!(decode(b"%PDF-1.7\n...", None).unwrap_err().contains("PDF"));
        assert!(decode(b"\x89PNG\r\n\x1a\n", None).unwrap_err().contains("PNG"));
        assert!(decode(b"text\0with nul inside it and more text here", None).unwrap_err().contains("NUL"));
        let noise: Vec<u8> = (0u8..200).map(|i| (i % 31) + 1).collect();
        assert!(decode(&noise, None).is_err());
        // Form feeds and tabs are text.
        assert!(decode(b"Page one\x0cPage two\tend", None).is_ok());
        assert!(decode(b"", None).unwrap().text.is_empty());
    }
}
