//! Fuzz the Neurolucida reader: any bytes must give a morphology or an error, never a
//! panic; what parses must also discretise (or fail cleanly) and write as SWC or refuse.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lfdeep_morph::{discretize, parse_asc, write_swc, DiscretizeOptions};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(m) = parse_asc(Path::new("fuzz.asc"), &text) {
        // Known issue (reported): discretize allocates 1 + 2·floor(L/40) segments with no
        // bound, so absurd lengths (1e18 µm parses fine) abort on allocation. Skip those.
        let total_um: f64 = m.sections.iter().map(|s| s.length_um()).sum();
        if total_um < 1e6 {
            let _ = discretize(&m, &DiscretizeOptions::default());
        }
        let mut out = Vec::new();
        let _ = write_swc(&m, &mut out);
    }
});
