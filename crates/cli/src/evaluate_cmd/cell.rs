//! Where each dendritic target of a dataset lies on the cell, for `lfdeep evaluate`'s
//! region / distance summaries and morphology figures.
//!
//! Regions: `basal`, `trunk/oblique` and `tuft`. The tuft is the part of the apical tree
//! beyond the main bifurcation at the nexus: the apical segments of the sections that descend
//! from the section holding the nexus (the dataset's nexus recording site, `auto` = the trunk
//! point 685 µm from the soma where Hay 2011's Ca²⁺ hot zone starts). All other apical
//! segments (the trunk up to the bifurcation and the obliques branching off it) are
//! `trunk/oblique`. The section tree is rebuilt from the dataset's simulate config (its
//! morphology, discretised as `lfdeep simulate` does) and used only when its segment table
//! matches the stored one; otherwise (imported NeuronIO data, a morphology file no longer at
//! its path) the split falls back to path distance: apical segments farther from the soma
//! than the nexus (685 µm without a recorded nexus) are `tuft`.

use anyhow::Result;
use lfdeep_data::runner::CellSetup;
use lfdeep_data::site::NEXUS_DISTANCE_UM;
use lfdeep_data::store::{SegmentTable, Store};
use lfdeep_data::SimulateConfig;
use lfdeep_morph::{Discretized, Region};

pub const BASAL: &str = "basal";
pub const TRUNK: &str = "trunk/oblique";
pub const TUFT: &str = "tuft";
/// Region names in display order.
pub const REGIONS: [&str; 3] = [BASAL, TRUNK, TUFT];

/// Per dendritic target (the basal and apical rows of the segment table, in table order, as
/// `StoreSource` orders them).
pub struct TargetCell {
    pub region: Vec<&'static str>,
    /// Path distance from the soma centre to the segment centre (µm).
    pub path_soma_um: Vec<f64>,
    /// Segment centre (µm).
    pub centre_um: Vec<[f64; 3]>,
    /// Segment start / end (µm), when the cell could be rebuilt.
    pub ends_um: Option<Vec<([f64; 3], [f64; 3])>>,
    /// Soma centre (µm; the origin when the table has no soma row).
    pub soma_um: [f64; 3],
    /// The target that is the nexus recording site, if the dataset has one.
    pub nexus: Option<usize>,
    /// How the tuft was told apart (for the report).
    pub definition: String,
}

/// Rows of `table` that are dendritic targets.
fn dendritic_rows(table: &SegmentTable) -> Vec<usize> {
    (0..table.region.len()).filter(|&i| matches!(table.region[i].as_str(), "basal" | "apical")).collect()
}

/// Tuft segments of a discretised cell: apical segments in sections strictly below the
/// section of `nexus_row`.
pub fn tuft_rows(d: &Discretized, nexus_row: usize) -> Vec<bool> {
    let secs = &d.morphology.sections;
    let nexus_sec = d.segments[nexus_row].section;
    let below: Vec<bool> = (0..secs.len())
        .map(|i| {
            let mut a = secs[i].parent;
            // Parents come before children, so the walk ends; the bound guards a malformed tree.
            for _ in 0..secs.len() {
                match a {
                    Some(p) if p == nexus_sec => return true,
                    Some(p) => a = secs[p].parent,
                    None => return false,
                }
            }
            false
        })
        .collect();
    d.segments.iter().map(|s| s.region == Region::Apical && below[s.section]).collect()
}

/// The cell rebuilt from the store's simulate config, if its segment table is the stored one.
fn rebuild(store: &Store, table: &SegmentTable) -> Option<CellSetup> {
    let attrs = store.root_attributes().ok()?;
    let cfg: SimulateConfig = serde_json::from_value(attrs.get("config")?.clone()).ok()?;
    let setup = CellSetup::from_config(&cfg).ok()?;
    let d = &setup.disc;
    let same = d.segments.len() == table.len()
        && d.segments.iter().zip(&table.region).all(|(s, r)| s.region.label() == *r)
        && d.segments.iter().zip(&table.path_soma_um).all(|(s, &p)| (s.path_soma_um - p).abs() <= 1e-3 * p.abs().max(1.0));
    same.then_some(setup)
}

