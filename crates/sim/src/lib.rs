//! Simulator (see README).
