//! A simulated cell: NEURON's node graph with membrane mechanisms, calcium dynamics, current
//! stimuli and synapses, advanced with NEURON's default fixed step (secondorder = 0).
//!
//! One step from t to t + dt, in NEURON's order (nrn_fixed_step):
//! 1. deliver every synaptic event with time ≤ t + dt/2;
//! 2. t ← t + dt/2; membrane currents at the old v (mechanisms: BREAKPOINT, plus their dI/dV),
//!    stimuli at t + dt/2, synapses with their numerical dI/dV;
//! 3. backward-Euler solve of the cable on the tree (Hines), v ← v + Δv; t ← t + dt/2;
//! 4. states with the new v: calcium first (CaDynamics_E2 is registered before the
//!    channels in NEURON, so SK_E2 sees the new cai), then channel gates, then synapses.
//!
//! Membrane currents (NEURON's fast_imem), computed only when asked for ([`MembraneCurrents`]):
//! step 2's linearised membrane current of node i, `I_i(v_old) + G_i·Δv + c_m·Δv/dt` (per
//! area), converted to nA with the node's area.

use crate::biophysics::{place_channels, Biophysics};
use crate::catalogue::make_channel;
use crate::error::{check_positive, Result, SimError};
use crate::mechanisms::pas::Pas;
use crate::mechanisms::{nernst_mv, CaDynamics, Currents, Mechanism, NodeState};
use crate::record::{Quantity, Recording};
use crate::solver::{Tree, NO_PARENT};
use crate::stimulus::Stimulus;
use crate::synapses::{keyed_uniform, AmpaNmda, EventQueue, ExcParams, GabaA, InhParams, SynKind};
use lfdeep_morph::Discretized;

/// Source of the numbers the synapses use for probabilistic release.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Release {
    /// Probability that a presynaptic event releases (1.0: always).
    pub probability: f64,
    pub seed: u64,
}

impl Default for Release {
    fn default() -> Self {
        Release { probability: 1.0, seed: 0 }
    }
}

/// Buffers of the membrane-current computation (NEURON's `_nrn_sav_rhs`, `_nrn_sav_d`).
#[derive(Debug, Clone)]
struct MembraneCurrents {
    /// Membrane current density at the old voltage, outward positive (mA/cm²): ionic +
    /// synaptic, without electrode currents.
    i0: Vec<f64>,
    /// Its derivative by v plus c_m/dt (S/cm²): the membrane part of the matrix diagonal.
    di_dv: Vec<f64>,
    /// Total membrane current of each node over the last step (nA, outward positive).
    i_na: Vec<f64>,
}

#[derive(Debug)]
pub struct Cell {
    disc: Discretized,
    bio: Biophysics,
    tree: Tree,
    /// Membrane capacitance per node (µF/cm²; 0 at zero-area nodes).
    cm: Vec<f64>,
    /// 100/area (µm⁻²), converting point-process nA to mA/cm².
    pp_scale: Vec<f64>,
    mechs: Vec<Box<dyn Mechanism>>,
    ca: CaDynamics,
    /// Nodes where the Ca ion exists (eca follows Nernst from cai).
    ca_nodes: Vec<usize>,
    stimuli: Vec<Box<dyn Stimulus>>,
    exc: AmpaNmda,
    inh: GabaA,
    /// Segment row of each excitatory / inhibitory synapse.
    exc_rows: Vec<usize>,
    inh_rows: Vec<usize>,
    queue: EventQueue,
    release: Release,
    delivered: u64,
    released: u64,
    // State.
    pub(crate) v: Vec<f64>,
    cai: Vec<f64>,
    eca: Vec<f64>,
    i_mem: Vec<f64>,
    g_mem: Vec<f64>,
    ica: Vec<f64>,
    rhs: Vec<f64>,
    d: Vec<f64>,
    /// Present only while membrane currents are computed (none: no extra work per step).
    imem: Option<MembraneCurrents>,
    t: f64,
    dt: f64,
    steps: u64,
}

