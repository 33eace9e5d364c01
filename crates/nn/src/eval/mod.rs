//! Evaluation of a trained run on whole simulations: load the run folder, predict every
//! millisecond of each test simulation (teacher-forced one-step, or free-running), and compute
//! the field's metrics from t ≥ 500 ms (`../shared/spec/neuronio.md`, Evaluation).

pub mod metrics;
pub mod predict;
pub mod run;

pub use metrics::{distance_bins, error_growth, evaluate_predictions, summarize_groups, GroupSummary, GrowthBin, ModeMetrics, VoltageMetrics, FPR_POINTS};
pub use predict::{predict_free, predict_teacher, SimPrediction};
pub use run::LoadedRun;
