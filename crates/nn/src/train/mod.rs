//! Training: run configs and overrides, the loss, the loop, checkpoints.

pub mod checkpoint;
pub mod config;
pub mod loss;
pub mod loss_history;
pub mod non_finite;
pub mod parallel;
pub mod step;
pub mod throughput;
pub mod trainer;

pub use checkpoint::{load_weights, save_weights, TrainState};
pub use config::{DataConfig, InputUpload, LrSchedule, OptimizerKind, RunConfig, TrainConfig};
pub use loss::{bce_with_logits, surrogate_loss, LossParts};
pub use parallel::{split_batch, DataParallel, LossWeights};
pub use trainer::{evaluate, prepare, train, train_on, EpochMetrics, ModelMeta, Prepared, Progress, StopReason, TrainSummary};