impl Cell {
    /// Build a cell from a discretised morphology and a parameter set.
    pub fn new(disc: &Discretized, bio: &Biophysics) -> Result<Cell> {
        bio.validate()?;
        let n = disc.nodes.len();
        let parent: Vec<usize> = disc.nodes.iter().map(|nd| nd.parent.unwrap_or(NO_PARENT)).collect();
        for (i, nd) in disc.nodes.iter().enumerate() {
            if let Some(p) = nd.parent {
                if p >= i {
                    return Err(SimError::param("morphology", format!("node {i} comes before its parent {p}")));
                }
                if !(nd.ri_mohm.is_finite() && nd.ri_mohm > 0.0) {
                    return Err(SimError::param("morphology", format!("node {i}: axial resistance {} MΩ", nd.ri_mohm)));
                }
            }
        }
        let ri: Vec<f64> = disc.nodes.iter().map(|nd| nd.ri_mohm).collect();
        let area: Vec<f64> = disc.nodes.iter().map(|nd| nd.area_um2).collect();
        let tree = Tree::new(parent, &ri, &area);
        let pp_scale: Vec<f64> = tree.area_um2.iter().map(|a| 100.0 / a).collect();
        let mut cm = vec![0.0; n];
        let mut pas_nodes = Vec::new();
        let mut pas_g = Vec::new();
        let mut pas_e = Vec::new();
        let (mut ca_nodes_v, mut ca_decay, mut ca_gamma) = (Vec::new(), Vec::new(), Vec::new());
        for seg in &disc.segments {
            let r = bio.region(seg.region);
            cm[seg.node] = r.cm;
            pas_nodes.push(seg.node);
            pas_g.push(r.g_pas);
            pas_e.push(r.e_pas);
            if let Some(c) = r.ca {
                ca_nodes_v.push(seg.node);
                ca_decay.push(c.decay_ms);
                ca_gamma.push(c.gamma);
            }
        }
        let mut mechs: Vec<Box<dyn Mechanism>> = vec![Box::new(Pas::new(pas_nodes, pas_g, pas_e))];
        let mut has_ca = vec![false; n];
        let ca_shell = CaDynamics::new(ca_nodes_v, ca_gamma, ca_decay);
        for &nd in ca_shell.nodes() {
            has_ca[nd] = true;
        }
        for p in place_channels(disc, bio) {
            let nodes: Vec<usize> = p.segments.iter().map(|&r| disc.segments[r].node).collect();
            if matches!(p.name, "Ca_HVA" | "Ca_LVAst" | "SK_E2") {
                nodes.iter().for_each(|&nd| has_ca[nd] = true);
            }
            mechs.push(make_channel(&p, nodes)?);
        }
        let ca_nodes = (0..n).filter(|&i| has_ca[i]).collect();
        Ok(Cell {
            disc: disc.clone(),
            bio: bio.clone(),
            tree,
            cm,
            pp_scale,
            mechs,
            ca: ca_shell,
            ca_nodes,
            stimuli: Vec::new(),
            exc: AmpaNmda::new(ExcParams::default(), Vec::new())?,
            inh: GabaA::new(InhParams::default(), Vec::new())?,
            exc_rows: Vec::new(),
            inh_rows: Vec::new(),
            queue: EventQueue::default(),
            release: Release::default(),
            delivered: 0,
            released: 0,
            v: vec![0.0; n],
            cai: vec![bio.cai0_mm; n],
            eca: vec![0.0; n],
            i_mem: vec![0.0; n],
            g_mem: vec![0.0; n],
            ica: vec![0.0; n],
            rhs: vec![0.0; n],
            d: vec![0.0; n],
            imem: None,
            t: 0.0,
            dt: 0.025,
            steps: 0,
        })
    }

    pub fn discretized(&self) -> &Discretized {
        &self.disc
    }
    pub fn biophysics(&self) -> &Biophysics {
        &self.bio
    }
    pub fn n_nodes(&self) -> usize {
        self.v.len()
    }
    /// Node of a segment row.
    pub fn node_of(&self, row: usize) -> Result<usize> {
        self.disc
            .segments
            .get(row)
            .map(|s| s.node)
            .ok_or_else(|| SimError::param("segment", format!("row {row} out of range (cell has {} segments)", self.disc.segments.len())))
    }
    /// Node of `soma(0.5)` (the first soma segment containing x = 0.5).
    pub fn soma_node(&self) -> Result<usize> {
        let i = self
            .disc
            .morphology
            .soma()
            .ok_or_else(|| SimError::param("morphology", "the cell has no soma"))?;
        let name = self.disc.morphology.sections[i].name.clone();
        let row = self.disc.segment_at(&name, 0.5).expect("soma segment");
        self.node_of(row)
    }
    pub fn mechanisms(&self) -> &[Box<dyn Mechanism>] {
        &self.mechs
    }
    pub fn t_ms(&self) -> f64 {
        self.t
    }
    pub fn dt_ms(&self) -> f64 {
        self.dt
    }
    pub fn v(&self) -> &[f64] {
        &self.v
    }
    pub fn cai(&self) -> &[f64] {
        &self.cai
    }
    /// Compute every node's total membrane current from now on (extra work each step).
    /// `run_steps` turns this on by itself when given a membrane-current [`Recording`].
    pub fn enable_membrane_currents(&mut self) {
        if self.imem.is_none() {
            let n = self.n_nodes();
            self.imem = Some(MembraneCurrents { i0: vec![0.0; n], di_dv: vec![0.0; n], i_na: vec![0.0; n] });
        }
    }

