//! Criterion benches of each normalise step over the shipped corpus (corpus/ at the workspace
//! root): `cargo bench -p normalise --bench steps`. Each step runs on documents that already went
//! through the steps before it in the default order; `signature` is the near-duplicate MinHash
//! every document contributes. Throughput is in bytes of raw text.

use std::hint::black_box;
use std::path::Path;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use pipeline::config::NormaliseConfig;
use pipeline::stage::CorpusStep;
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
            let source = SourceInfo::in_memory(p.display(), &text);
            Document::new(format!("d{i}"), source, text, Metadata::default())
        })
        .collect()
}

fn steps(c: &mut Criterion) {
    let cfg = NormaliseConfig::default();
    let all = normalise::build_steps(&cfg).expect("default normalise steps");
    let corpus = CorpusKnowledge::default();
    let mut docs = corpus_docs();
    let bytes: usize = docs.iter().map(|d| d.raw_text.len()).sum();
    let mut group = c.benchmark_group("normalise");
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
        for d in &mut docs {
            step.apply(d, &corpus).expect("step runs");
        }
    }
    let near = normalise::NearDuplicates::new(&cfg.dedupe_documents).expect("default config");
    group.bench_function("signature", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(near.summarize(d));
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
