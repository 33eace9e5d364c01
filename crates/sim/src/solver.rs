//! The tree (Hines) solver: backward-Euler voltage update on NEURON's node graph.
//!
//! The matrix is NEURON's: for node i with parent p, row i holds `b[i]` in column p and row p
//! holds `a[i]` in column i, with `a[i] = −100/(ri_i·area_p)` and `b[i] = −100/(ri_i·area_i)`
//! (ri in MΩ, area in µm², giving S/cm²). Zero-area nodes (section ends) use area 100 µm²,
//! as NEURON does; they carry no capacitance and no membrane, so their row only states current
//! conservation and the scale cancels. Nodes are in topological order (parents first), so
//! one backward sweep eliminates and one forward sweep substitutes: O(n), exact.

/// Fixed part of the tree matrix.
#[derive(Debug, Clone)]
pub struct Tree {
    /// Parent node, `usize::MAX` for the root.
    pub parent: Vec<usize>,
    /// Coupling of node i in its parent's row (S/cm²).
    pub a: Vec<f64>,
    /// Coupling of the parent in node i's row (S/cm²).
    pub b: Vec<f64>,
    /// Node area used for point-process scaling (µm²; 100 for zero-area nodes).
    pub area_um2: Vec<f64>,
}

/// The root has no parent.
pub const NO_PARENT: usize = usize::MAX;

impl Tree {
    /// Build from parents (topological order), axial resistances (MΩ) and areas (µm²).
    pub fn new(parent: Vec<usize>, ri_mohm: &[f64], area_um2: &[f64]) -> Tree {
        let n = parent.len();
        let area: Vec<f64> = area_um2.iter().map(|&a| if a > 0.0 { a } else { 100.0 }).collect();
        let mut a = vec![0.0; n];
        let mut b = vec![0.0; n];
        for i in 0..n {
            let p = parent[i];
            if p == NO_PARENT {
                continue;
            }
            debug_assert!(p < i, "nodes must be in topological order");
            a[i] = -100.0 / (ri_mohm[i] * area[p]);
            b[i] = -100.0 / (ri_mohm[i] * area[i]);
        }
        Tree { parent, a, b, area_um2: area }
    }

    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// Add the axial terms to the right-hand side (mA/cm², the current flowing into each
    /// node along the cable at voltages `v`) and to the diagonal.
    #[inline]
    pub fn add_axial(&self, v: &[f64], rhs: &mut [f64], d: &mut [f64]) {
        for i in 0..self.parent.len() {
            let p = self.parent[i];
            if p == NO_PARENT {
                continue;
            }
            let dv = v[p] - v[i];
            rhs[i] -= self.b[i] * dv;
            rhs[p] += self.a[i] * dv;
            d[i] -= self.b[i];
            d[p] -= self.a[i];
        }
    }

    /// Solve the system in place: on return `rhs` holds the voltage change Δv (mV).
    /// `d` is overwritten.
    #[inline]
    pub fn solve(&self, d: &mut [f64], rhs: &mut [f64]) {
        let n = self.parent.len();
        // Eliminate children into parents, leaves first.
        for i in (0..n).rev() {
            let p = self.parent[i];
            if p == NO_PARENT {
                continue;
            }
            let f = self.a[i] / d[i];
            d[p] -= f * self.b[i];
            rhs[p] -= f * rhs[i];
        }
        // Substitute from the roots down.
        for i in 0..n {
            let p = self.parent[i];
            if p == NO_PARENT {
                rhs[i] /= d[i];
            } else {
                rhs[i] -= self.b[i] * rhs[p];
                rhs[i] /= d[i];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dense Gaussian elimination of the same matrix, for comparison.
    fn dense_solve(t: &Tree, d: &[f64], rhs: &[f64]) -> Vec<f64> {
        let n = t.len();
        let mut m = vec![vec![0.0; n + 1]; n];
        for i in 0..n {
            m[i][i] = d[i];
            m[i][n] = rhs[i];
            let p = t.parent[i];
            if p != NO_PARENT {
                m[i][p] = t.b[i];
                m[p][i] = t.a[i];
            }
        }
        for c in 0..n {
            let piv = (c..n).max_by(|&x, &y| m[x][c].abs().total_cmp(&m[y][c].abs())).unwrap();
            m.swap(c, piv);
            for r in 0..n {
                if r != c {
                    let f = m[r][c] / m[c][c];
                    for k in c..=n {
                        m[r][k] -= f * m[c][k];
                    }
                }
            }
        }
        (0..n).map(|i| m[i][n] / m[i][i]).collect()
    }

    #[test]
    fn hines_equals_dense_elimination_on_a_branched_tree() {
        // 0 ─ 1 ─ 2 ─ 3, 1 ─ 4 ─ 5, 0 ─ 6 (node 3 and 6 zero-area ends).
        let parent = vec![NO_PARENT, 0, 1, 2, 1, 4, 0];
        let ri = [0.0, 1.5, 2.0, 0.7, 3.0, 1.1, 0.4];
        let area = [0.0, 300.0, 120.0, 0.0, 80.0, 95.0, 0.0];
        let t = Tree::new(parent, &ri, &area);
        let n = t.len();
        let mut d: Vec<f64> = (0..n).map(|i| if area[i] > 0.0 { 0.08 + 0.01 * i as f64 } else { 0.0 }).collect();
        let mut rhs: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
        let v: Vec<f64> = (0..n).map(|i| -70.0 + i as f64).collect();
        t.add_axial(&v, &mut rhs, &mut d);
        let want = dense_solve(&t, &d, &rhs);
        let mut d2 = d.clone();
        let mut r2 = rhs.clone();
        t.solve(&mut d2, &mut r2);
        for i in 0..n {
            assert!((r2[i] - want[i]).abs() < 1e-12 * (1.0 + want[i].abs()), "node {i}: {} vs {}", r2[i], want[i]);
        }
    }

    #[test]
    fn axial_currents_conserve_charge() {
        // Σ area·(axial current density) over all nodes is zero for any voltages.
        let parent = vec![NO_PARENT, 0, 1, 1, 3];
        let ri = [0.0, 1.0, 2.0, 3.0, 4.0];
        let area = [0.0, 50.0, 60.0, 0.0, 70.0];
        let t = Tree::new(parent, &ri, &area);
        let v = [-65.0, -60.0, -70.0, -50.0, -80.0];
        let mut rhs = vec![0.0; 5];
        let mut d = vec![0.0; 5];
        t.add_axial(&v, &mut rhs, &mut d);
        let total: f64 = (0..5).map(|i| rhs[i] * t.area_um2[i]).sum();
        assert!(total.abs() < 1e-9, "net axial current {total}");
    }
}
