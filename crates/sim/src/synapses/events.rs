//! The schedule of presynaptic events, delivered as NEURON's fixed step does: at the start
//! of the step from t, every event with time ≤ t + dt/2 is delivered.

use crate::error::{Result, SimError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SynKind {
    Exc,
    Inh,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SynEvent {
    pub t_ms: f64,
    pub kind: SynKind,
    /// Index among the synapses of that kind.
    pub synapse: usize,
}

/// Events sorted by time, consumed in order.
#[derive(Debug, Clone, Default)]
pub struct EventQueue {
    events: Vec<SynEvent>,
    next: usize,
}

impl EventQueue {
    /// Sort the events (stable: equal times keep their given order).
    pub fn new(mut events: Vec<SynEvent>) -> Result<EventQueue> {
        if let Some(e) = events.iter().find(|e| !e.t_ms.is_finite()) {
            return Err(SimError::param("synaptic event time", format!("must be finite, got {} (synapse {})", e.t_ms, e.synapse)));
        }
        events.sort_by(|a, b| a.t_ms.total_cmp(&b.t_ms));
        Ok(EventQueue { events, next: 0 })
    }
    /// Per-synapse spike-time lists (ms) for excitatory and inhibitory synapses.
    pub fn from_trains(exc: &[Vec<f64>], inh: &[Vec<f64>]) -> Result<EventQueue> {
        let mut ev = Vec::new();
        for (kind, trains) in [(SynKind::Exc, exc), (SynKind::Inh, inh)] {
            for (k, tr) in trains.iter().enumerate() {
                ev.extend(tr.iter().map(|&t| SynEvent { t_ms: t, kind, synapse: k }));
            }
        }
        EventQueue::new(ev)
    }
    pub fn len(&self) -> usize {
        self.events.len()
    }
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
    pub fn rewind(&mut self) {
        self.next = 0;
    }
    /// Pop the next event with time ≤ `until_ms`.
    #[inline]
    pub fn pop_until(&mut self, until_ms: f64) -> Option<SynEvent> {
        let e = *self.events.get(self.next)?;
        if e.t_ms <= until_ms {
            self.next += 1;
            Some(e)
        } else {
            None
        }
    }
    pub fn events(&self) -> &[SynEvent] {
        &self.events
    }
}
