#!/usr/bin/env python3
"""PyTorch reference timings and time-to-accuracy for lfdeep's TCN and MMoE (issue #7).

    python3 bench/torch_bench.py train [--device cuda] [--out train.json]
    python3 bench/torch_bench.py infer [--device cuda] [--out infer.json]
    python3 bench/torch_bench.py fit --data NPY_DIR --model tcn --seconds 600 [--splits RUN/splits.json]

The models are bench/torch_models.py (the Burn presets, same shapes and init scheme).

- train: one optimiser step = forward + loss + backward + per-tensor gradient clipping + Adam,
  as lfdeep's trainer does it (Burn Adam: eps 1e-5; Burn clips each gradient tensor to norm 1
  on its own, not the global norm). The batch is random and lives on the device (spikes ~1 %
  dense, teacher voltages N(0,1)), so host data loading is not timed. The first step (cuDNN
  autotuning, allocator warm-up) is reported separately, then `--warmup` steps are dropped and
  the median of `--steps` steps is reported, each timed between device synchronisations.
- infer: free-running throughput in simulated ms per wall second for all compartments.
  tcn: inputs only, one causal pass over `--sim-ms` ms per batch row, cut in chunks that carry
  the receptive field's history (chunk length chosen so the input fits `--max-input-elems`).
  mmoe: ms-by-ms rollout, each step's predicted (z-scored) voltages written into a
  device-resident double-length ring buffer whose view is the next input window.
  Batch-1 latency per step: tcn, one pass over a receptive-field-long window predicting one
  new ms; mmoe, one rollout step.
- fit: train for a wall-clock budget on a dataset written by `lfdeep dataset export --npy`,
  with lfdeep's data pipeline reproduced (splits by simulation, train-only z-scoring, clipped
  soma, balanced window sampling, teacher channels one step in the past), then evaluate on the
  test simulations free-running and compute lfdeep's metrics from t >= 500 ms.

cuDNN benchmark mode is switched on; TF32 is left at PyTorch's defaults (reported in the JSON).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import queue
import statistics
import sys
import threading
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_models as tm  # noqa: E402

# Training settings of configs/tcn.toml and configs/mmoe.toml.
CONFIGS = {
    "tcn": dict(window=400, burn_in=152, batch=8, lr=1e-4, weight_decay=0.0, schedule="step", lr_decay=0.3,
                lr_decay_steps=10000, mode="inputs"),
    "mmoe": dict(window=100, burn_in=0, batch=32, lr=1e-3, weight_decay=1e-4, schedule="constant", lr_decay=1.0,
                 lr_decay_steps=0, mode="teacher"),
}
GRAD_CLIP_NORM = 1.0
ADAM_EPS = 1e-5  # Burn's AdamConfig default (PyTorch's is 1e-8)
SPIKE_FRACTION = 1.0 / 3.0
SOMA_CLIP_MV = -55.0
IGNORE_MS = 500


# --- shared helpers ---------------------------------------------------------------------------

def setup(device: str) -> torch.device:
    if device.startswith("cuda") and not torch.cuda.is_available():
        sys.exit("error: --device cuda asked for, but torch.cuda.is_available() is False")
    torch.backends.cudnn.benchmark = True
    dev = torch.device(device)
    if dev.type == "cuda":
        # Create the CUDA context here, so the first record's first_step_s does not carry it.
        torch.ones(1, device=dev).add_(1)
        torch.cuda.synchronize(dev)
    return dev


def device_info(dev: torch.device) -> dict:
    d = {"torch": torch.__version__, "device_kind": dev.type,
         "cudnn_benchmark": torch.backends.cudnn.benchmark,
         "tf32_matmul": torch.backends.cuda.matmul.allow_tf32, "tf32_cudnn": torch.backends.cudnn.allow_tf32}
    d["device"] = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu"
    return d


def sync(dev: torch.device):
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)


def ints(s: str) -> list[int]:
    return [int(x) for x in s.split(",") if x]


def strs(s: str) -> list[str]:
    return [x for x in s.split(",") if x]


def autocast(dev: torch.device, dtype: str):
    if dtype == "bf16":
        return torch.autocast(device_type=dev.type, dtype=torch.bfloat16)
    if dtype != "f32":
        raise SystemExit(f"error: dtype must be f32 or bf16, got {dtype!r}")
    return torch.autocast(device_type=dev.type, enabled=False)


def surrogate_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """lfdeep's loss (train/loss.rs) with unit weights: BCE(spike) + MSE(soma) + MSE(dendrites)."""
    pred = pred.float()
    bce = F.binary_cross_entropy_with_logits(pred[..., 0], target[..., 0])
    soma = F.mse_loss(pred[..., 1], target[..., 1])
    dend = F.mse_loss(pred[..., 2:], target[..., 2:]) if pred.shape[-1] > 2 else pred.new_zeros(())
    return bce + soma + dend


