//! CaDynamics_E2: free calcium in a thin submembrane shell, plus NEURON's Nernst potential.
//!
//! dcai/dt = −10⁴·ica·γ/(2·F·depth) − (cai − minCai)/decay   (cai mM, ica mA/cm², depth µm,
//! t ms; 10⁴ converts mA/cm² / (C/mol·µm) to mM/ms). Not a [`super::Mechanism`]: it carries
//! no current. `oracle/mod/CaDynamics_E2.mod` is the NMODL twin.
//!
//! Order within a NEURON fixed step (what the cell must reproduce): eca is computed from the
//! cai left by the previous step (ion `cur`, before the channel currents); the channels' ica
//! at the old v is summed; after the voltage solve NEURON advances mechanisms in the order of
//! their type index, which puts CaDynamics_E2 before SK_E2 (types are numbered in mod-file
//! name order), so SK_E2's gate sees the **new** cai of the same step.

use super::cnexp;

/// NEURON's initial intracellular calcium (`cai0_ca_ion`, mM).
pub const CAI0_MM: f64 = 5e-5;
/// Faraday constant the spec fixes for the shell equation (C/mol).
pub const FARADAY_SPEC: f64 = 96485.309;
/// NEURON 9's gas constant (J/(mol·K)): k_B·N_A with the exact 2019 SI values.
pub const GAS_CONSTANT_NEURON: f64 = 1.380649e-23 * 6.02214076e23;
/// NEURON 9's Faraday constant (C/mol): e·N_A with the exact 2019 SI values.
pub const FARADAY_NEURON: f64 = 1.602176634e-19 * 6.02214076e23;

/// Nernst potential (mV) as NEURON 9 computes it (`nrn_nernst`): RT/(zF)·ln(co/ci) with
/// its 2019 SI R and F; ci ≤ 0 gives +1e6 and co ≤ 0 gives −1e6, z = 0 gives 0, as NEURON.
pub fn nernst_mv(ci_mm: f64, co_mm: f64, z: f64, celsius: f64) -> f64 {
    if z == 0.0 {
        return 0.0;
    }
    if ci_mm <= 0.0 {
        1e6
    } else if co_mm <= 0.0 {
        -1e6
    } else {
        let ktf = 1000.0 * GAS_CONSTANT_NEURON * (celsius + 273.15) / FARADAY_NEURON;
        ktf / z * (co_mm / ci_mm).ln()
    }
}

#[derive(Debug, Clone)]
pub struct CaDynamics {
    nodes: Vec<usize>,
    /// Fraction of entering calcium that stays free (unbuffered), per node.
    pub gamma: Vec<f64>,
    /// Removal time constant (ms), per node.
    pub decay_ms: Vec<f64>,
    /// Shell depth (µm).
    pub depth_um: f64,
    /// Level removal drives cai to (mM).
    pub min_cai_mm: f64,
}

impl CaDynamics {
    /// Shell depth 0.1 µm and minCai 1e-4 mM, as the published model.
    pub fn new(nodes: Vec<usize>, gamma: Vec<f64>, decay_ms: Vec<f64>) -> Self {
        assert_eq!(
            nodes.len(),
            gamma.len(),
            "CaDynamics_E2: one gamma per node"
        );
        assert_eq!(
            nodes.len(),
            decay_ms.len(),
            "CaDynamics_E2: one decay per node"
        );
        CaDynamics {
            nodes,
            gamma,
            decay_ms,
            depth_um: 0.1,
            min_cai_mm: 1e-4,
        }
    }

    /// Nodes this mechanism is inserted in.
    pub fn nodes(&self) -> &[usize] {
        &self.nodes
    }

    /// NEURON's initial value: the mod file has no INITIAL block, so cai starts at the ion's
    /// cai0 (5e-5 mM, below minCai: cai relaxes upwards at rest).
    pub fn init(&self, cai: &mut [f64]) {
        for &n in &self.nodes {
            cai[n] = CAI0_MM;
        }
    }

    /// Advance cai (mM, indexed by node) by `dt_ms` with `ica` (mA/cm², indexed by node) held
    /// at its value from this step's current evaluation. The equation is linear in cai, so
    /// cnexp is its exact solution for constant ica: cai∞ = minCai + decay·drive, τ = decay.
    pub fn advance(&self, ica: &[f64], cai: &mut [f64], dt_ms: f64) {
        for (k, &n) in self.nodes.iter().enumerate() {
            let drive_mm_per_ms =
                -10000.0 * (ica[n] * self.gamma[k] / (2.0 * FARADAY_SPEC * self.depth_um));
            let decay = self.decay_ms[k];
            let cai_inf = self.min_cai_mm + drive_mm_per_ms * decay;
            cai[n] = cnexp(cai[n], cai_inf, decay, dt_ms);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neuron_constants_are_the_2019_si_products() {
        // NEURON 9 prints h.R = 8.31446261815324, h.FARADAY = 96485.33212331001.
        assert!((GAS_CONSTANT_NEURON - 8.31446261815324).abs() < 1e-13);
        assert!((FARADAY_NEURON - 96485.33212331001).abs() < 1e-9);
    }

    #[test]
    fn nernst_by_hand() {
        // z = 2, co/ci = e: E = RT/(2F) = 1000·8.31446261815324·(6.3 + 273.15)/(2·96485.33212331) mV.
        let e = nernst_mv(1.0, std::f64::consts::E, 2.0, 6.3);
        let by_hand = 1000.0 * 8.31446261815324 * 279.45 / (2.0 * 96485.33212331001);
        assert!((e - by_hand).abs() < 1e-12, "{e} vs {by_hand}");
        assert!((by_hand - 12.04057).abs() < 1e-5);
        assert_eq!(nernst_mv(0.0, 2.0, 2.0, 6.3), 1e6);
        assert_eq!(nernst_mv(1.0, 0.0, 2.0, 6.3), -1e6);
        assert_eq!(nernst_mv(1.0, 2.0, 0.0, 6.3), 0.0);
    }

    #[test]
    fn shell_relaxes_to_its_analytical_steady_state() {
        // Constant ica = −1e-4 mA/cm² (inward): cai∞ = 1e-4 + 1e4·1e-4·γ·decay/(2F·0.1).
        let ca = CaDynamics::new(vec![1], vec![0.05], vec![80.0]);
        let ica = [0.0, -1e-4];
        let mut cai = [0.0, 0.0];
        ca.init(&mut cai);
        assert_eq!(cai, [0.0, CAI0_MM]);
        let expect = 1e-4 + 1e4 * 1e-4 * 0.05 * 80.0 / (2.0 * 96485.309 * 0.1);
        for _ in 0..100_000 {
            ca.advance(&ica, &mut cai, 0.025);
        }
        assert!(
            ((cai[1] - expect) / expect).abs() < 1e-12,
            "{} vs {expect}",
            cai[1]
        );
        // And exactly exponential in between: after one decay time constant from cai0 with
        // ica = 0, cai − minCai has shrunk by e.
        let mut c = [CAI0_MM];
        let ca0 = CaDynamics::new(vec![0], vec![0.05], vec![80.0]);
        for _ in 0..3200 {
            ca0.advance(&[0.0], &mut c, 0.025);
        }
        let want = 1e-4 + (CAI0_MM - 1e-4) * (-1.0f64).exp();
        assert!((c[0] - want).abs() < 1e-15);
    }
}
