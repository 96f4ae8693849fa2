//! Writes the extracted article bodies of the article-extraction-benchmark pages as
//! `{key: {"articleBody": ...}}` JSON (the upstream evaluate.py prediction format), to compare
//! scores with the upstream script: `cargo run --release -p ingest --example dump_extract -- DIR > out.json`.

use std::io::Read;

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "/work/shared/data/article-extraction-benchmark".into()));
    let gt: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json")).expect("ground-truth.json")).expect("json");
    let mut out = serde_json::Map::new();
    for key in gt.keys() {
        let mut bytes = Vec::new();
        if let Ok(f) = std::fs::File::open(dir.join("html").join(format!("{key}.html.gz"))) {
            let _ = flate2::read::MultiGzDecoder::new(f).read_to_end(&mut bytes);
        }
        let html = ingest::decode::decode(&bytes, ingest::decode::html_declared_charset(&bytes)).map(|d| d.text).unwrap_or_default();
        out.insert(key.clone(), serde_json::json!({"articleBody": ingest::html::extract_page(&html).body}));
    }
    println!("{}", serde_json::Value::Object(out));
}
