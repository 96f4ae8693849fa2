//! `runner stages` and `runner check`: the pipeline explained from the config types themselves
//! (their doc comments and defaults), so the help can never disagree with the code.

use std::path::Path;

use pipeline::Config;
use pipeline::config::StageName;
use serde_json::Value;

/// Every stage with its steps, and every parameter with its default and meaning.
pub fn stages() -> String {
    let schema = serde_json::to_value(schemars::schema_for!(Config)).unwrap_or(Value::Null);
    let defaults = serde_json::to_value(Config::default()).unwrap_or(Value::Null);
    let mut out = String::from("presswork stages (defaults shown; set them in pipeline.toml)\n");
    for stage in ["pipeline", "ingest", "normalise", "annotate", "export"] {
        let Some(def) = property_schema(&schema, &schema, stage) else { continue };
        out.push_str(&format!("\n[{stage}]\n"));
        describe_table(&schema, &def, &defaults[stage], stage, 1, &mut out);
    }
    out
}

fn describe_table(root: &Value, def: &Value, defaults: &Value, path: &str, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let Some(props) = def.get("properties").and_then(Value::as_object) else { return };
    let mut tables = Vec::new();
    for (key, prop) in props {
        let prop = resolve(root, prop);
        let default = &defaults[key];
        if default.is_object() {
            tables.push((key.clone(), prop.clone()));
            continue;
        }
        let mut line = format!("{pad}{key} = {}", toml_value(default));
        if let Some(choices) = choices(root, &prop) {
            line.push_str(&format!("    # choices: {}", choices.join(", ")));
        }
        out.push_str(&line);
        out.push('\n');
        if let Some(desc) = description(&prop) {
            for l in desc.lines() {
                out.push_str(&format!("{pad}    {l}\n"));
            }
        }
    }
    for (key, prop) in tables {
        let sub = format!("{path}.{key}");
        out.push_str(&format!("{pad}[{sub}]\n"));
        if let Some(desc) = description(&prop) {
            for l in desc.lines() {
                out.push_str(&format!("{pad}    {l}\n"));
            }
        }
        describe_table(root, &prop, &defaults[&key], &sub, depth + 1, out);
    }
}

fn property_schema(root: &Value, def: &Value, key: &str) -> Option<Value> {
    def.get("properties").and_then(|p| p.get(key)).map(|p| resolve(root, p))
}

/// Follows `$ref` (and a single-entry `allOf`) to the definition.
fn resolve(root: &Value, v: &Value) -> Value {
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or("");
        let mut target = root.get("$defs").and_then(|d| d.get(name)).cloned().unwrap_or(Value::Null);
        if let (Some(desc), Some(obj)) = (v.get("description"), target.as_object_mut()) {
            obj.insert("description".into(), desc.clone());
        }
        return target;
    }
    if let Some(all) = v.get("allOf").and_then(Value::as_array) {
        if all.len() == 1 {
            return resolve(root, &all[0]);
        }
    }
    v.clone()
}

/// Valid values of an enum-typed parameter (or of the items of a list of enums).
fn choices(root: &Value, prop: &Value) -> Option<Vec<String>> {
    let target = match prop.get("items") {
        Some(items) => resolve(root, items),
        None => prop.clone(),
    };
    let mut names = Vec::new();
    if let Some(e) = target.get("enum").and_then(Value::as_array) {
        names.extend(e.iter().filter_map(Value::as_str).map(str::to_string));
    }
    if let Some(one_of) = target.get("oneOf").and_then(Value::as_array) {
        for v in one_of {
            if let Some(c) = v.get("const").and_then(Value::as_str) {
                names.push(c.to_string());
            }
            if let Some(e) = v.get("enum").and_then(Value::as_array) {
                names.extend(e.iter().filter_map(Value::as_str).map(str::to_string));
            }
        }
    }
    (!names.is_empty()).then_some(names)
}

fn description(v: &Value) -> Option<String> {
    v.get("description").and_then(Value::as_str).map(str::to_string)
}

fn toml_value(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) => format!("{s:?}"),
        Value::Array(a) => format!("[{}]", a.iter().map(toml_value).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}

/// The config as it will run: every key resolved to its value, and the steps in order.
pub fn resolved(config: &Config, path: &Path) -> String {
    let mut out = format!("{}: ok\n\nwill run:\n", path.display());
    for stage in &config.pipeline.stages {
        let steps: Vec<String> = match stage {
            StageName::Ingest => config.ingest.paths.iter().map(|p| format!("read {}", p.display())).collect(),
            StageName::Normalise => config.normalise.steps.iter().map(|s| snake(s)).collect(),
            StageName::Annotate => config.annotate.steps.iter().map(|s| snake(s)).collect(),
            StageName::Export => vec![format!("write {}", config.export.dir.display())],
        };
        out.push_str(&format!("  {:<10} {}\n", snake(stage), steps.join(" -> ")));
    }
    out.push_str("\nresolved config:\n");
    out.push_str(&toml::to_string(config).unwrap_or_else(|e| format!("(cannot render: {e})\n")));
    out
}

fn snake<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}
