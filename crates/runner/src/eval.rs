//! `runner eval` and `runner train`: scoring steps against public gold data, and rebuilding the
//! trained model. The last line `eval` prints is one JSON object (pipeline::eval::EvalReport).

use std::path::PathBuf;

use anyhow::{Context, Result};
use pipeline::config::EntitiesConfig;
use pipeline::eval::EvalReport;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum EvalCommand {
    /// Entity tagger on a CoNLL-2003 file: entity-level exact match, as conlleval scores it.
    Ner {
        #[arg(long)]
        conll: PathBuf,
        /// Model file to evaluate instead of the built-in one.
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Dates step on TimeML (.tml) files, their creation date as anchor.
    Dates {
        #[arg(long)]
        timeml: PathBuf,
    },
    /// Quotes step on PolNeAR brat files (attributions whose content holds a quotation mark).
    Quotes {
        #[arg(long)]
        polnear: PathBuf,
    },
    /// HTML article extraction on the article-extraction-benchmark layout.
    Extract {
        #[arg(long)]
        scrapinghub: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum TrainCommand {
    /// Train the entity tagger on CoNLL-2003 files and write the model.
    Ner {
        #[arg(long)]
        train: PathBuf,
        #[arg(long)]
        dev: Option<PathBuf>,
        #[arg(long, default_value = "crates/annotate/model/ner.bin.gz")]
        out: PathBuf,
        /// Epochs (5 built the committed model).
        #[arg(long, default_value_t = 5)]
        epochs: usize,
    },
}

pub fn eval(cmd: EvalCommand, _threads: Option<usize>) -> Result<()> {
    let report = match cmd {
        EvalCommand::Dates { timeml } => annotate::dates::eval::eval_timeml(&timeml)
            .with_context(|| format!("eval dates on {}", timeml.display()))?,
        EvalCommand::Quotes { polnear } => {
            // As in a default run: the entity tagger runs first and gives speakers their mentions.
            let tagger = annotate::entities::EntityTagger::new(&EntitiesConfig::default()).context("load the entity tagger")?;
            annotate::quotes::eval::eval_polnear(&polnear, Some(&tagger))
                .with_context(|| format!("eval quotes on {}", polnear.display()))?
        }
        EvalCommand::Ner { conll, model } => annotate::ner::eval_conll(&conll, model.as_deref())
            .with_context(|| format!("eval ner on {}", conll.display()))?,
        EvalCommand::Extract { scrapinghub } => ingest::eval_extract(&scrapinghub)
            .with_context(|| format!("eval extract on {}", scrapinghub.display()))?,
    };
    print_report(&report)
}

/// A readable block of figures, then the one-line JSON object that scripts read.
fn print_report(report: &EvalReport) -> Result<()> {
    println!("precision {:.4}  recall {:.4}  f1 {:.4}  ({:.1}s)", report.precision, report.recall, report.f1, report.seconds);
    for (k, v) in &report.extra {
        if !v.is_object() && !v.is_array() {
            println!("  {k}: {v}");
        }
    }
    println!("{}", serde_json::to_string(report)?);
    Ok(())
}
pub fn train(cmd: TrainCommand) -> Result<()> {
    match cmd {
        TrainCommand::Ner { train, dev, out, epochs } => {
            let summary = annotate::ner::train_from_conll(&train, dev.as_deref(), &out, epochs)
                .with_context(|| format!("train ner on {}", train.display()))?;
            println!("{summary}");
            println!("wrote {}", out.display());
            Ok(())
        }
    }
}
