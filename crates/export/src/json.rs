//! Compact JSON rows, byte for byte what `serde_json::to_writer` writes, with a faster string
//! escaper.
//!
//! serde_json looks up every byte of a string in a table before copying the run up to the next
//! escape; the datasets are ~7.5x their input, nearly all of it string contents (article text,
//! sentences, mention texts), so that loop was ~3% of a whole run. Here the search for the next
//! byte to escape looks at 8 bytes at a time. Everything else is left to serde_json's own
//! `CompactFormatter` (numbers, escapes), so only the string scan and the `{"key":value,...}` /
//! `[a,b]` punctuation are this module's.
//!
//! Only the part of serde's data model that rows use is handled (structs, sequences, options,
//! strings, numbers, booleans, unit enum variants, maps with string keys); for anything else, or
//! any error, the row is written again by serde_json itself, so the output never differs.

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible};
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

/// Appends `value` as compact JSON, exactly as `serde_json::to_writer` would.
pub(crate) fn write_compact<T: ?Sized + Serialize>(out: &mut Vec<u8>, value: &T) -> Result<(), serde_json::Error> {
    let len = out.len();
    if value.serialize(Compact { out }).is_ok() {
        return Ok(());
    }
    out.truncate(len);
    serde_json::to_writer(&mut *out, value)
}

/// The bytes a JSON string must escape: `"`, `\` and the control characters below 0x20.
fn needs_escape(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// Position of the first byte of `s` that needs escaping (`s.len()` when none does).
fn escape_position(s: &[u8]) -> usize {
    if s.len() < 8 {
        return s.iter().position(|&b| needs_escape(b)).unwrap_or(s.len());
    }
    let word = |at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"));
    let mut at = 0;
    while at + 8 <= s.len() {
        if let Some(i) = first_escape_in(word(at)) {
            return at + i;
        }
        at += 8;
    }
    // The last bytes, as the 8 that end the string: those before them were just found clean.
    if at < s.len() {
        if let Some(i) = first_escape_in(word(s.len() - 8)) {
            return s.len() - 8 + i;
        }
    }
    s.len()
}

/// Index of the first of the 8 bytes of `x` (little-endian) that needs escaping.
fn first_escape_in(x: u64) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // `(v - ONES) & !v & HIGH` sets the high bit of the bytes of `v` that are zero, and
    // `(x - 0x20 * ONES) & !x & HIGH` of the bytes of `x` below 0x20. A borrow can also mark a
    // byte above a true hit, never one below it, so the lowest mark is exact.
    let quote = x ^ (ONES * u64::from(b'"'));
    let backslash = x ^ (ONES * u64::from(b'\\'));
    let marks = ((quote.wrapping_sub(ONES) & !quote) | (backslash.wrapping_sub(ONES) & !backslash) | (x.wrapping_sub(ONES * 0x20) & !x)) & HIGH;
    (marks != 0).then(|| (marks.trailing_zeros() / 8) as usize)
}

/// serde_json's escape of a byte that [`needs_escape`].
fn char_escape(b: u8) -> CharEscape {
    match b {
        b'"' => CharEscape::Quote,
        b'\\' => CharEscape::ReverseSolidus,
        0x08 => CharEscape::Backspace,
        b'\t' => CharEscape::Tab,
        b'\n' => CharEscape::LineFeed,
        0x0C => CharEscape::FormFeed,
        b'\r' => CharEscape::CarriageReturn,
        _ => CharEscape::AsciiControl(b),
    }
}

/// A JSON string: copies the runs between escapes whole.
fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let mut rest = s.as_bytes();
    loop {
        let at = escape_position(rest);
        out.extend_from_slice(&rest[..at]);
        let Some(&b) = rest.get(at) else { break };
        CompactFormatter.write_char_escape(out, char_escape(b)).expect("writing to a Vec cannot fail");
        rest = &rest[at + 1..];
    }
    out.push(b'"');
}

/// A value [`Compact`] leaves to serde_json (or a `Serialize` impl's own error).
#[derive(Debug)]
struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to serde_json")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unsupported
    }
}

/// Writing to a Vec cannot fail: the formatter's io errors never happen.
fn vec_write(r: std::io::Result<()>) -> Result<(), Unsupported> {
    r.map_err(|_| Unsupported)
}

struct Compact<'a> {
    out: &'a mut Vec<u8>,
}

/// A struct, map or sequence being written: the separator goes before every element but the first.
struct Compound<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
    close: u8,
}

impl Compound<'_> {
    fn separate(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }

    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.separate();
        value.serialize(Compact { out: self.out })
    }

    fn field<T: ?Sized + Serialize>(&mut self, key: &str, value: &T) -> Result<(), Unsupported> {
        self.separate();
        write_str(self.out, key);
        self.out.push(b':');
        value.serialize(Compact { out: self.out })
    }

    fn end(self) -> Result<(), Unsupported> {
        self.out.push(self.close);
        Ok(())
    }
}

