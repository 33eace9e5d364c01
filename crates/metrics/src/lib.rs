//! Evaluation metrics as the field reports them (Beniaguev et al. 2021; LFDeep 2024):
//! spike detection by ROC analysis of per-ms spike probabilities, voltage by RMSE, MAE,
//! explained variance and correlation. No deep-learning dependency.

pub mod roc;
pub mod regression;

pub use regression::{explained_variance, mae, pearson, rmse};
pub use roc::{d_prime, roc_auc, roc_curve, tpr_at_fpr, RocCurve};
