//! Surrogate networks (see README).
