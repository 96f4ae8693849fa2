//! Reading single fields of JSONL rows that this crate wrote, without parsing the rows.
//!
//! serde_json writes a struct's fields in declaration order with no spaces, so a row's first and
//! last fields sit at known places. Callers fall back to a full parse whenever these return None.

/// Whether `s` is written in JSON exactly as it is: no quote, backslash or control character.
pub fn is_plain_json_str(s: &str) -> bool {
    !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20)
}

/// The value of `{"key":"value"...` when a JSON row starts with that string field and the value
/// has no escapes. Only a key can be followed by an unescaped `":"` (inside a string value the
/// quotes would be escaped), so a match cannot come from a value.
pub fn leading_str_field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.strip_prefix("{\"")?.strip_prefix(key)?.strip_prefix("\":\"")?;
    let value = &rest[..rest.find('"')?];
    is_plain_json_str(value).then_some(value)
}

/// The byte offset and value of `..."key":"value"}` when a JSON row ends with that string field
/// and the value has no escapes (see `leading_str_field` for why the key cannot be a value).
pub fn trailing_str_field<'a>(line: &'a str, key: &str) -> Option<(usize, &'a str)> {
    let body = line.strip_suffix("\"}")?;
    let open = body.rfind('"')?;
    let at = open + 1;
    let before = body[..open].strip_suffix(":")?.strip_suffix('"')?.strip_suffix(key)?;
    if !before.ends_with(",\"") && !before.ends_with("{\"") {
        return None;
    }
    let value = &body[at..];
    is_plain_json_str(value).then_some((at, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_fields_are_read_only_from_keys() {
        assert_eq!(leading_str_field(r#"{"doc_id":"ab12","text":"x"}"#, "doc_id"), Some("ab12"));
        assert_eq!(leading_str_field(r#"{"doc_id":"a\"b","text":"x"}"#, "doc_id"), None);
        assert_eq!(leading_str_field(r#"{"source":"x","doc_id":"ab"}"#, "doc_id"), None);
        assert_eq!(trailing_str_field(r#"{"a":1,"entity_id":"e1"}"#, "entity_id"), Some((20, "e1")));
        // A value that ends like the key, or an escaped quote before the value, is not the key.
        assert_eq!(trailing_str_field(r#"{"a":"x\",\"entity_id\":\"e1"}"#, "entity_id"), None);
        assert_eq!(trailing_str_field(r#"{"a":"b","speaker_entity_id":"e1"}"#, "entity_id"), None);
        assert_eq!(trailing_str_field(r#"{"a":1,"entity_id":"e\\1"}"#, "entity_id"), None);
    }
}
