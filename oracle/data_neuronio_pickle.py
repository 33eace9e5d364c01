"""Write a small file in the published NeuronIO pickle structure, the way the Python 2 code
did: protocol 2, Python 2 `str` opcodes (latin-1), numpy arrays reduced through
numpy.core.multiarray._reconstruct with float16 voltages. Prints every value as JSON
(float16 values are exact in JSON) so the importer can be checked value by value.

Usage: data_neuronio_pickle.py OUT.p N_SIMS DURATION_MS N_SEGMENTS SEED"""
import json
import pickle
import struct
import sys

import numpy as np


class Py2Pickler(pickle._Pickler):
    """Protocol-2 pickler that writes str/bytes as Python 2 `str` (SHORT_BINSTRING /
    BINSTRING) and uses the numpy module names of the Python 2 era."""

    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2str(self, obj):
        b = obj.encode("latin-1") if isinstance(obj, str) else bytes(obj)
        if len(b) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(b)]) + b)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(b)) + b)
        self.memoize(obj)

    dispatch[str] = save_py2str
    dispatch[bytes] = save_py2str

    def save_global(self, obj, name=None):
        name = name or obj.__qualname__
        module = getattr(obj, "__module__", None) or pickle.whichmodule(obj, name)
        module = module.replace("numpy._core", "numpy.core")
        if module == "builtins":
            module = "__builtin__"
        self.write(pickle.GLOBAL + module.encode() + b"\n" + name.encode() + b"\n")
        self.memoize(obj)


out, n_sims, T, n_seg, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rng = np.random.default_rng(seed)
types = ["basal"] * (n_seg // 3) + ["apical"] * (n_seg - n_seg // 3)
params = {
    "randomSeed": seed,
    "numSimulations": n_sims,
    "totalSimDurationInSec": T / 1000.0,
    "numSamplesPerMS_HighRes": 8,
    "excitatorySynapseType": "NMDA",
    "inhibitorySynapseType": "GABA_A",
    "allSegmentsType": types,
    "allSegmentsLength": [float(x) for x in rng.uniform(5, 40, n_seg)],
    "allSegments_DistFromSoma": rng.uniform(0, 1200, n_seg),
    "allSegments_SectionInd": list(range(n_seg)),
    "allSectionsType": ["soma"] + types[:3],
    "allSectionsLength": [20.0, 100.0, 200.5, 33.0],
    "outputSpikeRate": np.float64(1.25),
    "comment": "caf\xe9 latin-1",
}
sims = []
expect = []
for k in range(n_sims):
    th = (np.arange(8 * T) / 8.0).astype(np.float32)
    tl = np.arange(T).astype(np.float32)
    soma_h = (-70 + 30 * rng.standard_normal(8 * T)).astype(np.float16)
    nexus_h = (-60 + 20 * rng.standard_normal(8 * T)).astype(np.float16)
    soma_l, nexus_l = soma_h[::8].copy(), nexus_h[::8].copy()
    dend = (-65 + 10 * rng.standard_normal((n_seg, T))).astype(np.float16)
    out_sp = np.sort(rng.uniform(0, T, 5)).astype(np.float16)
    ex, inh = {}, {}
    for s in range(n_seg):
        bins = np.nonzero(rng.uniform(size=T) < 0.02)[0]
        if s % 4 == 0:
            ex[s] = bins.astype(np.int64)  # numpy array of ints
        elif s % 4 == 1:
            ex[s] = [int(b) for b in bins]  # list of ints
        elif s % 4 == 2:
            ex[s] = [float(b) for b in bins]  # list of whole floats
        # s % 4 == 3: no key at all (a silent synapse)
        ib = np.nonzero(rng.uniform(size=T) < 0.03)[0]
        inh[s] = [int(b) for b in ib]
    sims.append({
        "recordingTimeHighRes": th, "somaVoltageHighRes": soma_h, "nexusVoltageHighRes": nexus_h,
        "recordingTimeLowRes": tl, "somaVoltageLowRes": soma_l, "nexusVoltageLowRes": nexus_l,
        "exInputSpikeTimes": ex, "inhInputSpikeTimes": inh,
        "outputSpikeTimes": out_sp, "dendriticVoltagesLowRes": dend,
    })
    expect.append({
        "soma_highres": soma_h.astype(float).tolist(), "nexus_highres": nexus_h.astype(float).tolist(),
        "soma_lowres": soma_l.astype(float).tolist(), "nexus_lowres": nexus_l.astype(float).tolist(),
        "dend": dend.astype(float).ravel().tolist(), "output": out_sp.astype(float).tolist(),
        "exc": [[int(x) for x in ex.get(s, [])] for s in range(n_seg)],
        "inh": [[int(x) for x in inh.get(s, [])] for s in range(n_seg)],
    })
data = {"Params": params, "Results": {"listOfSingleSimulationDicts": sims}}
with open(out, "wb") as f:
    Py2Pickler(f, protocol=2).dump(data)
# The file must load the way NeuronIO users load it.
with open(out, "rb") as f:
    back = pickle.load(f, encoding="latin1")
assert np.array_equal(back["Results"]["listOfSingleSimulationDicts"][0]["dendriticVoltagesLowRes"], sims[0]["dendriticVoltagesLowRes"])
raw = open(out, "rb").read()
print(json.dumps({
    "sims": expect,
    "time_highres": (np.arange(8 * T) / 8.0).astype(np.float32).astype(float).tolist(),
    "time_lowres": list(range(T)),
    "types": types,
    "lengths": params["allSegmentsLength"],
    "dist": params["allSegments_DistFromSoma"].tolist(),
    "has_py2_str": b"U\x06Params" in raw,
    "has_reconstruct": b"numpy.core.multiarray\n_reconstruct" in raw,
}))
