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
