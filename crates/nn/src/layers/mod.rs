//! Building blocks shared by the models.

pub mod causal_conv;
pub mod grouped_linear;
pub mod init;
pub mod tcn_encoder;
pub mod towers;

pub use causal_conv::{conv_algorithm, conv_algorithm_on, set_conv_algorithm, CausalConv1d, CausalConv1dConfig, ConvAlgorithm};
pub use grouped_linear::{GroupedLinear, GroupedLinearConfig};
pub use tcn_encoder::{TcnBlockKind, TcnEncoder, TcnEncoderConfig};
pub use towers::{Towers, TowersConfig};
