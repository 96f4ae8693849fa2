//! JSON Schemas of the datasets, generated from the row types so they cannot drift.

use std::path::Path;

use pipeline::records::*;
use schemars::schema_for;

use crate::ExportError;

/// Every dataset name with the JSON Schema of one of its rows.
pub const DATASETS: &[(&str, fn() -> serde_json::Value)] = &[
    ("documents", || schema_for!(DocumentRow).to_value()),
    ("blocks", || schema_for!(BlockRow).to_value()),
    ("edits", || schema_for!(EditRow).to_value()),
    ("sentences", || schema_for!(SentenceRow).to_value()),
    ("mentions", || schema_for!(MentionRow).to_value()),
    ("entities", || schema_for!(EntityRow).to_value()),
    ("quotes", || schema_for!(QuoteRow).to_value()),
    ("dates", || schema_for!(DateRow).to_value()),
    ("quantities", || schema_for!(QuantityRow).to_value()),
    ("duplicates", || schema_for!(DuplicateRow).to_value()),
    ("rejects", || schema_for!(RejectRow).to_value()),
];

/// Writes `schemas/<name>.schema.json` under `dir` for each named dataset.
pub fn write_schemas(dir: &Path, names: &[&str]) -> Result<(), ExportError> {
    let schemas = dir.join("schemas");
    std::fs::create_dir_all(&schemas).map_err(ExportError::io(&schemas))?;
    for (name, schema) in DATASETS.iter().filter(|(n, _)| names.contains(n)) {
        let path = schemas.join(format!("{name}.schema.json"));
        let mut value = schema();
        if let Some(obj) = value.as_object_mut() {
            obj.insert("$id".into(), format!("presswork/{name}.schema.json").into());
            obj.insert("description".into(), format!("One row of {name}.jsonl").into());
        }
        let text = serde_json::to_string_pretty(&value).map_err(|source| ExportError::Json { path: path.clone(), source })?;
        std::fs::write(&path, text + "\n").map_err(ExportError::io(&path))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! docs/datasets.md must document exactly the fields of each dataset's JSON Schema, with their
    //! types: a field added, removed or retyped in the row types fails here until the page says so.

    use std::collections::BTreeMap;

    use serde_json::Value;

    use super::DATASETS;

    const DOC: &str = include_str!("../../../docs/datasets.md");

    /// Fields of a schema, nested objects flattened as `parent.child`, with their type as the page
    /// writes it: `string`, `integer or null`, `array of string`, `one of: a, b`, `object`, and
    /// ` (optional)` when a non-nullable field may be absent from a row.
    fn schema_fields(schema: &Value) -> BTreeMap<String, String> {
        let defs = schema.get("$defs").and_then(Value::as_object).cloned().unwrap_or_default();
        let mut out = BTreeMap::new();
        add_fields(schema, "", &defs, &mut out);
        out
    }

    fn add_fields(object: &Value, prefix: &str, defs: &serde_json::Map<String, Value>, out: &mut BTreeMap<String, String>) {
        let required: Vec<&str> =
            object["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        for (name, prop) in object["properties"].as_object().expect("schema has properties") {
            let mut ty = type_name(prop, defs);
            // schemars leaves every Option out of `required`; those are written as null, so only
            // a non-nullable field that may be missing is worth a word.
            if !required.contains(&name.as_str()) && !ty.ends_with(" or null") {
                ty.push_str(" (optional)");
            }
            let full = format!("{prefix}{name}");
            if let Some(def) = resolve(prop, defs).filter(|d| d["type"] == "object") {
                add_fields(def, &format!("{full}."), defs, out);
            }
            out.insert(full, ty);
        }
    }

    fn resolve<'a>(node: &Value, defs: &'a serde_json::Map<String, Value>) -> Option<&'a Value> {
        node["$ref"].as_str().and_then(|r| r.strip_prefix("#/$defs/")).and_then(|name| defs.get(name))
    }

    fn type_name(node: &Value, defs: &serde_json::Map<String, Value>) -> String {
        if let Some(def) = resolve(node, defs) {
            return type_name(def, defs);
        }
        if let Some(any) = node["anyOf"].as_array() {
            return any.iter().map(|n| type_name(n, defs)).collect::<Vec<_>>().join(" or ");
        }
        let values: Vec<&str> = match (node["enum"].as_array(), node["oneOf"].as_array()) {
            (Some(e), _) => e.iter().filter_map(Value::as_str).collect(),
            (None, Some(one_of)) => one_of.iter().filter_map(|v| v["const"].as_str()).collect(),
            _ => Vec::new(),
        };
        if !values.is_empty() {
            return format!("one of: {}", values.join(", "));
        }
        match &node["type"] {
            Value::String(t) if t == "array" => format!("array of {}", type_name(&node["items"], defs)),
            Value::String(t) => t.clone(),
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
            other => panic!("schema type not handled by this check: {other} in {node}"),
        }
    }

    /// `## NAME.jsonl` sections of the page, each with its `| `field` | type | meaning |` rows.
    fn documented() -> BTreeMap<String, BTreeMap<String, (String, String)>> {
        let mut out: BTreeMap<String, BTreeMap<String, (String, String)>> = BTreeMap::new();
        let mut current: Option<String> = None;
        for line in DOC.lines() {
            if let Some(heading) = line.strip_prefix("## ") {
                current = heading.trim().strip_suffix(".jsonl").map(str::to_string);
                if let Some(name) = &current {
                    assert!(out.insert(name.clone(), BTreeMap::new()).is_none(), "section {name}.jsonl twice");
                }
                continue;
            }
            let (Some(name), Some(row)) = (&current, line.strip_prefix("| `")) else { continue };
            let cells: Vec<&str> = row.trim_end_matches('|').split(" | ").map(str::trim).collect();
            assert_eq!(cells.len(), 3, "{name}.jsonl: a field row has three cells: {line}");
            let field = cells[0].trim_end_matches('`').to_string();
            assert!(!cells[2].is_empty(), "{name}.jsonl: `{field}` has no meaning");
            let previous = out.get_mut(name).unwrap().insert(field.clone(), (cells[1].to_string(), cells[2].to_string()));
            assert!(previous.is_none(), "{name}.jsonl: `{field}` documented twice");
        }
        out
    }

    #[test]
    fn datasets_page_documents_every_field_of_every_schema() {
        let documented = documented();
        let mut problems = Vec::new();
        for (name, schema) in DATASETS {
            let Some(fields) = documented.get(*name) else {
                problems.push(format!("docs/datasets.md has no `## {name}.jsonl` section"));
                continue;
            };
            for (field, ty) in schema_fields(&schema()) {
                match fields.get(&field) {
                    None => problems.push(format!("{name}.jsonl: add | `{field}` | {ty} | ... |")),
                    Some((doc_ty, _)) if *doc_ty != ty => {
                        problems.push(format!("{name}.jsonl: `{field}` is documented as `{doc_ty}` but is `{ty}`"))
                    }
                    Some(_) => {}
                }
            }
            let real = schema_fields(&schema());
            for field in fields.keys().filter(|f| !real.contains_key(*f)) {
                problems.push(format!("{name}.jsonl: `{field}` is documented but is no field"));
            }
        }
        for name in documented.keys().filter(|n| !DATASETS.iter().any(|(d, _)| d == n)) {
            problems.push(format!("docs/datasets.md documents {name}.jsonl, which is no dataset"));
        }
        assert!(problems.is_empty(), "docs/datasets.md has drifted from the schemas:\n{}", problems.join("\n"));
    }

    #[test]
    fn the_check_sees_drift() {
        // A schema with a field the page lacks, an optional nested field and an enum, checked
        // against the documented() of the real page: the check must report each kind of drift.
        let schema = serde_json::json!({
            "$defs": {"Kind": {"enum": ["a", "b"], "type": "string"},
                      "Inner": {"type": "object", "properties": {"x": {"type": ["integer", "null"]}, "y": {"type": "boolean"}}, "required": []}},
            "properties": {"k": {"$ref": "#/$defs/Kind"}, "inner": {"$ref": "#/$defs/Inner"},
                           "tags": {"type": "array", "items": {"type": "string"}}},
            "required": ["k", "inner", "tags"]
        });
        let fields = schema_fields(&schema);
        assert_eq!(fields["k"], "one of: a, b");
        assert_eq!(fields["inner"], "object");
        assert_eq!(fields["inner.x"], "integer or null");
        assert_eq!(fields["inner.y"], "boolean (optional)");
        assert_eq!(fields["tags"], "array of string");
        let documents = &documented()["documents"];
        assert_eq!(documents["source.line"].0, "integer or null");
        assert!(!documents.contains_key("k"));
    }
}