def make_optimizer(model, lr, weight_decay):
    # Adam with L2 weight decay added to the gradient (Burn's Adam + WeightDecayConfig).
    fused = next(model.parameters()).is_cuda
    return torch.optim.Adam(model.parameters(), lr=lr, eps=ADAM_EPS, weight_decay=weight_decay, fused=fused)


def clip_per_tensor_(params, max_norm: float):
    """Burn's GradientClipping::Norm: every gradient tensor scaled to norm <= max_norm on its own."""
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return
    norms = torch._foreach_norm(grads)
    coefs = [torch.clamp(max_norm / (n + torch.finfo(torch.float32).tiny), max=1.0) for n in norms]
    torch._foreach_mul_(grads, coefs)


def train_step(model, opt, params, x, y, out_steps, dev, dtype):
    opt.zero_grad(set_to_none=True)
    with autocast(dev, dtype):
        pred = model(x)
        pred = pred[:, pred.shape[1] - out_steps:]
        loss = surrogate_loss(pred, y)
    loss.backward()
    clip_per_tensor_(params, GRAD_CLIP_NORM)
    opt.step()
    return loss


def random_batch(model_name, batch, window, out_steps, n_syn, n_seg, dev, gen):
    """Spikes ~1 % dense (Bernoulli 0.01, never all zero), teacher voltages N(0,1), random targets."""
    spikes = (torch.rand(batch, n_syn, window, device=dev, generator=gen) < 0.01).float()
    spikes[:, 0, -1] = 1.0
    if model_name == "mmoe":
        volts = torch.randn(batch, n_seg + 1, window, device=dev, generator=gen)
        x = torch.cat([spikes, volts], dim=1)
    else:
        x = spikes
    y = torch.randn(batch, out_steps, 2 + n_seg, device=dev, generator=gen)
    y[..., 0] = (torch.rand(batch, out_steps, device=dev, generator=gen) < 0.05).float()
    return x, y


