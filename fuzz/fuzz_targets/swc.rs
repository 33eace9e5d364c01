//! Fuzz the SWC reader: any bytes must give a morphology or an error, never a panic. What
//! parses must discretise (or fail cleanly); what writes must read back to the same sections.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lfdeep_morph::{discretize, parse_swc, swc::swc_roundtrip_differences, write_swc, DiscretizeOptions};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(m) = parse_swc(Path::new("fuzz.swc"), &text) {
        let _ = discretize(&m, &DiscretizeOptions::default());
        let mut out = Vec::new();
        if write_swc(&m, &mut out).is_ok() {
            let back = parse_swc(Path::new("back.swc"), std::str::from_utf8(&out).expect("writer emits UTF-8"))
                .expect("the writer's output reads back");
            assert_eq!(swc_roundtrip_differences(&m, &back), None);
        }
    }
});
