//! Rebuilds the NER model from CoNLL-2003 files until `runner train ner` exists:
//! `cargo run --release -p annotate --example train_ner -- --train FILE [--dev FILE] [--out FILE] [--epochs N]`
//! (defaults: `--out crates/annotate/model/ner.bin.gz --epochs 5`, the committed model's settings)

use std::path::PathBuf;

fn main() {
    let mut train = None;
    let mut dev = None;
    let mut out = PathBuf::from("crates/annotate/model/ner.bin.gz");
    let mut epochs = 5usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| fail(&format!("{a} needs a value")));
        match a.as_str() {
            "--train" => train = Some(PathBuf::from(val())),
            "--dev" => dev = Some(PathBuf::from(val())),
            "--out" => out = PathBuf::from(val()),
            "--epochs" => epochs = val().parse().unwrap_or_else(|_| fail("--epochs needs a number")),
            _ => fail(&format!("unknown argument {a}")),
        }
    }
    let train = train.unwrap_or_else(|| fail("--train FILE is required"));
    match annotate::ner::train_from_conll(&train, dev.as_deref(), &out, epochs) {
        Ok(summary) => println!("{summary}"),
        Err(e) => fail(&e.to_string()),
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("train_ner: {msg}");
    std::process::exit(2)
}
