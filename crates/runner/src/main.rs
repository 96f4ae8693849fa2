//! presswork's command line: thin glue that reads pipeline.toml, wires the stages and reports.
//! The work itself lives in the stage crates; see `run.rs` for how a batch run is orchestrated.

mod describe;
mod eval;
mod gen_corpus;
mod run;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use pipeline::Config;

#[derive(Parser)]
#[command(name = "runner", version, about = "presswork: raw news articles to analysis-ready JSONL datasets")]
struct Cli {
    /// Pipeline file to use.
    #[arg(long, global = true, default_value = "pipeline.toml")]
    config: PathBuf,
    /// Worker threads (default: one per core). Output is identical whatever the number.
    #[arg(long, global = true)]
    threads: Option<usize>,
    /// Never show a progress bar.
    #[arg(long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the pipeline (the default when no command is given).
    Run,
    /// Validate the config and print the resolved pipeline.
    Check,
    /// List every stage and step with its parameters and defaults.
    Stages,
    /// Score a step against public gold data; the last line is one JSON object.
    #[command(subcommand)]
    Eval(eval::EvalCommand),
    /// Rebuild a trained model from public data.
    #[command(subcommand)]
    Train(eval::TrainCommand),
    /// Write a synthetic benchmark corpus with planted near-duplicates (truth in DIR/.truth.jsonl).
    GenCorpus(gen_corpus::GenArgs),
    /// Pairwise precision/recall of out/duplicates.jsonl against a gen-corpus truth file.
    ScoreDups(gen_corpus::ScoreArgs),
}

/// Exit code 2: bad config or usage. 1: anything else.
enum Failure {
    Usage(anyhow::Error),
    Other(anyhow::Error),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_logging();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
        Err(Failure::Other(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn dispatch(cli: Cli) -> Result<(), Failure> {
    if let Some(n) = cli.threads {
        if n == 0 {
            return Err(Failure::Usage(anyhow::anyhow!("--threads must be at least 1")));
        }
    }
    match cli.command.unwrap_or(Command::Run) {
        Command::Run => {
            let config = load_config(&cli.config)?;
            run::check_paths(&config).map_err(Failure::Usage)?;
            let opts = run::RunOptions { threads: cli.threads, progress: !cli.quiet, config_path: cli.config.clone() };
            let summary = run::run(&config, &opts).map_err(Failure::Other)?;
            print!("{}", summary.render());
            Ok(())
        }
        Command::Check => {
            let config = load_config(&cli.config)?;
            run::check_paths(&config).map_err(Failure::Usage)?;
            print!("{}", describe::resolved(&config, &cli.config));
            Ok(())
        }
        Command::Stages => {
            print!("{}", describe::stages());
            Ok(())
        }
        Command::Eval(cmd) => eval::eval(cmd, cli.threads).map_err(Failure::Other),
        Command::Train(cmd) => eval::train(cmd).map_err(Failure::Other),
        Command::GenCorpus(a) => gen_corpus::generate(&a).map_err(Failure::Other),
        Command::ScoreDups(a) => gen_corpus::score(&a).map_err(Failure::Other),
    }
}

/// A missing default pipeline.toml means the built-in defaults; a missing named file is an error.
fn load_config(path: &Path) -> Result<Config, Failure> {
    if path == Path::new("pipeline.toml") && !path.exists() {
        tracing::warn!("no pipeline.toml here: using the built-in defaults");
        return Ok(Config::default());
    }
    // ConfigError already names the file, the line, the key and the valid choices.
    Config::load(path).map_err(|e| Failure::Usage(anyhow::Error::new(e)))
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    use tracing_subscriber::fmt::format::FmtSpan;
    // html5ever logs "foster parenting not implemented" for tables with stray content, which
    // real pages have and which its tree builder handles anyway: not a warning for our users.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn,html5ever=error"));
    // A span's close line carries its time (`RUST_LOG=info` gives each phase of a run: discover,
    // survey, main_pass, dedupe_documents, entity_linking, finish_datasets, report).
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_span_events(FmtSpan::CLOSE)
        .try_init();
}
