//! Criterion benches of each annotate step over the shipped corpus (corpus/ at the workspace
//! root): `cargo bench -p annotate --bench steps`. Each step runs on documents that already went
//! through the steps before it in the default order, so it sees the input it sees in a run.
//! Throughput is in bytes of text; `entities_tokens` reports tokens/s of the entity tagger.

use std::hint::black_box;
use std::path::Path;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use pipeline::config::AnnotateConfig;
use pipeline::{CorpusKnowledge, Document, Metadata, SourceInfo};

fn corpus_docs() -> Vec<Document> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).expect("corpus/").map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    paths.sort();
    paths
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let text = std::fs::read_to_string(p).expect("UTF-8 corpus file");
            let mut meta = Metadata::default();
            meta.published = Some("2021-12-30".into());
            let source = SourceInfo::in_memory(p.display(), &text);
            Document::new(format!("d{i}"), source, text, meta)
        })
        .collect()
}

fn steps(c: &mut Criterion) {
    let cfg = AnnotateConfig::default();
    let all = annotate::build_steps(&cfg).expect("default annotate steps");
    let corpus = CorpusKnowledge::default();
    let mut docs = corpus_docs();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let mut group = c.benchmark_group("annotate");
    group.throughput(Throughput::Bytes(bytes as u64));
    for step in &all {
        group.bench_function(step.name(), |b| {
            b.iter_batched(
                || docs.clone(),
                |mut ds| {
                    for d in &mut ds {
                        step.apply(d, &corpus).expect("step runs");
                    }
                    black_box(ds)
                },
                BatchSize::LargeInput,
            )
        });
        // The next step sees this step's output.
        for d in &mut docs {
            step.apply(d, &corpus).expect("step runs");
        }
    }
    group.finish();

    // The entity tagger alone, in tokens per second.
    let tagger = annotate::entities::EntityTagger::new(&cfg.entities).expect("model loads");
    let tokens: usize = docs.iter().map(|d| annotate::tokenize::tokenize(&d.text).len()).sum();
    let starts: Vec<Vec<usize>> = docs.iter().map(|d| annotate::sentences::split_sentences(&d.text).iter().map(|s| s.0).collect()).collect();
    let mut group = c.benchmark_group("entities_tokens");
    group.throughput(Throughput::Elements(tokens as u64));
    group.bench_function("tag_text", |b| {
        b.iter(|| {
            for (d, s) in docs.iter().zip(&starts) {
                black_box(tagger.tag_text(&d.text, s));
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(3));
    targets = steps
}
criterion_main!(benches);
