//! Fuzz the Neurolucida reader: any bytes must give a morphology or an error, never a
//! panic; what parses must also discretise (or fail cleanly) and write as SWC or refuse.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lfdeep_morph::{discretize, parse_asc, write_swc, DiscretizeOptions};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(m) = parse_asc(Path::new("fuzz.asc"), &text) {
        let _ = discretize(&m, &DiscretizeOptions::default());
        let mut out = Vec::new();
        let _ = write_swc(&m, &mut out);
    }
});
