//! Summaries and exports of a discretised cell: the JSON summary and the segment CSV.

use crate::discretize::Discretized;
use crate::tree::Region;
use serde_json::{json, Map, Value};
use std::io::Write;

/// Per-region counts and areas, as `lfdeep morphology --json` prints them.
pub fn summary_json(d: &Discretized) -> Value {
    let mut sections = Map::new();
    let mut segments = Map::new();
    let mut area = Map::new();
    let mut regions: Vec<Region> = d.morphology.sections.iter().map(|s| s.region).collect();
    regions.sort();
    regions.dedup();
    for r in [Region::Soma, Region::Basal, Region::Apical, Region::Axon] {
        if !regions.contains(&r) {
            regions.push(r);
        }
    }
    for r in regions {
        let key = r.label();
        let nsec = d.morphology.sections.iter().filter(|s| s.region == r).count();
        let segs: Vec<_> = d.segments.iter().filter(|s| s.region == r).collect();
        sections.insert(key.clone(), json!(nsec));
        segments.insert(key.clone(), json!(segs.len()));
        area.insert(key, json!(segs.iter().map(|s| s.area_um2).sum::<f64>()));
    }
    json!({
        "source": d.morphology.source,
        "nseg_rule": format!("{:?}", d.options.nseg),
        "hay_axon": d.options.hay_axon,
        "total_sections": d.morphology.sections.len(),
        "total_segments": d.segments.len(),
        "sections": sections,
        "segments": segments,
        "area_um2": area,
        "total_area_um2": d.segments.iter().map(|s| s.area_um2).sum::<f64>(),
        "longest_apical_path_um": d.longest_apical_path_um(),
    })
}

/// Write the segment table as CSV (one row per segment, header first).
pub fn write_segments_csv(d: &Discretized, mut w: impl Write) -> std::io::Result<()> {
    writeln!(
        w,
        "index,section,region,x,start_x,start_y,start_z,end_x,end_y,end_z,centre_x,centre_y,centre_z,diam_um,length_um,area_um2,ri_mohm,path_soma_um,path_apical_um"
    )?;
    for s in &d.segments {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            s.index,
            s.section_name,
            s.region.label(),
            s.x,
            s.start_um[0],
            s.start_um[1],
            s.start_um[2],
            s.end_um[0],
            s.end_um[1],
            s.end_um[2],
            s.centre_um[0],
            s.centre_um[1],
            s.centre_um[2],
            s.diam_um,
            s.length_um,
            s.area_um2,
            s.ri_mohm,
            s.path_soma_um,
            s.path_apical_um.map(|v| v.to_string()).unwrap_or_default()
        )?;
    }
    Ok(())
}
