//! lfdeep-lfp: extracellular potentials from simulated or predicted voltages.
//!
//! Data flow: a discretised cell ([`lfdeep_morph::Discretized`]) gives the axial network
//! ([`AxialNetwork`]) that turns all-compartment voltages (mV) into transmembrane currents
//! (nA) by Kirchhoff's law, and the segment geometry ([`CellGeometry`]) that the forward
//! models turn into transformation matrices M (outputs × segments), so V_e = M · I_m:
//! [`line_source_matrix`] and [`point_source_matrix`] (infinite homogeneous medium, mV),
//! [`dipole_moment_matrix`] (nA·µm) and, for EEG, [`FourSphere`] (mV per nA·µm).
//! Every model follows LFPykit's definitions, and the tests compare against LFPykit.

pub mod currents;
pub mod dipole;
pub mod electrodes;
pub mod error;
pub mod four_sphere;
pub mod geometry;
pub mod line_source;
pub mod matrix;
pub mod npy;
pub mod point_source;

pub use currents::{currents_from_node_voltages, AxialNetwork};
pub use dipole::dipole_moment_matrix;
pub use electrodes::{ElectrodeConfig, Electrodes, SourceModel};
pub use error::{LfpError, Result};
pub use four_sphere::FourSphere;
pub use geometry::CellGeometry;
pub use line_source::line_source_matrix;
pub use matrix::Matrix;
pub use point_source::point_source_matrix;
