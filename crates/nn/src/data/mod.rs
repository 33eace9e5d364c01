//! Data for training: the simulation source seam, splits by simulation, z-scoring fitted on
//! the training split, spike-balanced windows, background prefetch, and generated test data.

mod buffer;
pub mod input_events;
pub mod normalize;
pub mod pca;
pub mod source;
pub mod split;
pub mod synthetic;
pub mod windows;

pub use input_events::{events_of_dense, events_to_tensor};
pub use normalize::{Normalization, SOMA_CLIP_MV};
pub use pca::Pca;
pub use source::{InMemorySource, Simulation, SimulationSource};
pub use split::{split_by_simulation, Splits};
pub use synthetic::{synthetic_dataset, synthetic_simulation, SyntheticConfig};
pub use windows::{loader_threads, HostBatch, InputMode, Prefetcher, WindowSampler, WindowSpec};
