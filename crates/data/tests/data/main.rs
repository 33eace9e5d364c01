//! Integration tests of lfdeep-data (one test binary: faster to build and link).

mod generator_stats;
mod neuronio_import;
mod pipeline;
mod python_zarr;
mod site;
mod standin;
