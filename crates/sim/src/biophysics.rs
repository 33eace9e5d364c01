//! Biophysical parameter sets: passive constants and channel densities per region, with the
//! distance rules of the apical tree (Hay et al. 2011; see spec/hay2011.md).
//!
//! Units: cm µF/cm², conductance densities S/cm², reversal potentials mV, distances µm.

use crate::error::{check_finite, check_positive, Result, SimError};
use lfdeep_morph::{Discretized, Region};

/// How a channel's density varies along a region.
#[derive(Debug, Clone, PartialEq)]
pub enum Density {
    /// The same value everywhere (S/cm²).
    Uniform(f64),
    /// `scale·(a + b·exp(c·min(d/L_max, cap)))` with d the apical path distance and L_max the
    /// longest apical path (Hay's Ih gradient; cap = ∞ for the 2011 set, 0.65 for 5b).
    Exponential { scale: f64, a: f64, b: f64, c: f64, cap: f64 },
    /// `inside` for lo < d < hi µm (the Ca hot zone), `inside·outside_factor` elsewhere.
    HotZone { inside: f64, outside_factor: f64, lo_um: f64, hi_um: f64 },
}

impl Density {
    /// Density at apical path distance `d_um` given the longest apical path `lmax_um`.
    pub fn at(&self, d_um: f64, lmax_um: f64) -> f64 {
        match *self {
            Density::Uniform(g) => g,
            Density::Exponential { scale, a, b, c, cap } => scale * (a + b * (c * (d_um / lmax_um).min(cap)).exp()),
            Density::HotZone { inside, outside_factor, lo_um, hi_um } => {
                if d_um > lo_um && d_um < hi_um {
                    inside
                } else {
                    inside * outside_factor
                }
            }
        }
    }
    fn is_uniform(&self) -> bool {
        matches!(self, Density::Uniform(_))
    }
}

/// Calcium shell parameters of a region (CaDynamics_E2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CaShell {
    /// Removal time constant (ms).
    pub decay_ms: f64,
    /// Free (unbuffered) fraction.
    pub gamma: f64,
}

/// Everything inserted in one region.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionParams {
    /// Membrane capacitance (µF/cm²).
    pub cm: f64,
    /// Leak conductance (S/cm²) and reversal (mV).
    pub g_pas: f64,
    pub e_pas: f64,
    /// Channels by NEURON SUFFIX, with their density rule.
    pub channels: Vec<(&'static str, Density)>,
    /// Calcium dynamics, when the region has any.
    pub ca: Option<CaShell>,
}

/// A complete parameter set.
#[derive(Debug, Clone, PartialEq)]
pub struct Biophysics {
    pub name: String,
    pub soma: RegionParams,
    pub axon: RegionParams,
    pub basal: RegionParams,
    pub apical: RegionParams,
    /// Reversal potentials (mV).
    pub ena: f64,
    pub ek: f64,
    /// Extracellular Ca (mM) for the Nernst eca, and the initial intracellular Ca (mM).
    pub cao_mm: f64,
    pub cai0_mm: f64,
    /// Temperature (°C); acts only through the Nernst eca (channels use Hay's fixed qt).
    pub celsius: f64,
    /// Multiplier of every SK_E2 density (1.0; 0.1 gives NeuronIO's "AMPA_SK" variant).
    pub sk_multiplier: f64,
    /// Published template quirk: the last segment of each apical section takes the
    /// distance-rule value at the section's end (x = 1). Default true.
    pub end_value_quirk: bool,
}

/// Every channel SUFFIX the simulator knows.
pub const CHANNELS: [&str; 11] = [
    "NaTa_t", "NaTs2_t", "Nap_Et2", "K_Pst", "K_Tst", "SKv3_1", "SK_E2", "Ca_HVA", "Ca_LVAst", "Im", "Ih",
];

fn u(name: &'static str, g: f64) -> (&'static str, Density) {
    (name, Density::Uniform(g))
}

