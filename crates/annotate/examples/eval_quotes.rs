//! Scores the quotes step on a PolNeAR split: `cargo run --release -p annotate --example eval_quotes -- DIR`
//! where DIR is a split folder such as /work/shared/data/polnear/dev. Prints the report as one JSON
//! line (the last line), as `runner eval quotes --polnear DIR` will.

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: eval_quotes POLNEAR_SPLIT_DIR");
        std::process::exit(2);
    };
    match annotate::quotes::eval_polnear(std::path::Path::new(&dir), None) {
        Ok(r) => println!("{}", serde_json::to_string(&r).unwrap_or_default()),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
