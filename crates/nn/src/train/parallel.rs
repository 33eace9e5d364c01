//! Data-parallel gradients over several devices, built from Burn 0.22's own multi-device pieces
//! the way burn-train's `MultiDeviceOptim::OptimMainDevice` strategy uses them:
//!
//! - one long-lived worker thread per device (as burn-train's `MultiDevicesTrainStep`), so each
//!   device keeps its own thread (CubeCL streams, `RunningState` bookkeeping are per thread);
//! - every step each worker gets a clone of the current model and `fork`s it onto its device
//!   (this is the weight broadcast: `Param::fork` moves the tensor and makes it a fresh leaf);
//! - each worker runs forward/backward on its shard of the global batch and moves its
//!   `GradientsParams` to the main device (`GradientsParams::to_device`);
//! - the main thread sums them with Burn's `GradientsAccumulator`, in device order, and the
//!   caller makes one optimiser step on the main device (gradient clipping sees the summed
//!   gradient, as it would on one device).
//!
//! Averaging: shard k's loss (a mean over its b_k windows) is scaled by b_k / B before backward,
//! so the summed gradient is the gradient of the global-batch mean loss, i.e. the same as one
//! device with batch B, up to floating-point reduction order.
//!
//! Batch norm differs: each shard normalises with its own batch statistics (per-shard, not
//! global), and the running statistics are Burn's `RunningState`, which averages the per-thread
//! updates. Models with batch norm therefore train slightly differently on N devices than on
//! one; without batch norm (and with dropout 0) the trajectories agree.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread::JoinHandle;

use burn::module::Module;
use burn::optim::{GradientsAccumulator, GradientsParams};
use burn::prelude::*;

use super::loss::surrogate_loss;
use super::trainer::to_tensors;
use crate::data::input_events::shard_events;
use crate::data::HostBatch;
use crate::error::{NnError, Result};
use crate::models::Surrogate;

/// Loss weights of the surrogate loss (spike, soma, dendrites).
#[derive(Debug, Clone, Copy)]
pub struct LossWeights {
    pub spike: f64,
    pub soma: f64,
    pub dend: f64,
}

struct Job {
    model: Surrogate,
    shard: HostBatch,
    /// b_k / B.
    scale: f64,
    weights: LossWeights,
}

/// (device index, gradients on the main device, scaled loss) or an error message.
type Reply = (usize, std::result::Result<(GradientsParams, f64), String>);

struct Worker {
    jobs: Option<Sender<Job>>,
    handle: Option<JoinHandle<()>>,
}

/// Worker threads, one per device; the first device is the main one (model, optimiser,
/// validation and checkpoints live there).
pub struct DataParallel {
    main: Device,
    workers: Vec<Worker>,
    replies: Receiver<Reply>,
}

/// Splits a batch into `n` contiguous shards; the first `B mod n` shards get one window more.
pub fn split_batch(b: &HostBatch, n: usize) -> Vec<HostBatch> {
    let s = b.spec;
    let in_row = s.channels() * s.window;
    let out_row = s.out_steps * s.n_targets();
    let (base, extra) = (b.batch / n, b.batch % n);
    let mut start = 0;
    (0..n)
        .map(|k| {
            let rows = base + usize::from(k < extra);
            let shard = HostBatch {
                batch: rows,
                inputs: if b.input_events.is_some() { Vec::new() } else { b.inputs[start * in_row..(start + rows) * in_row].to_vec() },
                input_events: b.input_events.as_deref().map(|ev| shard_events(ev, in_row, start, rows)),
                targets: b.targets[start * out_row..(start + rows) * out_row].to_vec(),
                spec: s,
            };
            start += rows;
            shard
        })
        .collect()
}

fn shard_gradients(job: Job, device: &Device, main: &Device) -> (GradientsParams, f64) {
    let replica = job.model.fork(device);
    let (x, y) = to_tensors(&job.shard, device);
    let w = job.weights;
    let parts = surrogate_loss(replica.forward_last(x, job.shard.spec.out_steps), y, w.spike, w.soma, w.dend);
    let scaled = parts.total.mul_scalar(job.scale);
    let grads = GradientsParams::from_grads(scaled.backward(), &replica).to_device(main, &replica);
    let loss = scaled.into_scalar::<f32>() as f64;
    (grads, loss)
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

impl DataParallel {
    /// `devices` are autodiff devices; the first is the main device.
    pub fn new(devices: &[Device]) -> Result<Self> {
        if devices.len() < 2 {
            return Err(NnError::config("--device", "data-parallel training needs at least two devices"));
        }
        let main = devices[0].clone();
        let (reply_tx, replies) = channel::<Reply>();
        let workers = devices
            .iter()
            .enumerate()
            .map(|(k, device)| {
                let (tx, rx) = channel::<Job>();
                let (device, main, reply_tx) = (device.clone(), main.clone(), reply_tx.clone());
                let handle = std::thread::Builder::new()
                    .name(format!("lfdeep-dp-{k}"))
                    .spawn(move || {
                        while let Ok(job) = rx.recv() {
                            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| shard_gradients(job, &device, &main)))
                                .map_err(|p| format!("worker on device {k} ({device:?}) failed: {}", panic_text(p.as_ref())));
                            if reply_tx.send((k, out)).is_err() {
                                break;
                            }
                        }
                    })
                    .expect("spawn a data-parallel worker thread");
                Worker { jobs: Some(tx), handle: Some(handle) }
            })
            .collect();
        Ok(DataParallel { main, workers, replies })
    }

    pub fn num_devices(&self) -> usize {
        self.workers.len()
    }

    pub fn main_device(&self) -> &Device {
        &self.main
    }

    /// Gradients of the global-batch mean loss of `model` (on the main device) and that loss.
    pub fn gradients(&self, model: &Surrogate, batch: &HostBatch, weights: LossWeights) -> Result<(GradientsParams, f64)> {
        let n = self.workers.len();
        if batch.batch < n {
            return Err(NnError::config("data.batch_size", format!("batch of {} windows cannot be split over {n} devices", batch.batch)));
        }
        for (k, shard) in split_batch(batch, n).into_iter().enumerate() {
            let scale = shard.batch as f64 / batch.batch as f64;
            let job = Job { model: model.clone(), shard, scale, weights };
            self.workers[k].jobs.as_ref().expect("live worker").send(job).map_err(|_| NnError::Data(format!("data-parallel worker {k} is gone")))?;
        }
        let mut parts: Vec<Option<(GradientsParams, f64)>> = (0..n).map(|_| None).collect();
        let mut failure = None;
        for _ in 0..n {
            let (k, out) = self.replies.recv().map_err(|_| NnError::Data("data-parallel workers are gone".into()))?;
            match out {
                Ok(p) => parts[k] = Some(p),
                Err(e) => failure = Some(e),
            }
        }
        if let Some(e) = failure {
            return Err(NnError::Data(e));
        }
        // Sum in device order so that a run is reproducible.
        let mut acc = GradientsAccumulator::<Surrogate>::new();
        let mut loss = 0.0;
        for (grads, l) in parts.into_iter().flatten() {
            acc.accumulate(model, grads);
            loss += l;
        }
        Ok((acc.grads(), loss))
    }
}

impl Drop for DataParallel {
    fn drop(&mut self) {
        for w in &mut self.workers {
            w.jobs.take();
        }
        for w in &mut self.workers {
            if let Some(h) = w.handle.take() {
                let _ = h.join();
            }
        }
    }
}
