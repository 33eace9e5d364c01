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

/// The nexus segment row.
///
/// `SECTION(x)` names it. `auto` picks the main bifurcation of the apical trunk: from the
/// apical root follow, at every branch point, the child with the largest total dendritic
/// length below it; the trunk ends at the first branch point where the second-largest child
/// carries at least 25 % of the length below that point (the tuft splits; obliques are
/// small). The nexus is x = 0.9 of the trunk's last section, the analogue of Hay's
/// apic[50](0.9) on cell1.asc.
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
    loop {
        let mut kids: Vec<usize> = children[cur].iter().copied().filter(|&c| secs[c].region == Region::Apical).collect();
        if kids.is_empty() {
            break;
        }
        kids.sort_by(|a, b| below[*b].total_cmp(&below[*a]));
        let rest = below[cur] - disc.length_um[cur];
        if kids.len() >= 2 && below[kids[1]] >= 0.25 * rest {
            break;
        }
        cur = kids[0];
    }
    let n = disc.nseg[cur];
    let k = ((0.9 * n as f64) as usize).min(n - 1);
    Ok(disc.section_first_segment[cur] + k)
}