impl<'a> Compact<'a> {
    fn open(self, open: u8, close: u8) -> Compound<'a> {
        self.out.push(open);
        Compound { out: self.out, first: true, close }
    }
}

impl<'a> ser::Serializer for Compact<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        vec_write(CompactFormatter.write_bool(self.out, v))
    }
    fn serialize_i8(self, v: i8) -> Result<(), Unsupported> {
        vec_write(CompactFormatter.write_i8(self.out, v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Unsupported> {
        vec_write(CompactFormatter.write_i16(self.out, v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Unsupported> {
        vec_write(CompactFormatter.write_i32(self.out, v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Unsupported> {
        vec_write(CompactFormatter.write_i64(self.out, v))
    }
    fn serialize_i128(self, v: i128) -> Result<(), Unsupported> {
        vec_write(CompactFormatter.write_i128(self.out, v))
    }
    fn serialize_u8(self, v: u8) -> Result<(), Unsupported> {
        vec_write(CompactFormatter.write_u8(self.out, v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Unsupported> {
        vec_write(CompactFormatter.write_u16(self.out, v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Unsupported> {
        vec_write(CompactFormatter.write_u32(self.out, v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Unsupported> {
        vec_write(CompactFormatter.write_u64(self.out, v))
    }
    fn serialize_u128(self, v: u128) -> Result<(), Unsupported> {
        vec_write(CompactFormatter.write_u128(self.out, v))
    }
    // Like serde_json: a NaN or infinite number is written as null.
    fn serialize_f32(self, v: f32) -> Result<(), Unsupported> {
        if !v.is_finite() {
            return self.serialize_unit();
        }
        vec_write(CompactFormatter.write_f32(self.out, v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Unsupported> {
        if !v.is_finite() {
            return self.serialize_unit();
        }
        vec_write(CompactFormatter.write_f64(self.out, v))
    }
    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        write_str(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        self.serialize_unit()
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), Unsupported> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, Unsupported> {
        Ok(self.open(b'[', b']'))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'a>, Unsupported> {
        Ok(self.open(b'[', b']'))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, Unsupported> {
        Ok(self.open(b'[', b']'))
    }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, Unsupported> {
        Ok(self.open(b'{', b'}'))
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Compound<'a>, Unsupported> {
        // serde_json's raw values and arbitrary-precision numbers are structs with these names.
        if name.starts_with("$serde_json::") {
            return Err(Unsupported);
        }
        Ok(self.open(b'{', b'}'))
    }
    fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported)
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.element(value)
    }
    fn end(self) -> Result<(), Unsupported> {
        Compound::end(self)
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.element(value)
    }
    fn end(self) -> Result<(), Unsupported> {
        Compound::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.element(value)
    }
    fn end(self) -> Result<(), Unsupported> {
        Compound::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Unsupported> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Unsupported> {
        Compound::end(self)
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Unsupported> {
        self.separate();
        key.serialize(StrKey { out: self.out })?;
        self.out.push(b':');
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
        value.serialize(Compact { out: self.out })
    }
    fn end(self) -> Result<(), Unsupported> {
        Compound::end(self)
    }
}

/// A map key: only strings are written here (serde_json also quotes numbers and booleans; such
/// maps are left to it).
struct StrKey<'a> {
    out: &'a mut Vec<u8>,
}

impl ser::Serializer for StrKey<'_> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Impossible<(), Unsupported>;
    type SerializeTuple = Impossible<(), Unsupported>;
    type SerializeTupleStruct = Impossible<(), Unsupported>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Impossible<(), Unsupported>;
    type SerializeStruct = Impossible<(), Unsupported>;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_bool(self, _: bool) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_i8(self, _: i8) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_i16(self, _: i16) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_i32(self, _: i32) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_i64(self, _: i64) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_u8(self, _: u8) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_u16(self, _: u16) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_u32(self, _: u32) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_u64(self, _: u64) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_f32(self, _: f32) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_f64(self, _: f64) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_char(self, _: char) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, _: &T) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pipeline::{BlockKind, DocumentRow, EntityLabel, EntityRow, MentionRow, PublishedBasis, QuantityRow, QuoteRow, SourceInfo, SpeakerKind};
    use std::collections::BTreeMap;

    fn ours<T: Serialize>(value: &T) -> Vec<u8> {
        let mut out = b"prefix ".to_vec();
        write_compact(&mut out, value).unwrap();
        out.split_off(7)
    }

    /// Written like serde_json, and by this module (not by falling back).
    fn same<T: Serialize>(value: &T) {
        assert!(value.serialize(Compact { out: &mut Vec::new() }).is_ok(), "fell back");
        same_by_fallback(value);
    }

    fn same_by_fallback<T: Serialize>(value: &T) {
        let want = serde_json::to_vec(value).unwrap();
        assert_eq!(String::from_utf8_lossy(&ours(value)), String::from_utf8_lossy(&want));
    }

    /// Random strings made of the pieces that matter to an escaper: every byte below 0x20, quotes,
    /// backslashes, DEL, multi-byte UTF-8, and plain runs of every length around the 8-byte chunks.
    fn random_strings(n: usize) -> Vec<String> {
        let pieces: Vec<String> = (0u8..0x20)
            .map(|b| char::from(b).to_string())
            .chain(["\"", "\\", "\u{7f}", "é", "Путин", "“”", "\u{2028}", "😀", "/", " ", "a", "said", "0123456789abcdef"].map(String::from))
            .collect();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..n)
            .map(|_| {
                let len = next() % 40;
                (0..len).map(|_| pieces[(next() % pieces.len() as u64) as usize].as_str()).collect()
            })
            .collect()
    }

    #[test]
    fn every_byte_is_escaped_like_serde_json() {
        for b in 0u8..0x80 {
            let s = char::from(b).to_string();
            for text in [s.clone(), format!("abcdefgh{s}"), format!("abc{s}defghijklm"), format!("{s}{s}")] {
                same(&text);
            }
        }
    }

    #[test]
    fn escape_position_finds_the_first_byte_to_escape() {
        for s in random_strings(2000) {
            let want = s.bytes().position(needs_escape).unwrap_or(s.len());
            assert_eq!(escape_position(s.as_bytes()), want, "{s:?}");
        }
    }

    #[test]
    fn random_rows_are_written_like_serde_json() {
        let texts = random_strings(300);
        for (i, t) in texts.iter().enumerate() {
            let opt = (i % 3 != 0).then(|| texts[(i * 7) % texts.len()].clone());
            same(t);
            same(&MentionRow {
                doc_id: t.clone(),
                mention_id: format!("m{i}"),
                sent_index: i,
                start: i * 3,
                end: usize::MAX - i,
                text: t.clone(),
                label: EntityLabel::MISC,
                entity_id: t.clone(),
            });
            same(&QuoteRow {
                doc_id: "d".into(),
                quote_id: t.clone(),
                start: 0,
                end: 5,
                text: t.clone(),
                speaker: opt.clone(),
                speaker_entity_id: None,
                speaker_kind: SpeakerKind::ANON,
                speaker_start: opt.as_ref().map(|_| i),
                speaker_end: None,
                cue: opt.clone(),
                cue_start: Some(7),
                cue_end: None,
                rule: "said_after".into(),
            });
            same(&EntityRow {
                entity_id: "e1".into(),
                label: EntityLabel::PER,
                name: t.clone(),
                aliases: texts[i % 5..i % 5 + i % 4].to_vec(),
                roles: Vec::new(),
                n_docs: i,
                n_mentions: 0,
            });
            let values = [0.0, -0.0, 1.5, -2.25e-7, 1e21, 123456789.0, f64::NAN, f64::INFINITY, f64::MIN_POSITIVE, i as f64 / 7.0];
            same(&QuantityRow { doc_id: "d".into(), start: 1, end: 2, text: t.clone(), value: values[i % values.len()], unit: opt, approximate: i % 2 == 0 });
        }
        same(&BlockKind::Body);
        same(&(1u8, -2i64, 3.5f32, f32::NAN, 'x', '"', (), Some(u128::MAX), i128::MIN));
        same(&BTreeMap::from([("a\"b".to_string(), vec![1, 2]), ("".to_string(), vec![])]));
    }

    #[test]
    fn document_rows_are_written_like_serde_json() {
        for (i, text) in random_strings(100).into_iter().enumerate() {
            let mut source = SourceInfo::in_memory(&text, &text);
            source.line = (i % 2 == 0).then_some(i as u64);
            same(&DocumentRow {
                doc_id: "d1".into(),
                source,
                outlet: None,
                site: Some("x.com".into()),
                title: Some(text.clone()),
                authors: vec![text.clone(), "B".into()],
                contributors: Vec::new(),
                dateline: None,
                published: Some("2021-12-30".into()),
                published_basis: PublishedBasis::InferredWeekday,
                language: Some("en".into()),
                text: text.repeat(3),
                raw_text: text.clone(),
                n_words: i,
                n_sentences: 1,
                cluster_id: None,
                duplicate_of: Some(text),
            });
        }
    }

    #[test]
    fn what_is_not_handled_here_is_left_to_serde_json() {
        #[derive(Serialize)]
        enum E {
            New(u8),
            Tuple(u8, String),
            Struct { a: Vec<u8> },
        }
        same_by_fallback(&vec![E::New(1), E::Tuple(2, "x\"".into()), E::Struct { a: vec![3] }]);
        same_by_fallback(&BTreeMap::from([(1u32, "one"), (2, "two")]));
        // serde_json's own values are written here: they are maps with string keys.
        same(&serde_json::json!({"b": [1, 2.5, null, -3], "a": {"x": "y\n"}}));
        // A Serialize impl's own error comes from serde_json too.
        struct Fails;
        impl Serialize for Fails {
            fn serialize<S: ser::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(ser::Error::custom("nope"))
            }
        }
        let err = write_compact(&mut Vec::new(), &vec![Fails]).unwrap_err();
        assert_eq!(err.to_string(), serde_json::to_vec(&vec![Fails]).unwrap_err().to_string());
    }
}
