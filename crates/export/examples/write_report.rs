//! Writes report.html into an existing output folder, from the datasets already in it:
//! `cargo run --release -p export --example write_report -- out`

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "out".into());
    if let Err(e) = export::write_report(std::path::Path::new(&dir)) {
        eprintln!("write_report: {e}");
        std::process::exit(1);
    }
    println!("wrote {dir}/{}", export::REPORT_FILE);
}
