"""Compare an `lfdeep dataset export --npy` folder with the store it came from, read with
the zarr package. Prints {"checked": [...], "mismatches": [...]}.

Usage: data_npy_check.py STORE NPY_DIR"""
import json
import os
import sys

import numpy as np
import zarr

root = zarr.open_group(sys.argv[1], mode="r")
d = sys.argv[2]
load = lambda n: np.load(os.path.join(d, n + ".npy"))
checked, bad = [], []


def same(name, a, b):
    checked.append(name)
    if a.dtype != b.dtype or a.shape != b.shape or not np.array_equal(a, b, equal_nan=True):
        bad.append(f"{name}: npy {a.dtype}{a.shape} vs zarr {b.dtype}{b.shape}")


for name in ["soma_voltage_highres_mv", "nexus_voltage_highres_mv", "soma_voltage_lowres_mv",
             "nexus_voltage_lowres_mv", "segment_voltage_lowres_mv", "output_spike_count",
             "input_block_sigma_ms", "time_highres_ms", "time_lowres_ms", "synapse_segment"]:
    same(name, load(name), np.asarray(root[name][...]))
S = root["committed"].shape[0]
off = np.asarray(root["input_spike_offsets"][...])
sim, syn, t = load("input_spike_sim"), load("input_spike_synapse"), load("input_spike_time_ms")
dense = load("input_spikes") if os.path.exists(os.path.join(d, "input_spikes.npy")) else None
for i in range(S):
    times = np.asarray(root["input_spike_times_ms"][i, : int(off[i, -1])])
    mine = sim == i
    rows = np.repeat(np.arange(off.shape[1] - 1), np.diff(off[i]))
    same(f"input coords sim {i}", np.stack([syn[mine], t[mine]]), np.stack([rows.astype(np.uint32), times]))
    if dense is not None:
        X = np.zeros(dense.shape[1:], dtype=np.uint8)
        X[rows, times] = 1
        same(f"dense inputs sim {i}", dense[i], X)
    n = int(root["output_spike_count"][i])
    same(f"output spikes sim {i}", load("output_spike_time_ms")[load("output_spike_sim") == i],
         np.asarray(root["output_spike_times_ms"][i, :n]))
print(json.dumps({"checked": checked, "mismatches": bad}))
