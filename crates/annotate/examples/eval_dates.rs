//! `cargo run --release -p annotate --example eval_dates -- DIR [--log FILE]`: scores the dates
//! step on the TimeML files under DIR and prints the report as one JSON line (what
//! `runner eval dates --timeml DIR` prints). With --log, misses and wrong values go to FILE.
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: eval_dates DIR [--log FILE]");
        std::process::exit(2);
    };
    let log_path = args.iter().position(|a| a == "--log").and_then(|i| args.get(i + 1)).map(PathBuf::from);
    let mut log_file = log_path.map(|p| std::fs::File::create(p).expect("create log"));
    let r = annotate::dates::eval::eval_timeml_logged(
        std::path::Path::new(dir),
        log_file.as_mut().map(|f| f as &mut dyn std::io::Write),
    );
    match r {
        Ok(r) => println!("{}", serde_json::to_string(&r).expect("json")),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
