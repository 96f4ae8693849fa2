//! Scores HTML article extraction on the article-extraction-benchmark layout and prints the
//! EvalReport as JSON: `cargo run --release -p ingest --example eval_extract -- DIR`.

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "/work/shared/data/article-extraction-benchmark".into());
    match ingest::eval_extract(std::path::Path::new(&dir)) {
        Ok(report) => println!("{}", serde_json::to_string(&report).unwrap_or_default()),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
