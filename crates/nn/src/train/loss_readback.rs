//! Reading training losses back without stalling the device.
//!
//! Reading a loss waits until the device has finished the step that computed it. Read on the
//! training thread right after its step, the device then sits idle while that thread uploads
//! the next batch and records and launches its graph (on an H200 the TCN's fit loop ran at
//! 70.8 ms per step at batch 64 where `bench train` steps of batch 32 and 128 take 22.9 and
//! 85.8 ms, BENCHMARKS.md, 2026-12-03). Here a reader thread reads each loss while the training
//! thread goes on with the next step, which waits only for the loss before its own (so it runs at
//! most one step ahead of the device, and the losses reach the host in step order).
//! `LFDEEP_LOSS_READBACK=sync` reads every loss on the training thread as before.
//! The values are the same either way; a non-finite loss is reported up to one step later,
//! naming the step that produced it.

use std::collections::VecDeque;
use std::sync::mpsc;
use std::thread::JoinHandle;

use burn::prelude::*;

use crate::error::{NnError, Result};

/// How many finite losses before a non-finite one the error quotes (growing losses mean the
/// run diverged; a sudden NaN after steady ones points at one batch or one operation).
const HISTORY: usize = 5;

/// Steps whose loss may still be unread when the next step is launched.
const MAX_UNREAD: usize = 1;

/// Environment variable: `sync` reads each loss on the training thread right after its step.
pub const READBACK_VAR: &str = "LFDEEP_LOSS_READBACK";

/// A step's loss, on the device (single-device steps) or already on the host (data-parallel
/// steps, whose workers read theirs).
pub enum StepLoss {
    Device(Tensor<1>),
    Host(f64),
}

/// One loss read back: the step index (from 0), its learning rate and its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReadLoss {
    pub step: u64,
    pub lr: f64,
    pub loss: f64,
}

struct Reader {
    to_reader: mpsc::Sender<(u64, f64, Tensor<1>)>,
    from_reader: mpsc::Receiver<ReadLoss>,
    thread: JoinHandle<()>,
}

/// The losses of steps launched but not yet read, and the last finite losses read.
pub struct LossReadback {
    /// `None` when reading on the training thread (`LFDEEP_LOSS_READBACK=sync`).
    reader: Option<Reader>,
    unread: usize,
    recent: VecDeque<f64>,
}

impl LossReadback {
    /// A reader thread unless `LFDEEP_LOSS_READBACK=sync`.
    pub fn from_env() -> Self {
        Self::new(std::env::var(READBACK_VAR).map_or(true, |v| v.trim() != "sync"))
    }

    /// `threaded`: read device losses on a reader thread (else on the caller's thread).
    pub fn new(threaded: bool) -> Self {
        let reader = threaded.then(|| {
            let (to_reader, rx) = mpsc::channel::<(u64, f64, Tensor<1>)>();
            let (tx, from_reader) = mpsc::channel();
            let thread = std::thread::Builder::new()
                .name("lfdeep-loss-reader".into())
                .spawn(move || {
                    for (step, lr, t) in rx {
                        let loss = t.into_scalar::<f32>() as f64;
                        if tx.send(ReadLoss { step, lr, loss }).is_err() {
                            break;
                        }
                    }
                })
                .expect("spawning the loss reader thread");
            Reader { to_reader, from_reader, thread }
        });
        LossReadback { reader, unread: 0, recent: VecDeque::new() }
    }

    /// Hands over step `step`'s loss; returns the losses read meanwhile, in step order (with a
    /// reader thread, after waiting for all but the last [`MAX_UNREAD`] steps).
    pub fn push(&mut self, step: u64, lr: f64, loss: StepLoss) -> Result<Vec<ReadLoss>> {
        let value = match (loss, &self.reader) {
            (StepLoss::Host(v), _) => v,
            (StepLoss::Device(t), None) => t.into_scalar::<f32>() as f64,
            (StepLoss::Device(t), Some(r)) => {
                r.to_reader.send((step, lr, t)).map_err(|_| reader_gone())?;
                self.unread += 1;
                return self.collect(MAX_UNREAD);
            }
        };
        let mut read = self.collect(0)?;
        read.push(self.check(ReadLoss { step, lr, loss: value })?);
        Ok(read)
    }