    /// Total transmembrane current of every node (nA, outward positive; capacitive + ionic +
    /// synaptic, electrode currents excluded), as NEURON's `i_membrane_` with fast_imem, or
    /// None unless enabled. After a step from t to t + dt it is the backward-Euler current
    /// over that step, `c_m·(v(t+dt) − v(t))/dt + I(v(t)) + dI/dv·(v(t+dt) − v(t))` times the
    /// area, with the currents evaluated at t + dt/2 as the solver used them. Because it is a
    /// row of the solved system, it equals the net axial current flowing into the node at the
    /// new voltages v(t + dt) plus any electrode current there (Kirchhoff), so it is 0 at
    /// zero-area nodes and sums to the injected electrode current over the cell. Before the
    /// first step (uniform v after `init`) it is 0.
    pub fn membrane_currents_na(&self) -> Option<&[f64]> {
        self.imem.as_ref().map(|m| m.i_na.as_slice())
    }

    /// (events delivered, events that released).
    pub fn event_counts(&self) -> (u64, u64) {
        (self.delivered, self.released)
    }

    /// Add a current stimulus (IClamp, EPSP-like current).
    pub fn add_stimulus(&mut self, s: Box<dyn Stimulus>) -> Result<()> {
        if s.node() >= self.n_nodes() {
            return Err(SimError::param("stimulus node", format!("{} out of range", s.node())));
        }
        self.stimuli.push(s);
        Ok(())
    }

    /// Place excitatory (AMPA+NMDA) and inhibitory (GABA_A) synapses at segment rows.
    pub fn set_synapses(&mut self, exc_rows: &[usize], inh_rows: &[usize], exc: ExcParams, inh: InhParams) -> Result<()> {
        let en = exc_rows.iter().map(|&r| self.node_of(r)).collect::<Result<Vec<_>>>()?;
        let inn = inh_rows.iter().map(|&r| self.node_of(r)).collect::<Result<Vec<_>>>()?;
        self.exc = AmpaNmda::new(exc, en)?;
        self.inh = GabaA::new(inh, inn)?;
        self.exc_rows = exc_rows.to_vec();
        self.inh_rows = inh_rows.to_vec();
        Ok(())
    }

    /// The presynaptic events (indices refer to the synapses given to [`Cell::set_synapses`]).
    pub fn set_events(&mut self, queue: EventQueue, release: Release) -> Result<()> {
        if !(release.probability.is_finite() && (0.0..=1.0).contains(&release.probability)) {
            return Err(SimError::param("release_probability", format!("must be in [0, 1], got {}", release.probability)));
        }
        for e in queue.events() {
            let n = match e.kind {
                SynKind::Exc => self.exc.len(),
                SynKind::Inh => self.inh.len(),
            };
            if e.synapse >= n {
                return Err(SimError::param("synaptic event", format!("{:?} synapse {} does not exist ({n} placed)", e.kind, e.synapse)));
            }
        }
        self.queue = queue;
        self.release = release;
        Ok(())
    }

