//! SKv3_1: Kv3.1 fast delayed-rectifier K current (no temperature factor).
//!
//! i = ḡ·m·(v − ek). Rates from spec/hay2011.md; `oracle/mod/SKv3_1.mod` is the NMODL twin.

use super::{Gate};
use super::gated::{Ion, MChannel, MKinetics};

/// Gate m of SKv3_1 at membrane potential `v_mv` (mV).
pub fn rates(v_mv: f64) -> Gate {
    let inf = 1.0 / (1.0 + ((v_mv - 18.7) / (-9.7)).exp());
    let tau_ms = 4.0 / (1.0 + ((v_mv + 46.56) / (-44.14)).exp());
    Gate { inf, tau_ms }
}

/// SKv3_1's kinetics for the shared gated-channel machinery ([`super::gated`]).
#[derive(Debug, Clone)]
pub struct Kinetics;

impl MKinetics for Kinetics {
    const NAME: &'static str = "SKv3_1";
    const ION: Ion = Ion::K;
    fn rates(v_mv: f64) -> Gate {
        rates(v_mv)
    }
}

/// SKv3_1 inserted in a set of nodes (`SKv31::new(nodes, gbar)`, gbar in S/cm²).
pub type SKv31 = MChannel<Kinetics>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::test_support::rel;

    /// Values worked by hand from the spec formulas at points where they simplify.
    #[test]
    fn hand_checked_values() {
        // m∞(18.7) = 1/2, τ(−46.56) = 4/2 = 2 ms.
        assert!(rel(rates(18.7).inf, 0.5) < 1e-12);
        assert!(rel(rates(-46.56).tau_ms, 2.0) < 1e-12);
    }
}