impl TargetCell {
    pub fn from_store(store: &Store) -> Result<Self> {
        let table = store.read_segment_table()?;
        let rows = dendritic_rows(&table);
        let nexus_row = store.info.nexus_row.map(|r| r as usize).filter(|&r| r < table.len());
        let setup = rebuild(store, &table);
        let (tuft, definition) = match (&setup, nexus_row) {
            (Some(s), Some(n)) => (
                tuft_rows(&s.disc, n),
                format!(
                    "tuft = apical segments beyond the main bifurcation at the end of the nexus section ({}, nexus {} at {:.0} µm from the soma); \
trunk/oblique = the other apical segments",
                    s.disc.segments[n].section_name, store.info.nexus_site, table.path_soma_um[n]
                ),
            ),
            _ => {
                let d = nexus_row.map(|n| table.path_soma_um[n]).unwrap_or(NEXUS_DISTANCE_UM);
                let why = if nexus_row.is_some() { "the dataset's nexus" } else { "no nexus recorded: Hay 2011's hot-zone start" };
                (
                    table.path_soma_um.iter().zip(&table.region).map(|(&p, r)| r == "apical" && p > d).collect(),
                    format!("tuft = apical segments farther than {d:.0} µm from the soma ({why}; the section tree could not be rebuilt from the dataset's config); trunk/oblique = the other apical segments"),
                )
            }
        };
        let region = rows.iter().map(|&r| if table.region[r] == "basal" { BASAL } else if tuft[r] { TUFT } else { TRUNK }).collect();
        let centre = |r: usize| [table.centre_um[3 * r], table.centre_um[3 * r + 1], table.centre_um[3 * r + 2]];
        Ok(TargetCell {
            region,
            path_soma_um: rows.iter().map(|&r| table.path_soma_um[r]).collect(),
            centre_um: rows.iter().map(|&r| centre(r)).collect(),
            ends_um: setup.map(|s| rows.iter().map(|&r| (s.disc.segments[r].start_um, s.disc.segments[r].end_um)).collect()),
            soma_um: table.region.iter().position(|r| r == "soma").map(centre).unwrap_or([0.0; 3]),
            nexus: nexus_row.and_then(|n| rows.iter().position(|&r| r == n)),
            definition,
        })
    }

    pub fn len(&self) -> usize {
        self.region.len()
    }

    /// Target indices per region (display order; empty regions kept).
    pub fn region_groups(&self) -> Vec<(String, Vec<usize>)> {
        REGIONS.iter().map(|&name| (name.to_string(), (0..self.len()).filter(|&i| self.region[i] == name).collect())).collect()
    }

    /// Target order for voltage maps: by region, then path distance.
    pub fn display_order(&self) -> Vec<usize> {
        let rank = |r: &str| REGIONS.iter().position(|&x| x == r).unwrap_or(REGIONS.len());
        let mut idx: Vec<usize> = (0..self.len()).collect();
        idx.sort_by(|&a, &b| rank(self.region[a]).cmp(&rank(self.region[b])).then(self.path_soma_um[a].total_cmp(&self.path_soma_um[b])));
        idx
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lfdeep_morph::{builtin_l5pc, discretize, DiscretizeOptions};

    #[test]
    fn builtin_cell_tuft_is_the_three_main_branches_beyond_the_trunk() {
        let d = discretize(&builtin_l5pc(), &DiscretizeOptions { hay_axon: true, ..Default::default() }).unwrap();
        let nexus = lfdeep_data::site::nexus_row(&d, "auto").unwrap();
        let tuft = tuft_rows(&d, nexus);
        // builtin.rs: 3 main branches × (11 + 2·11 + 4·7) segments beyond the 750 µm trunk.
        assert_eq!(tuft.iter().filter(|&&t| t).count(), 183);
        let apical = d.segments.iter().filter(|s| s.region == Region::Apical).count();
        assert_eq!(apical - 183, 194, "trunk + obliques");
        // Every tuft segment lies beyond the trunk's end (750 µm); the nexus itself does not.
        assert!(!tuft[nexus]);
        for (s, &t) in d.segments.iter().zip(&tuft) {
            if t {
                assert!(s.path_soma_um > 750.0, "{} at {} µm", s.section_name, s.path_soma_um);
            }
        }
    }
}
