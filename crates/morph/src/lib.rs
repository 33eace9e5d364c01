//! lfdeep-morph: neuron morphologies, read and discretised exactly as NEURON does.
//!
//! Data flow: a reader ([`read_asc`], [`read_swc`]) or the built-in cell ([`builtin_l5pc`])
//! gives a [`Morphology`] (sections of 3-D points, NEURON's Import3d semantics);
//! [`discretize`] turns it into a [`Discretized`] cell: the segment table (areas, axial
//! resistances, positions, path distances) and the node graph the simulator solves on.

pub mod asc;
pub mod builtin;
pub mod discretize;
pub mod error;
pub mod geometry;
pub mod import3d;
pub mod load;
pub mod sexpr;
pub mod soma_contour;
pub mod swc;
pub mod table;
pub mod tree;

pub use asc::{parse_asc, read_asc};
pub use builtin::builtin_l5pc;
pub use discretize::{discretize, DiscretizeOptions, Discretized, Node, NsegRule, Segment};
pub use error::{MorphError, Result};
pub use load::load_morphology;
pub use swc::{parse_swc, read_swc, write_swc};
pub use tree::{Morphology, Point3d, Region, Section};
