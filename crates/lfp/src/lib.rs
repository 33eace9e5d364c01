//! Extracellular potentials (see README).
