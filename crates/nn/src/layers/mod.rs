//! Building blocks shared by the models.

pub mod causal_conv;
pub mod elu;
pub mod encoder_group;
pub mod folded_conv;
pub mod grouped_linear;
pub mod init;
pub mod tcn_encoder;
pub mod towers;

pub use causal_conv::{auto_algorithm_for, conv_algorithm, conv_algorithm_on, scratch_per_step, set_conv_algorithm, CausalConv1d, CausalConv1dConfig, ConvAlgorithm};
pub use grouped_linear::{GroupedLinear, GroupedLinearConfig};
pub use tcn_encoder::{TcnBlockKind, TcnEncoder, TcnEncoderConfig};
pub use towers::{Towers, TowersConfig};
