//! Tests of the metadata reader on the shipped corpus and on synthetic variants.

use super::*;

const WAPO_000: &str = include_str!("../../../../corpus/000_7af196de5e79098c.txt");
const NYT_001: &str = include_str!("../../../../corpus/001_eff779026592d293.txt");
const AP_002: &str = include_str!("../../../../corpus/002_037532f3cf66b02e.txt");
const WAPO_003: &str = include_str!("../../../../corpus/003_da8470f8a25eae5a.txt");
const BNE_004: &str = include_str!("../../../../corpus/004_e9d4a3ba796d143f.txt");

#[test]
fn dump_corpus() {
    for t in [WAPO_000, NYT_001, AP_002, WAPO_003, BNE_004] {
        let m = from_text(t);
        println!("{m:#?}\n{:?}", estimate_publication(t, &MetadataHints::default()));
    }
}
