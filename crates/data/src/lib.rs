//! Datasets (see README).