    /// NEURON's finitialize(v_init): v everywhere, cai = cai0, eca from Nernst, gates at
    /// steady state, synapses at rest, t = 0.
    pub fn init(&mut self, v_init_mv: f64, dt_ms: f64) -> Result<()> {
        check_positive("dt", dt_ms)?;
        if !(v_init_mv.is_finite() && (-200.0..=200.0).contains(&v_init_mv)) {
            return Err(SimError::param("v_init", format!("must be within ±200 mV, got {v_init_mv}")));
        }
        self.dt = dt_ms;
        self.t = 0.0;
        self.steps = 0;
        self.delivered = 0;
        self.released = 0;
        self.v.iter_mut().for_each(|x| *x = v_init_mv);
        let c0 = self.bio.cai0_mm;
        self.cai.iter_mut().for_each(|x| *x = c0);
        self.update_eca();
        let (ena, ek) = (self.bio.ena, self.bio.ek);
        let st = NodeState { v: &self.v, cai: &self.cai, eca: &self.eca, ena, ek };
        for m in &mut self.mechs {
            m.init(&st);
        }
        self.exc.init(dt_ms);
        self.inh.init(dt_ms);
        self.queue.rewind();
        if let Some(m) = &mut self.imem {
            m.i_na.iter_mut().for_each(|x| *x = 0.0);
        }
        self.check_finite()
    }

    fn update_eca(&mut self) {
        let (co, cel) = (self.bio.cao_mm, self.bio.celsius);
        for &n in &self.ca_nodes {
            self.eca[n] = nernst_mv(self.cai[n], co, 2.0, cel);
        }
    }

    /// One fixed step of dt.
    pub fn step(&mut self) -> Result<()> {
        let dt = self.dt;
        // 1. Events up to the step's midpoint.
        let tm = self.t + 0.5 * dt;
        while let Some(e) = self.queue.pop_until(tm) {
            let counter = self.delivered;
            self.delivered += 1;
            if self.release.probability < 1.0 {
                let stream = match e.kind {
                    SynKind::Exc => e.synapse as u64,
                    SynKind::Inh => (1u64 << 32) + e.synapse as u64,
                };
                if keyed_uniform(self.release.seed, stream, counter) >= self.release.probability {
                    continue;
                }
            }
            self.released += 1;
            match e.kind {
                SynKind::Exc => self.exc.receive(e.synapse),
                SynKind::Inh => self.inh.receive(e.synapse),
            }
        }
        self.t += 0.5 * dt;
        // 2. Currents at the old voltage.
        self.i_mem.iter_mut().for_each(|x| *x = 0.0);
        self.g_mem.iter_mut().for_each(|x| *x = 0.0);
        for &n in &self.ca_nodes {
            self.ica[n] = 0.0;
        }
        self.update_eca();
        {
            let st = NodeState { v: &self.v, cai: &self.cai, eca: &self.eca, ena: self.bio.ena, ek: self.bio.ek };
            let mut cur = Currents { i: &mut self.i_mem, g: &mut self.g_mem, ica: &mut self.ica };
            for m in &self.mechs {
                m.current(&st, &mut cur);
            }
        }
        let cfac = 1e-3 / dt;
        for i in 0..self.v.len() {
            self.rhs[i] = -self.i_mem[i];
            self.d[i] = self.g_mem[i] + self.cm[i] * cfac;
        }
        if let Some(m) = &mut self.imem {
            // NEURON's order: collect the electrode currents, then subtract the full membrane
            // right-hand side, leaving the membrane current alone.
            m.i0.iter_mut().for_each(|x| *x = 0.0);
        }
        for s in &self.stimuli {
            let n = s.node();
            let j = s.injected_na(self.t) * self.pp_scale[n];
            self.rhs[n] += j;
            if let Some(m) = &mut self.imem {
                m.i0[n] += j;
            }
        }
        self.exc.add_currents(&self.v, &self.pp_scale, &mut self.rhs, &mut self.d);
        self.inh.add_currents(&self.v, &self.pp_scale, &mut self.rhs, &mut self.d);
        if let Some(m) = &mut self.imem {
            for i in 0..self.v.len() {
                m.i0[i] -= self.rhs[i];
                m.di_dv[i] = self.d[i];
            }
        }
        // 3. Implicit cable solve.
        self.tree.add_axial(&self.v, &mut self.rhs, &mut self.d);
        self.tree.solve(&mut self.d, &mut self.rhs);
        for (v, dv) in self.v.iter_mut().zip(&self.rhs) {
            *v += dv;
        }
        if let Some(m) = &mut self.imem {
            // mA/cm² × µm² × 0.01 = nA. Zero-area nodes have i0 = di_dv = 0 (no membrane), so
            // the placeholder area 100 µm² there gives 0, as in NEURON.
            for i in 0..self.v.len() {
                m.i_na[i] = (m.di_dv[i] * self.rhs[i] + m.i0[i]) * self.tree.area_um2[i] * 0.01;
            }
        }
        self.t += 0.5 * dt;
        self.steps += 1;
        // 4. States with the new voltage.
        self.ca.advance(&self.ica, &mut self.cai, dt);
        {
            let st = NodeState { v: &self.v, cai: &self.cai, eca: &self.eca, ena: self.bio.ena, ek: self.bio.ek };
            for m in &mut self.mechs {
                m.advance(&st, dt);
            }
        }
        self.exc.advance();
        self.inh.advance();
        if !self.v.iter().all(|x| x.is_finite()) || self.steps % 40 == 0 {
            self.check_finite()?;
        }
        Ok(())
    }