impl Biophysics {
    /// Hay 2011 "L5PCbiophys3" (the published model).
    pub fn hay2011() -> Biophysics {
        Biophysics {
            name: "hay2011".into(),
            soma: RegionParams {
                cm: 1.0,
                g_pas: 3.38e-5,
                e_pas: -90.0,
                channels: vec![
                    u("NaTa_t", 2.04),
                    u("Nap_Et2", 1.72e-3),
                    u("K_Pst", 2.23e-3),
                    u("K_Tst", 0.0812),
                    u("SKv3_1", 0.693),
                    u("SK_E2", 0.0441),
                    u("Ca_HVA", 9.92e-4),
                    u("Ca_LVAst", 3.43e-3),
                    u("Ih", 2e-4),
                ],
                ca: Some(CaShell { decay_ms: 460.0, gamma: 5.01e-4 }),
            },
            axon: RegionParams { cm: 1.0, g_pas: 3.25e-5, e_pas: -90.0, channels: vec![], ca: None },
            basal: RegionParams { cm: 2.0, g_pas: 4.67e-5, e_pas: -90.0, channels: vec![u("Ih", 2e-4)], ca: None },
            apical: RegionParams {
                cm: 2.0,
                g_pas: 5.89e-5,
                e_pas: -90.0,
                channels: vec![
                    u("NaTa_t", 0.0213),
                    u("SKv3_1", 2.61e-4),
                    u("SK_E2", 0.0012),
                    u("Im", 6.75e-5),
                    ("Ih", Density::Exponential { scale: 2e-4, a: -0.8696, b: 2.087, c: 3.6161, cap: f64::INFINITY }),
                    ("Ca_LVAst", Density::HotZone { inside: 0.0187, outside_factor: 0.01, lo_um: 685.0, hi_um: 885.0 }),
                    ("Ca_HVA", Density::HotZone { inside: 5.55e-4, outside_factor: 0.1, lo_um: 685.0, hi_um: 885.0 }),
                ],
                ca: Some(CaShell { decay_ms: 122.0, gamma: 5.09e-4 }),
            },
            ena: 50.0,
            ek: -85.0,
            cao_mm: 2.0,
            cai0_mm: 5e-5,
            celsius: 6.3,
            sk_multiplier: 1.0,
            end_value_quirk: true,
        }
    }

    /// Hay "L5PCbiophys5b", the NeuronIO dataset's densities.
    pub fn neuronio() -> Biophysics {
        Biophysics {
            name: "neuronio".into(),
            axon: RegionParams {
                cm: 1.0,
                g_pas: 3e-5,
                e_pas: -90.0,
                channels: vec![
                    u("NaTa_t", 3.89618),
                    u("Nap_Et2", 5.834e-3),
                    u("K_Pst", 0.188851),
                    u("K_Tst", 0.077274),
                    u("SKv3_1", 0.473799),
                    u("SK_E2", 4.7e-5),
                    u("Ca_HVA", 2.22e-4),
                    u("Ca_LVAst", 8.13e-4),
                    u("Im", 0.013322),
                    u("Ih", 5e-5),
                ],
                ca: Some(CaShell { decay_ms: 277.300774, gamma: 5.25e-4 }),
            },
            soma: RegionParams {
                cm: 1.0,
                g_pas: 3e-5,
                e_pas: -90.0,
                channels: vec![
                    u("NaTs2_t", 0.998912),
                    u("SKv3_1", 0.338029),
                    u("SK_E2", 0.09965),
                    u("Ca_HVA", 6.44e-4),
                    u("Ca_LVAst", 5.57e-4),
                    u("Im", 8e-6),
                    u("Ih", 7.5e-5),
                ],
                ca: Some(CaShell { decay_ms: 294.679571, gamma: 5.09e-4 }),
            },
            basal: RegionParams { cm: 2.0, g_pas: 6e-5, e_pas: -90.0, channels: vec![u("Ih", 5e-5)], ca: None },
            apical: RegionParams {
                cm: 2.0,
                g_pas: 6e-5,
                e_pas: -90.0,
                channels: vec![
                    u("NaTs2_t", 0.021489),
                    u("SKv3_1", 1.808e-3),
                    u("SK_E2", 2e-6),
                    u("Ca_HVA", 7.01e-4),
                    u("Im", 9.9e-4),
                    ("Ih", Density::Exponential { scale: 1e-4, a: -0.8696, b: 2.087, c: 3.6161, cap: 0.65 }),
                    ("Ca_LVAst", Density::HotZone { inside: 0.2271264, outside_factor: 0.01, lo_um: 685.0, hi_um: 885.0 }),
                ],
                ca: Some(CaShell { decay_ms: 35.725651, gamma: 6.37e-4 }),
            },
            ena: 50.0,
            ek: -85.0,
            cao_mm: 2.0,
            cai0_mm: 5e-5,
            celsius: 6.3,
            sk_multiplier: 1.0,
            end_value_quirk: true,
        }
    }

    /// Passive only (every channel removed), for tests of the cable itself.
    pub fn passive(mut self) -> Biophysics {
        for r in [&mut self.soma, &mut self.axon, &mut self.basal, &mut self.apical] {
            r.channels.clear();
            r.ca = None;
        }
        self.name = format!("{}-passive", self.name);
        self
    }

    /// A built-in set by name: `hay2011` or `neuronio`.
    pub fn by_name(name: &str) -> Result<Biophysics> {
        match name {
            "hay2011" => Ok(Biophysics::hay2011()),
            "neuronio" => Ok(Biophysics::neuronio()),
            other => Err(SimError::param("biophysics", format!("unknown set '{other}' (use hay2011 or neuronio)"))),
        }
    }