def _finite(o):
    """NaN/inf -> null, so the output is strict JSON (e.g. AUC of a test set without spikes)."""
    if isinstance(o, float) and not math.isfinite(o):
        return None
    if isinstance(o, dict):
        return {k: _finite(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_finite(v) for v in o]
    return o


def write_json(obj, path):
    text = json.dumps(_finite(obj), indent=2, allow_nan=False)
    if path:
        with open(path, "w") as f:
            f.write(text + "\n")
    print(text)


def is_oom(e: Exception) -> bool:
    return isinstance(e, torch.OutOfMemoryError) or "out of memory" in str(e).lower()


# --- train ------------------------------------------------------------------------------------

def cmd_train(a):
    dev = setup(a.device)
    info = device_info(dev)
    records = []
    for name in strs(a.models):
        window = a.tcn_window if name == "tcn" else a.mmoe_window
        out_steps = window - a.tcn_burn_in if name == "tcn" else 1
        for dtype in strs(a.dtypes):
            for batch in ints(a.batches):
                torch.manual_seed(a.seed)
                rec = dict(model=name, params=None, batch=batch, window=window, dtype=dtype, device=info["device"],
                           first_step_s=None, median_step_ms=None, samples_per_s=None, framework="pytorch",
                           steps=a.steps, warmup=a.warmup, out_steps=out_steps)
                model = opt = x = y = None
                try:
                    model = tm.build(name, a.synapses, a.segments, window, a.tcn_layers).to(dev).train()
                    rec["tcn_layers"] = a.tcn_layers
                    rec["params"] = tm.lfdeep_param_count(model)
                    cfg = CONFIGS[name]
                    opt = make_optimizer(model, cfg["lr"], cfg["weight_decay"])
                    params = list(model.parameters())
                    gen = torch.Generator(device=dev).manual_seed(a.seed)
                    x, y = random_batch(name, batch, window, out_steps, a.synapses, a.segments, dev, gen)
                    sync(dev)
                    t0 = time.perf_counter()
                    train_step(model, opt, params, x, y, out_steps, dev, dtype)
                    sync(dev)
                    rec["first_step_s"] = time.perf_counter() - t0
                    for _ in range(a.warmup):
                        train_step(model, opt, params, x, y, out_steps, dev, dtype)
                    sync(dev)
                    times, loss = [], None
                    for _ in range(a.steps):
                        t0 = time.perf_counter()
                        loss = train_step(model, opt, params, x, y, out_steps, dev, dtype)
                        sync(dev)
                        times.append(time.perf_counter() - t0)
                    med = statistics.median(times)
                    rec.update(median_step_ms=med * 1e3, samples_per_s=batch / med, min_step_ms=min(times) * 1e3,
                               last_loss=float(loss.detach()))
                    if dev.type == "cuda":
                        rec["peak_mem_gib"] = torch.cuda.max_memory_allocated(dev) / 2**30
                except Exception as e:  # noqa: BLE001 - an OOM at one size must not end the sweep
                    if not is_oom(e):
                        raise
                    rec["error"] = "out of memory"
                del model, opt, x, y
                if dev.type == "cuda":
                    torch.cuda.empty_cache()
                    torch.cuda.reset_peak_memory_stats(dev)
                print(json.dumps(_finite(rec)), file=sys.stderr, flush=True)
                records.append(rec)
    write_json(dict(kind="train", framework="pytorch", **info, records=records), a.out)


# --- infer ------------------------------------------------------------------------------------

def tcn_free_run(model, batch, sim_ms, n_syn, dev, dtype, max_elems, gen):
    """One causal pass over sim_ms ms, in chunks that each carry the receptive field's history."""
    hist = model.encoder.receptive_field - 1
    total = max(hist + 1, min(sim_ms + hist, max_elems // max(1, batch * n_syn)))
    chunk = total - hist
    if chunk < 1:
        raise RuntimeError("out of memory: --max-input-elems too small for this batch")
    # One fixed input chunk reused for every chunk: inputs are data, only the model is timed.
    x = (torch.rand(batch, n_syn, hist + chunk, device=dev, generator=gen) < 0.01).float()
    n_chunks = math.ceil(sim_ms / chunk)
    with torch.inference_mode(), autocast(dev, dtype):
        model(x)  # cuDNN autotuning for this shape
        sync(dev)
        t0 = time.perf_counter()
        for _ in range(n_chunks):
            y = model(x)[:, hist:]
        sync(dev)
    wall = time.perf_counter() - t0
    return dict(sim_ms=n_chunks * chunk, chunk_ms=chunk, wall_s=wall, out_shape=list(y.shape))


class Rollout:
    """Device-resident sliding window for ms-by-ms MMoE rollout.

    buf [batch, channels, 2W]: column c and c + W hold the same step, so buf[..., p:p+W] is
    always the last W steps in order (p = steps written mod W) without shifting memory."""

    def __init__(self, first_window: torch.Tensor):
        b, c, w = first_window.shape
        self.w = w
        self.buf = torch.cat([first_window, first_window], dim=2).contiguous()
        self.p = 0

    def window(self) -> torch.Tensor:
        return self.buf[:, :, self.p:self.p + self.w]

    def push(self, col: torch.Tensor):
        self.buf[:, :, self.p] = col
        self.buf[:, :, self.p + self.w] = col
        self.p = (self.p + 1) % self.w


def mmoe_step(model, ro: Rollout, spikes_next: torch.Tensor, n_syn: int, soma_zclip):
    """Predict the window's last step, then push the next step's column: its spikes and the
    voltages just predicted (the model sees v(t-1) at time t). Returns the prediction [b, targets]."""
    y = model(ro.window())[:, 0].float()
    volts = torch.cat([y[:, 2:], y[:, 1:2].clamp(max=soma_zclip) if soma_zclip is not None else y[:, 1:2]], dim=1)
    ro.push(torch.cat([spikes_next, volts.to(ro.buf.dtype)], dim=1))
    return y


def mmoe_free_run(model, batch, steps, n_syn, n_seg, window, dev, dtype, gen):
    spikes = (torch.rand(batch, n_syn, window + steps + 4, device=dev, generator=gen) < 0.01).float()
    volts = torch.randn(batch, n_seg + 1, window, device=dev, generator=gen)
    ro = Rollout(torch.cat([spikes[:, :, :window], volts], dim=1))
    with torch.inference_mode(), autocast(dev, dtype):
        for i in range(3):  # warm-up (cuDNN autotuning)
            mmoe_step(model, ro, spikes[:, :, window + i], n_syn, None)
        sync(dev)
        times = []
        t0 = time.perf_counter()
        for i in range(steps):
            ts = time.perf_counter()
            mmoe_step(model, ro, spikes[:, :, window + 3 + i], n_syn, None)
            if batch == 1:
                sync(dev)
                times.append(time.perf_counter() - ts)
        sync(dev)
    wall = time.perf_counter() - t0
    return dict(sim_ms=steps, wall_s=wall, step_ms_median=statistics.median(times) * 1e3 if times else None)


def cmd_infer(a):
    dev = setup(a.device)
    info = device_info(dev)
    records = []
    for name in strs(a.models):
        for dtype in strs(a.dtypes):
            torch.manual_seed(a.seed)
            model = tm.build(name, a.synapses, a.segments, a.mmoe_window).to(dev).eval()
            params = tm.lfdeep_param_count(model)
            gen = torch.Generator(device=dev).manual_seed(a.seed)
            # Batch-1 latency per predicted ms.
            if name == "tcn":
                rf = model.encoder.receptive_field
                x = (torch.rand(1, a.synapses, rf, device=dev, generator=gen) < 0.01).float()
                with torch.inference_mode(), autocast(dev, dtype):
                    for _ in range(3):
                        model(x)
                    lat = []
                    for _ in range(a.latency_steps):
                        sync(dev)
                        t0 = time.perf_counter()
                        model(x)[:, -1]
                        sync(dev)
                        lat.append(time.perf_counter() - t0)
                latency = dict(latency_ms_per_step=statistics.median(lat) * 1e3, latency_window_ms=rf)
            else:
                r = mmoe_free_run(model, 1, a.latency_steps, a.synapses, a.segments, a.mmoe_window, dev, dtype, gen)
                latency = dict(latency_ms_per_step=r["step_ms_median"], latency_window_ms=a.mmoe_window)
            for batch in ints(a.batches):
                rec = dict(model=name, params=params, batch=batch, dtype=dtype, device=info["device"], framework="pytorch",
                           **latency)
                try:
                    if name == "tcn":
                        r = tcn_free_run(model, batch, a.sim_ms, a.synapses, dev, dtype, a.max_input_elems, gen)
                    else:
                        r = mmoe_free_run(model, batch, a.rollout_ms, a.synapses, a.segments, a.mmoe_window, dev, dtype, gen)
                        r.pop("step_ms_median")
                    rec.update(r)
                    rec["sim_ms_per_wall_s"] = batch * r["sim_ms"] / r["wall_s"]
                    if dev.type == "cuda":
                        rec["peak_mem_gib"] = torch.cuda.max_memory_allocated(dev) / 2**30
                except Exception as e:  # noqa: BLE001
                    if not is_oom(e):
                        raise
                    rec["error"] = "out of memory"
                if dev.type == "cuda":
                    torch.cuda.empty_cache()
                    torch.cuda.reset_peak_memory_stats(dev)
                print(json.dumps(_finite(rec)), file=sys.stderr, flush=True)
                records.append(rec)
            del model
    write_json(dict(kind="infer", framework="pytorch", **info, records=records), a.out)


# --- fit: lfdeep's data pipeline on an exported dataset ---------------------------------------

class Dataset:
    """The arrays of `lfdeep dataset export --npy` seen as lfdeep's SimulationSource
    (cli/src/store_source.rs): targets are the basal and apical rows of the segment table, the
    soma target is the table's soma row (the stored, possibly float16, low-res trace)."""

    def __init__(self, d: str):
        def load(n):
            p = os.path.join(d, n + ".npy")
            if not os.path.exists(p):
                sys.exit(f"error: {p} missing: is {d} the output of `lfdeep dataset export --npy`?")
            return np.load(p, mmap_mode="r")

        with open(os.path.join(d, "metadata.json")) as f:
            meta = json.load(f)
        region = meta["segment_region"]
        self.dend_rows = [i for i, r in enumerate(region) if r in ("basal", "apical")]
        if "soma" not in region or not self.dend_rows:
            sys.exit(f"error: {d}/metadata.json segment_region needs a soma row and basal/apical rows")
        self.soma_row = region.index("soma")
        self.seg = load("segment_voltage_lowres_mv")  # [S, rows, T]
        self.n_sims, _, self.dur = self.seg.shape
        self.n_syn = int(load("synapse_segment").shape[0])
        self.n_seg = len(self.dend_rows)
        first = int(meta.get("first_simulation", 0))
        in_sim = np.asarray(load("input_spike_sim")).astype(np.int64) - first
        in_syn = np.asarray(load("input_spike_synapse")).astype(np.int64)
        in_t = np.asarray(load("input_spike_time_ms")).astype(np.int64)
        order = np.argsort(in_sim, kind="stable")
        self.in_syn, self.in_t = in_syn[order], in_t[order]
        self.in_bounds = np.searchsorted(in_sim[order], np.arange(self.n_sims + 1))
        out_sim = np.asarray(load("output_spike_sim")).astype(np.int64) - first
        out_t = np.asarray(load("output_spike_time_ms")).astype(np.float64)
        # NeuronIO's bin: floor(t - 0.5), clamped into the recording (data/source.rs spike_bins).
        bins = np.clip(np.floor(out_t - 0.5), 0, self.dur - 1).astype(np.int64)
        self.spike_bins = [np.unique(bins[out_sim == s]) for s in range(self.n_sims)]

    def raster(self, s: int) -> np.ndarray:
        """Dense uint8 [synapses, T] input raster of simulation s."""
        a, b = self.in_bounds[s], self.in_bounds[s + 1]
        r = np.zeros((self.n_syn, self.dur), np.uint8)
        t = self.in_t[a:b]
        ok = t < self.dur
        r[self.in_syn[a:b][ok], t[ok]] = 1
        return r

    def volts(self, s: int):
        """(segments [n_seg, T] mV, soma [T] mV) as float32."""
        v = np.asarray(self.seg[s], dtype=np.float32)
        return v[self.dend_rows], v[self.soma_row]


def split_sims(n, val_fraction, test_fraction, seed, splits_path):
    """lfdeep's split_by_simulation. Its shuffle is ChaCha8 (Rust rand), which is not
    reproduced here: pass the run's splits.json (--splits) for the exact same split; otherwise
    the same counts are cut from a numpy permutation."""
    if splits_path:
        with open(splits_path) as f:
            s = json.load(f)
        return s["train"], s["val"], s["test"], "lfdeep splits.json"
    count = lambda f: max(1, round(n * f)) if f > 0 else 0  # noqa: E731
    nv, nt = count(val_fraction), count(test_fraction)
    if nv + nt >= n:
        sys.exit(f"error: {n} simulations cannot give {nv} val + {nt} test and leave one for training")
    idx = np.random.default_rng(seed).permutation(n).tolist()
    return sorted(idx[nv + nt:]), idx[:nv], idx[nv:nv + nt], "numpy permutation (not lfdeep's order)"


class Norm:
    """data/normalize.rs: soma clipped at -55 mV before its statistics; segments raw; f64 sums."""

    def __init__(self, ds: Dataset, train):
        n = 0
        s_sum = s_sq = 0.0
        g_sum = np.zeros(ds.n_seg)
        g_sq = np.zeros(ds.n_seg)
        for i in train:
            seg, soma = ds.volts(i)
            soma = np.minimum(soma, SOMA_CLIP_MV).astype(np.float64)
            seg = seg.astype(np.float64)
            n += soma.size
            s_sum += soma.sum()
            s_sq += (soma**2).sum()
            g_sum += seg.sum(1)
            g_sq += (seg**2).sum(1)

        def ms(sm, sq):
            mean = sm / n
            std = np.sqrt(np.maximum(sq / n - mean * mean, 0.0))
            return mean, np.where(std < 1e-6, 1.0, std)

        self.soma_mean, self.soma_std = (float(v) for v in ms(s_sum, s_sq))
        m, sd = ms(g_sum, g_sq)
        self.seg_mean, self.seg_std = m.astype(np.float32), sd.astype(np.float32)
        self.soma_zclip = (SOMA_CLIP_MV - self.soma_mean) / self.soma_std

    def z(self, seg, soma):
        """[n_seg, T], [T] mV -> [n_seg + 1, T] z (segments then clipped soma)."""
        zs = (seg - self.seg_mean[:, None]) / self.seg_std[:, None]
        zc = (np.minimum(soma, SOMA_CLIP_MV) - self.soma_mean) / self.soma_std
        return np.concatenate([zs, zc[None]], 0).astype(np.float32)


class Sampler:
    """data/windows.rs: balanced windows (spike_fraction with a somatic spike in the target
    steps), inputs [channels, W] with teacher voltages one step in the past, targets
    [out_steps, 2 + n_seg] (spike 0/1, soma z, segments z)."""

    def __init__(self, ds: Dataset, sims, norm: Norm, window, out_steps, teacher):
        self.w, self.k, self.teacher = window, out_steps, teacher
        self.rasters, self.z, self.spk, self.spikes = [], [], [], []
        for j, s in enumerate(sims):
            if ds.dur < window:
                sys.exit(f"error: simulation {s} lasts {ds.dur} ms, shorter than the {window} ms window")
            self.rasters.append(ds.raster(s))
            self.z.append(norm.z(*ds.volts(s)))
            lab = np.zeros(ds.dur, np.float32)
            lab[ds.spike_bins[s]] = 1.0
            self.spk.append(lab)
            self.spikes += [(j, int(b)) for b in ds.spike_bins[s]]
        self.dur = ds.dur

    def window(self, rng):
        w, k = self.w, self.k
        want = bool(self.spikes) and rng.random() < SPIKE_FRACTION
        for _ in range(32):
            if want:
                s, b = self.spikes[rng.integers(len(self.spikes))]
                t0 = b + k - w - int(rng.integers(k))
                if t0 >= 0 and t0 + w <= self.dur:
                    return s, t0
            else:
                s = int(rng.integers(len(self.rasters)))
                t0 = int(rng.integers(self.dur - w + 1))
                if not self.spk[s][t0 + w - k:t0 + w].any():
                    return s, t0
        s = int(rng.integers(len(self.rasters)))
        return s, int(rng.integers(self.dur - w + 1))

    def batch(self, n, rng):
        xs, ys = [], []
        for _ in range(n):
            s, t0 = self.window(rng)
            x = self.rasters[s][:, t0:t0 + self.w].astype(np.float32)
            if self.teacher:
                idx = np.maximum(np.arange(t0, t0 + self.w) - 1, 0)
                x = np.concatenate([x, self.z[s][:, idx]], 0)
            a = t0 + self.w - self.k
            y = np.concatenate([self.spk[s][None, a:t0 + self.w], self.z[s][-1:, a:t0 + self.w],
                                self.z[s][:-1, a:t0 + self.w]], 0).T
            xs.append(x)
            ys.append(y)
        return np.stack(xs), np.ascontiguousarray(np.stack(ys))


def loader_threads():
    """lfdeep's default loader threads (data/windows.rs loader_threads): cores - 1, 1 to 8."""
    return max(1, min(8, (os.cpu_count() or 2) - 1))


def prefetch(sampler, batch, seed, threads, depth=4):
    """Batches assembled on `threads` background threads, as lfdeep's Prefetcher does with its
    loader threads (numpy's copies and casts release the GIL, so threads overlap). Each thread
    draws from its own seeded stream; the order batches arrive in is not reproducible."""
    q: queue.Queue = queue.Queue(max(depth, threads))
    stop = threading.Event()

    def work(i):
        rng = np.random.default_rng([seed, i])
        while not stop.is_set():
            b = sampler.batch(batch, rng)
            while not stop.is_set():
                try:
                    q.put(b, timeout=0.1)
                    break
                except queue.Full:
                    pass

    for i in range(threads):
        threading.Thread(target=work, args=(i,), daemon=True).start()
    return q, stop


def predict_test(model, name, ds, test, norm, window, burn_in, dev, dtype, eval_ms):
    """Free-running predictions (mV, spike probability) for each test simulation, [sims, ...]."""
    dur = min(ds.dur, eval_ms) if eval_ms else ds.dur
    rasters = torch.from_numpy(np.stack([ds.raster(s)[:, :dur] for s in test])).to(dev)
    out_spk = np.full((len(test), dur), np.nan)
    out_z = np.full((len(test), 1 + ds.n_seg, dur), np.nan, np.float32)  # soma, segments (target order)
    with torch.inference_mode(), autocast(dev, dtype):
        if name == "tcn":
            # One causal pass per simulation equals lfdeep's windowed prediction (burn-in 152 ms
            # >= receptive field - 1, zero padding before t = 0 in both); first predicted ms = W - k.
            first = burn_in
            for i in range(len(test)):
                y = model(rasters[i:i + 1].float())[0].float().cpu().numpy()  # [T, targets]
                out_spk[i] = 1 / (1 + np.exp(-y[:, 0].astype(np.float64)))
                out_z[i] = y[:, 1:].T
            out_spk[:, :first] = np.nan
            out_z[:, :, :first] = np.nan
        else:
            # Rollout seeded with the first window of true voltages (eval/predict.rs predict_free).
            first = window
            z0 = np.stack([norm.z(*ds.volts(s))[:, :window] for s in test])  # [b, n_seg+1, W] z at 0..W-1
            # Window for t = W: inputs at W+1-W .. W, voltages one step back: z[0 .. W-1].
            x0 = torch.cat([rasters[:, :, 1:window + 1].float(), torch.from_numpy(z0).to(dev)], dim=1)
            ro = Rollout(x0)
            for t in range(window, dur):
                nxt = rasters[:, :, t + 1].float() if t + 1 < dur else rasters[:, :, t].float()
                y = mmoe_step(model, ro, nxt, ds.n_syn, norm.soma_zclip)
                yc = y.cpu().numpy()
                out_spk[:, t] = 1 / (1 + np.exp(-yc[:, 0].astype(np.float64)))
                out_z[:, 0, t] = yc[:, 1]
                out_z[:, 1:, t] = yc[:, 2:]
    soma_mv = out_z[:, 0] * norm.soma_std + norm.soma_mean
    seg_mv = out_z[:, 1:] * norm.seg_std[None, :, None] + norm.seg_mean[None, :, None]
    return dur, first, out_spk, soma_mv, seg_mv


def metrics(ds, test, dur, first, spk, soma_mv, seg_mv):
    """eval/metrics.rs from t >= max(500, first predicted ms), pooled over the test sims."""
    from sklearn.metrics import roc_auc_score

    start = max(IGNORE_MS, first)
    if start >= dur:
        sys.exit(f"error: {dur} ms leaves nothing to evaluate after {start} ms")
    lab, prob, st, sp, gt, gp = [], [], [], [], [], []
    for i, s in enumerate(test):
        seg, soma = ds.volts(s)
        l = np.zeros(ds.dur, bool)
        l[ds.spike_bins[s]] = True
        lab.append(l[start:dur])
        prob.append(spk[i, start:])
        st.append(np.minimum(soma[start:dur], SOMA_CLIP_MV).astype(np.float64))
        sp.append(soma_mv[i, start:].astype(np.float64))
        gt.append(seg[:, start:dur].astype(np.float64))
        gp.append(seg_mv[i, :, start:].astype(np.float64))
    lab, prob = np.concatenate(lab), np.concatenate(prob)
    st, sp = np.concatenate(st), np.concatenate(sp)
    gt, gp = np.concatenate(gt, 1), np.concatenate(gp, 1)

    def ev(t, p, axis=-1):
        vt, vr = t.var(axis), (t - p).var(axis)
        return np.where(vt == 0, np.where(vr == 0, 1.0, 0.0), 1 - vr / np.where(vt == 0, 1, vt))

    auc = float(roc_auc_score(lab, prob)) if 0 < lab.sum() < lab.size else float("nan")
    seg_rmse = np.sqrt(((gt - gp) ** 2).mean(1))
    return dict(eval_from_ms=start, eval_ms=dur, n_test_sims=len(test), n_spikes=int(lab.sum()), spike_auc=auc,
                soma_rmse_mv=float(np.sqrt(((st - sp) ** 2).mean())), soma_explained_variance=float(ev(st, sp)),
                segments_rmse_mv_mean=float(seg_rmse.mean()), segments_explained_variance_mean=float(ev(gt, gp).mean()))


def cmd_fit(a):
    dev = setup(a.device)
    info = device_info(dev)
    cfg = dict(CONFIGS[a.model])
    for k in ("window", "burn_in", "batch", "lr"):
        if getattr(a, k) is not None:
            cfg[k] = getattr(a, k)
    t_load = time.perf_counter()
    ds = Dataset(a.data)
    train, val, test, split_src = split_sims(ds.n_sims, a.val_fraction, a.test_fraction, a.seed, a.splits)
    # `lfdeep evaluate` sorts the test indices before `--max-sims N` keeps the first N: the same
    # order here, so both sides evaluate the same simulations (until 2026-12-07 this took the
    # first N in the split's shuffled order, i.e. other simulations whenever N < all).
    test = sorted(test)
    if a.max_sims:
        test = test[:a.max_sims]
    norm = Norm(ds, train)
    teacher = cfg["mode"] == "teacher"
    window = cfg["window"]
    out_steps = window - cfg["burn_in"] if a.model == "tcn" else 1
    sampler = Sampler(ds, train, norm, window, out_steps, teacher)
    load_s = time.perf_counter() - t_load

    torch.manual_seed(a.seed)
    model = tm.build(a.model, ds.n_syn, ds.n_seg, window).to(dev).train()
    opt = make_optimizer(model, cfg["lr"], cfg["weight_decay"])
    params = list(model.parameters())
    threads = a.loader_threads or loader_threads()
    q, stop = prefetch(sampler, cfg["batch"], a.seed, threads)
    step, losses = 0, []
    t0 = time.perf_counter()
    # The budget counts from t_load, data preparation included, as lfdeep's train.max_seconds
    # counts from the start of `lfdeep train`.
    while time.perf_counter() - t_load < a.seconds and (a.max_steps is None or step < a.max_steps):
        if cfg["schedule"] == "step" and step > 0 and step % cfg["lr_decay_steps"] == 0:
            for g in opt.param_groups:
                g["lr"] *= cfg["lr_decay"]
        xb, yb = q.get()
        x = torch.from_numpy(xb).to(dev, non_blocking=True)
        y = torch.from_numpy(yb).to(dev, non_blocking=True)
        loss = train_step(model, opt, params, x, y, out_steps, dev, a.dtype)
        step += 1
        if step % 100 == 0 or step == 1:
            losses.append((step, time.perf_counter() - t0, float(loss.detach())))
    sync(dev)
    train_s = time.perf_counter() - t0
    stop.set()
    model.eval()
    t1 = time.perf_counter()
    dur, first, spk, soma_mv, seg_mv = predict_test(model, a.model, ds, test, norm, window, cfg["burn_in"], dev, a.dtype, a.eval_ms)
    eval_s = time.perf_counter() - t1
    m = metrics(ds, test, dur, first, spk, soma_mv, seg_mv)
    out = dict(kind="fit", framework="pytorch", model=a.model, params=tm.lfdeep_param_count(model), dtype=a.dtype,
               **info, data=os.path.abspath(a.data), splits=split_src, train_sims=train, val_sims=val, test_sims=test,
               batch=cfg["batch"], window=window, lr=cfg["lr"], budget_s=a.seconds, budget_counts_preparation=True, train_s=train_s, steps=step,
               samples=step * cfg["batch"], loader_threads=threads, load_s=load_s, eval_s=eval_s,
               mode="free-running (inputs only)" if a.model == "tcn" else "free-running rollout from true first window",
               loss_curve=losses, **m)
    write_json(out, a.out)


# --- CLI --------------------------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    def common(s):
        s.add_argument("--device", default="cuda", help="cuda, cuda:N or cpu")
        s.add_argument("--out", help="write the JSON here too")
        s.add_argument("--seed", type=int, default=0)
        s.add_argument("--synapses", type=int, default=1278)
        s.add_argument("--segments", type=int, default=639, help="dendritic targets (the cell's basal+apical rows)")

    s = sub.add_parser("train", help="optimiser-step time and samples/s")
    common(s)
    s.add_argument("--models", default="tcn,mmoe")
    s.add_argument("--batches", default="32,128,256")
    s.add_argument("--dtypes", default="f32,bf16")
    s.add_argument("--tcn-window", type=int, default=400)
    s.add_argument("--tcn-burn-in", type=int, default=152)
    s.add_argument("--tcn-layers", type=int, default=None,
                   help="keep the TCN preset's first N layers only (1: the 1278-input first layer alone)")
    s.add_argument("--mmoe-window", type=int, default=100)
    s.add_argument("--warmup", type=int, default=5)
    s.add_argument("--steps", type=int, default=20)
    s.set_defaults(fn=cmd_train)

    s = sub.add_parser("infer", help="free-running throughput (simulated ms per wall s) and batch-1 latency")
    common(s)
    s.add_argument("--models", default="tcn,mmoe")
    s.add_argument("--batches", default="1,16,256,1024,4096")
    s.add_argument("--dtypes", default="f32,bf16")
    s.add_argument("--mmoe-window", type=int, default=100)
    s.add_argument("--sim-ms", type=int, default=2000, help="tcn: simulated ms per batch row")
    s.add_argument("--rollout-ms", type=int, default=100, help="mmoe: rollout steps timed")
    s.add_argument("--latency-steps", type=int, default=50)
    s.add_argument("--max-input-elems", type=int, default=2_000_000_000,
                   help="tcn: largest input chunk (batch*channels*ms elements)")
    s.set_defaults(fn=cmd_infer)

    s = sub.add_parser("fit", help="time-to-accuracy on an exported dataset")
    common(s)
    s.add_argument("--data", required=True, help="folder written by `lfdeep dataset export --npy`")
    s.add_argument("--model", choices=["tcn", "mmoe"], required=True)
    s.add_argument("--seconds", type=float, default=600.0, help="wall-clock budget, counted from the start of data preparation (as lfdeep train.max_seconds)")
    s.add_argument("--max-steps", type=int)
    s.add_argument("--dtype", default="f32", choices=["f32", "bf16"])
    s.add_argument("--splits", help="splits.json of an lfdeep run on the same data (exact same split)")
    s.add_argument("--val-fraction", type=float, default=0.1)
    s.add_argument("--test-fraction", type=float, default=0.1)
    s.add_argument("--window", type=int, help="override the config's window (ms)")
    s.add_argument("--burn-in", type=int, help="override the config's burn-in (tcn)")
    s.add_argument("--batch", type=int, help="override the config's batch size")
    s.add_argument("--lr", type=float, help="override the config's learning rate")
    s.add_argument("--eval-ms", type=int, help="evaluate only the first N ms of each test simulation")
    s.add_argument("--max-sims", type=int, default=0,
                   help="evaluate at most the first N test simulations in index order (0: all), as lfdeep evaluate --max-sims")
    s.add_argument("--loader-threads", type=int, default=0,
                   help="threads assembling batches (0: lfdeep's default, cores - 1 capped at 8)")
    s.set_defaults(fn=cmd_fit)

    a = p.parse_args(argv)
    a.fn(a)


if __name__ == "__main__":
    main()
