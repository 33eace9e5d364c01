"""Read an lfdeep dataset store with the zarr package (independent of zarrs) and print what
it finds as JSON: attributes, array shapes/dtypes, and every array of simulations asked for.

Usage: data_zarr_read.py STORE SIM [SIM ...]"""
import json
import sys

import numpy as np
import zarr

root = zarr.open_group(sys.argv[1], mode="r")
sims = [int(s) for s in sys.argv[2:]]
out = {"attrs": dict(root.attrs), "arrays": {}, "sims": {}}
for name, arr in root.arrays():
    out["arrays"][name] = {"shape": list(arr.shape), "dtype": str(arr.dtype)}
seg = root["segments"]
out["segments"] = {name: np.asarray(a[...]).tolist() for name, a in seg.arrays()}
out["segments_attrs"] = dict(seg.attrs)
out["committed"] = np.asarray(root["committed"][:]).tolist()
out["synapse_segment"] = np.asarray(root["synapse_segment"][:]).tolist()
out["time_lowres_ms"] = np.asarray(root["time_lowres_ms"][:]).tolist()
out["time_highres_ms"] = np.asarray(root["time_highres_ms"][:]).tolist()
for i in sims:
    off = np.asarray(root["input_spike_offsets"][i])
    times = np.asarray(root["input_spike_times_ms"][i, : int(off[-1])])
    n_out = int(root["output_spike_count"][i])
    seg_v = np.asarray(root["segment_voltage_lowres_mv"][i]).astype(np.float64)
    out["sims"][str(i)] = {
        "soma_highres": np.asarray(root["soma_voltage_highres_mv"][i]).astype(np.float64).tolist(),
        "nexus_highres": np.asarray(root["nexus_voltage_highres_mv"][i]).astype(np.float64).tolist(),
        "soma_lowres": np.asarray(root["soma_voltage_lowres_mv"][i]).astype(np.float64).tolist(),
        "nexus_lowres": np.asarray(root["nexus_voltage_lowres_mv"][i]).astype(np.float64).tolist(),
        "segment_lowres": seg_v.ravel().tolist(),
        "segment_dtype": str(root["segment_voltage_lowres_mv"].dtype),
        "output_spike_times_ms": np.asarray(root["output_spike_times_ms"][i, :n_out]).tolist(),
        "input_spikes": [times[off[k] : off[k + 1]].tolist() for k in range(len(off) - 1)],
        "block_sigma": np.asarray(root["input_block_sigma_ms"][i]).tolist(),
    }
print(json.dumps(out))