    /// Run `n_steps` steps, sampling the recordings (including t = 0 when `steps` is 0).
    /// A membrane-current recording turns on [`Cell::enable_membrane_currents`].
    pub fn run_steps(&mut self, n_steps: u64, recs: &mut [&mut Recording]) -> Result<()> {
        let n = self.n_nodes();
        for r in recs.iter() {
            if let Some(&bad) = r.nodes.iter().find(|&&k| k >= n) {
                return Err(SimError::param("recording node", format!("{bad} out of range (cell has {n} nodes)")));
            }
            if r.quantity == Quantity::MembraneCurrent {
                self.enable_membrane_currents();
            }
        }
        if self.steps == 0 {
            self.sample(recs);
        }
        for _ in 0..n_steps {
            self.step()?;
            self.sample(recs);
        }
        self.check_finite()
    }

    fn sample(&self, recs: &mut [&mut Recording]) {
        for r in recs.iter_mut() {
            match r.quantity {
                Quantity::Voltage => r.sample(self.steps, self.t, &self.v),
                Quantity::MembraneCurrent => {
                    let i = self.imem.as_ref().expect("enabled by run_steps");
                    r.sample(self.steps, self.t, &i.i_na)
                }
            }
        }
    }

    /// Steps needed to reach `tstop_ms` from t = 0 (rounded to the nearest whole step).
    pub fn steps_for(&self, tstop_ms: f64) -> Result<u64> {
        if !(tstop_ms.is_finite() && tstop_ms >= 0.0) {
            return Err(SimError::param("tstop", format!("must be ≥ 0 ms, got {tstop_ms}")));
        }
        Ok((tstop_ms / self.dt).round() as u64)
    }

    fn node_label(&self, node: usize) -> String {
        match self.disc.nodes[node].segment {
            Some(r) => {
                let s = &self.disc.segments[r];
                format!("{}({:.4}) (segment row {r})", s.section_name, s.x)
            }
            None => format!("section-end node {node}"),
        }
    }

    /// Error naming the first non-finite voltage or state.
    pub fn check_finite(&self) -> Result<()> {
        for m in &self.mechs {
            for (name, xs) in m.states() {
                if let Some(k) = xs.iter().position(|x| !x.is_finite()) {
                    let node = m.nodes()[k];
                    return Err(SimError::NonFinite {
                        what: name.to_string(),
                        location: self.node_label(node),
                        mechanism: m.name().to_string(),
                        t_ms: self.t,
                        value: xs[k],
                    });
                }
            }
        }
        for &n in self.ca.nodes() {
            if !self.cai[n].is_finite() {
                return Err(SimError::NonFinite {
                    what: "cai".into(),
                    location: self.node_label(n),
                    mechanism: "CaDynamics_E2".into(),
                    t_ms: self.t,
                    value: self.cai[n],
                });
            }
        }
        for (kind, states, nodes) in [
            ("AmpaNmda", self.exc.states().to_vec(), &self.exc.node),
            ("GabaA", self.inh.states().to_vec(), &self.inh.node),
        ] {
            for (name, xs) in states {
                if let Some(k) = xs.iter().position(|x| !x.is_finite()) {
                    return Err(SimError::NonFinite {
                        what: name.into(),
                        location: self.node_label(nodes[k]),
                        mechanism: kind.into(),
                        t_ms: self.t,
                        value: xs[k],
                    });
                }
            }
        }
        if let Some(n) = self.v.iter().position(|x| !x.is_finite()) {
            return Err(SimError::NonFinite {
                what: "v".into(),
                location: self.node_label(n),
                mechanism: "cable (no mechanism state was non-finite)".into(),
                t_ms: self.t,
                value: self.v[n],
            });
        }
        Ok(())
    }
}