    /// Parameters of a region; other SWC types are treated as basal dendrite.
    pub fn region(&self, r: Region) -> &RegionParams {
        match r {
            Region::Soma => &self.soma,
            Region::Axon => &self.axon,
            Region::Apical => &self.apical,
            Region::Basal | Region::Custom(_) => &self.basal,
        }
    }

    /// Reject non-physical values before anything runs.
    pub fn validate(&self) -> Result<()> {
        check_finite("ena", self.ena)?;
        check_finite("ek", self.ek)?;
        check_positive("cao", self.cao_mm)?;
        check_positive("cai0", self.cai0_mm)?;
        check_finite("celsius", self.celsius)?;
        if self.celsius <= -273.15 {
            return Err(SimError::param("celsius", format!("must be above absolute zero, got {}", self.celsius)));
        }
        if !(self.sk_multiplier.is_finite() && self.sk_multiplier >= 0.0) {
            return Err(SimError::param("sk_multiplier", format!("must be ≥ 0, got {}", self.sk_multiplier)));
        }
        for (rn, r) in [("soma", &self.soma), ("axon", &self.axon), ("basal", &self.basal), ("apical", &self.apical)] {
            check_positive(&format!("{rn}.cm"), r.cm)?;
            if !(r.g_pas.is_finite() && r.g_pas >= 0.0) {
                return Err(SimError::param(format!("{rn}.g_pas"), format!("must be ≥ 0, got {}", r.g_pas)));
            }
            check_finite(&format!("{rn}.e_pas"), r.e_pas)?;
            for (ch, d) in &r.channels {
                if !CHANNELS.contains(ch) {
                    return Err(SimError::param(format!("{rn}.{ch}"), "unknown channel"));
                }
                let ok = match *d {
                    Density::Uniform(g) => g.is_finite() && g >= 0.0,
                    Density::Exponential { scale, a, b, c, cap } => [scale, a, b, c].iter().all(|x| x.is_finite()) && cap > 0.0,
                    Density::HotZone { inside, outside_factor, lo_um, hi_um } => {
                        inside.is_finite() && inside >= 0.0 && outside_factor.is_finite() && outside_factor >= 0.0 && lo_um < hi_um
                    }
                };
                if !ok {
                    return Err(SimError::param(format!("{rn}.{ch}"), format!("invalid density rule {d:?}")));
                }
            }
            if let Some(ca) = r.ca {
                check_positive(&format!("{rn}.ca.decay"), ca.decay_ms)?;
                if !(ca.gamma.is_finite() && ca.gamma >= 0.0) {
                    return Err(SimError::param(format!("{rn}.ca.gamma"), format!("must be ≥ 0, got {}", ca.gamma)));
                }
            }
        }
        Ok(())
    }
}

/// Densities of one channel at the segments it is inserted in.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelPlacement {
    pub name: &'static str,
    /// Segment rows, in segment-table order.
    pub segments: Vec<usize>,
    /// Density (S/cm²) per listed segment.
    pub gbar: Vec<f64>,
}

/// Distance (µm) at which a segment's density is evaluated: its centre's apical path
/// distance, or with the quirk, the section's end for the last segment of a section.
fn rule_distance(disc: &Discretized, row: usize, quirk: bool) -> f64 {
    let s = &disc.segments[row];
    let d = s.path_apical_um.unwrap_or(s.path_soma_um);
    let last = row + 1 == disc.segments.len() || disc.segments[row + 1].section != s.section;
    if quirk && last {
        d + 0.5 * s.length_um
    } else {
        d
    }
}

/// Where each channel goes and with what density, in a fixed channel order (CHANNELS).
pub fn place_channels(disc: &Discretized, bio: &Biophysics) -> Vec<ChannelPlacement> {
    let lmax = disc.longest_apical_path_um();
    let mut out = Vec::new();
    for name in CHANNELS {
        let mut p = ChannelPlacement { name, segments: Vec::new(), gbar: Vec::new() };
        for seg in &disc.segments {
            let r = bio.region(seg.region);
            if let Some((_, d)) = r.channels.iter().find(|(n, _)| *n == name) {
                let g = if d.is_uniform() {
                    d.at(0.0, lmax)
                } else {
                    d.at(rule_distance(disc, seg.index, bio.end_value_quirk), lmax)
                };
                let g = if name == "SK_E2" { g * bio.sk_multiplier } else { g };
                p.segments.push(seg.index);
                p.gbar.push(g);
            }
        }
        if !p.segments.is_empty() {
            out.push(p);
        }
    }
    out
}