    /// Waits for every loss still unread (at an epoch's end, before validation and checkpoint).
    pub fn flush(&mut self) -> Result<Vec<ReadLoss>> {
        self.collect(0)
    }

    /// Receives losses until at most `keep` are unread.
    fn collect(&mut self, keep: usize) -> Result<Vec<ReadLoss>> {
        let mut read = Vec::new();
        while self.unread > keep {
            let r = self.reader.as_ref().expect("unread losses only with a reader");
            let got = r.from_reader.recv().map_err(|_| reader_gone())?;
            self.unread -= 1;
            read.push(self.check(got)?);
        }
        Ok(read)
    }

    fn check(&mut self, r: ReadLoss) -> Result<ReadLoss> {
        if !r.loss.is_finite() {
            let before = if self.recent.is_empty() {
                "no earlier step".to_string()
            } else {
                let v: Vec<String> = self.recent.iter().map(|l| format!("{l:.4}")).collect();
                format!("the {} steps before: {}", v.len(), v.join(", "))
            };
            return Err(NnError::Data(format!(
                "training loss became {} at step {} ({before}); lower train.lr or set train.grad_clip_norm",
                r.loss, r.step
            )));
        }
        if self.recent.len() == HISTORY {
            self.recent.pop_front();
        }
        self.recent.push_back(r.loss);
        Ok(r)
    }
}

impl Drop for LossReadback {
    fn drop(&mut self) {
        if let Some(r) = self.reader.take() {
            drop(r.to_reader); // ends the reader's loop once it has read what it holds
            let _ = r.thread.join();
        }
    }
}

fn reader_gone() -> NnError {
    NnError::Data("the loss reader thread stopped (a device read failed; see the panic above)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(v: f32) -> StepLoss {
        StepLoss::Device(Tensor::from_data(TensorData::new(vec![v], [1]), &Device::flex()))
    }

    #[test]
    fn a_reader_thread_returns_every_loss_in_step_order_at_most_one_step_late() {
        let mut r = LossReadback::new(true);
        let mut got = Vec::new();
        for (s, v) in [3.0f32, 2.5, 2.0, 1.5].into_iter().enumerate() {
            let read = r.push(s as u64, 1e-3, scalar(v)).unwrap();
            assert!(r.unread <= MAX_UNREAD);
            got.extend(read);
        }
        got.extend(r.flush().unwrap());
        let steps: Vec<u64> = got.iter().map(|x| x.step).collect();
        let losses: Vec<f64> = got.iter().map(|x| x.loss).collect();
        assert_eq!(steps, vec![0, 1, 2, 3]);
        assert_eq!(losses, vec![3.0, 2.5, 2.0, 1.5]);
    }

    #[test]
    fn reading_on_the_training_thread_returns_each_loss_at_once() {
        let mut r = LossReadback::new(false);
        let read = r.push(0, 1e-3, scalar(2.0)).unwrap();
        assert_eq!(read, vec![ReadLoss { step: 0, lr: 1e-3, loss: 2.0 }]);
        assert!(r.flush().unwrap().is_empty());
    }

    #[test]
    fn a_nan_names_its_step_and_the_losses_before_it() {
        for threaded in [true, false] {
            let mut r = LossReadback::new(threaded);
            let mut result = Ok(Vec::new());
            for (s, v) in [1.0f32, 2.0, 4.0, f32::NAN].into_iter().enumerate() {
                result = r.push(s as u64, 1e-3, scalar(v));
                if result.is_err() {
                    break;
                }
            }
            let err = result.and_then(|_| r.flush()).unwrap_err().to_string();
            assert!(err.contains("became NaN at step 3"), "{err}");
            assert!(err.contains("the 3 steps before: 1.0000, 2.0000, 4.0000"), "{err}");
        }
    }
}
