//! Fuzzes ingest on arbitrary bytes read as a .txt file, then the document's normalise and
//! annotate steps.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::ingest_bytes(data, "txt", pipeline::SourceFormat::Text);
});
