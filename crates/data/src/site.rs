//! Where synapses and recordings go on a discretised cell: the dendritic synapse layout and
//! the nexus recording site.

use crate::error::{DataError, Result};
use crate::generator::{DendriteLayout, Tree};
use lfdeep_morph::{Discretized, Region};

/// Segment rows of the dendritic segments (basal then apical, table order): one excitatory
/// and one inhibitory synapse each.
pub fn dendritic_rows(disc: &Discretized) -> Vec<usize> {
    disc.segments
        .iter()
        .filter(|s| matches!(s.region, Region::Basal | Region::Apical))
        .map(|s| s.index)
        .collect()
}

pub fn dendrite_layout(disc: &Discretized) -> DendriteLayout {
    let rows = dendritic_rows(disc);
    DendriteLayout {
        tree: rows
            .iter()
            .map(|&r| if disc.segments[r].region == Region::Apical { Tree::Apical } else { Tree::Basal })
            .collect(),
        length_um: rows.iter().map(|&r| disc.segments[r].length_um).collect(),
    }
}

/// Parse `SECTION(x)`, e.g. `apic[50](0.9)`.
fn parse_site(s: &str) -> Option<(&str, f64)> {
    let open = s.rfind('(')?;
    let x: f64 = s[open + 1..].strip_suffix(')')?.parse().ok()?;
    Some((&s[..open], x))
}

/// Path distance from the soma (µm) where Hay 2011's Ca²⁺ hot zone starts on the trunk.
pub const NEXUS_DISTANCE_UM: f64 = 685.0;

/// The nexus segment row.
///
/// `SECTION(x)` names it. `auto` follows the apical trunk, i.e. from the apical root the
/// child with the largest total dendritic length below it at every branch point, and takes
/// the trunk segment whose centre is nearest 685 µm from the soma, where Hay's Ca²⁺ hot
/// zone starts (the trunk's last segment if the trunk is shorter). On cell1.asc this is
/// Hay's nexus, apic[50](0.9) (678 µm; tested).
pub fn nexus_row(disc: &Discretized, spec: &str) -> Result<usize> {
    if spec != "auto" {
        let (name, x) = parse_site(spec)
            .ok_or_else(|| DataError::config("config field 'nexus'", format!("expected auto or SECTION(x), got '{spec}'")))?;
        if !(0.0..=1.0).contains(&x) {
            return Err(DataError::config("config field 'nexus'", format!("x must be in [0, 1], got {x}")));
        }
        return disc
            .segment_at(name, x)
            .ok_or_else(|| DataError::config("config field 'nexus'", format!("no section named '{name}' in {}", disc.morphology.source)));
    }
    let secs = &disc.morphology.sections;
    let children = disc.morphology.children();
    let mut below = vec![0.0f64; secs.len()];
    // Total length at or below each section: add each section's length to all its ancestors.
    for i in 0..secs.len() {
        let mut a = Some(i);
        let mut guard = 0;
        while let Some(j) = a {
            below[j] += disc.length_um[i];
            a = secs[j].parent;
            guard += 1;
            if guard > secs.len() {
                return Err(DataError::Invalid(format!("{}: section tree has a cycle", disc.morphology.source)));
            }
        }
    }
    let root = (0..secs.len())
        .find(|&i| secs[i].region == Region::Apical && secs[i].parent.map(|p| secs[p].region != Region::Apical).unwrap_or(true))
        .ok_or_else(|| DataError::config("config field 'nexus'", format!("{} has no apical dendrite: set nexus = \"SECTION(x)\"", disc.morphology.source)))?;
    let mut cur = root;
    let mut best: Option<(f64, usize)> = None;
    loop {
        for k in 0..disc.nseg[cur] {
            let row = disc.section_first_segment[cur] + k;
            let d = (disc.segments[row].path_soma_um - NEXUS_DISTANCE_UM).abs();
            if best.map(|(bd, _)| d < bd).unwrap_or(true) {
                best = Some((d, row));
            }
        }
        let next = children[cur]
            .iter()
            .copied()
            .filter(|&c| secs[c].region == Region::Apical)
            .max_by(|a, b| below[*a].total_cmp(&below[*b]));
        match next {
            Some(n) => cur = n,
            None => break,
        }
    }
    Ok(best.expect("the apical root has at least one segment").1)
}
