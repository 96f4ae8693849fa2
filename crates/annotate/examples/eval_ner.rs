//! Scores the NER model on a CoNLL-2003 file until `runner eval ner` exists:
//! `cargo run --release -p annotate --example eval_ner -- --conll FILE [--model FILE]`

use std::path::PathBuf;

fn main() {
    let mut conll = None;
    let mut model = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| fail(&format!("{a} needs a value")));
        match a.as_str() {
            "--conll" => conll = Some(PathBuf::from(val())),
            "--model" => model = Some(PathBuf::from(val())),
            _ => fail(&format!("unknown argument {a}")),
        }
    }
    let conll = conll.unwrap_or_else(|| fail("--conll FILE is required"));
    match annotate::ner::eval_conll(&conll, model.as_deref()) {
        Ok(report) => println!("{}", serde_json::to_string(&report).unwrap_or_default()),
        Err(e) => fail(&e.to_string()),
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("eval_ner: {msg}");
    std::process::exit(2)
}
