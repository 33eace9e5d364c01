"""Oracle: NEURON's recorded membrane currents (i_membrane_, fast_imem) under synaptic
bombardment, to check lfdeep's membrane currents computed from voltages alone.

Usage: python oracle/lfp_neuron_imem.py MORPHOLOGY(.asc|.json) OUTDIR [--tstop=MS] [--dt=MS] [--every=N]

A .json morphology is a serialised lfdeep Morphology ({"sections": [{name, parent, parent_x,
points: [{x, y, z, d}]}]}, built with pt3dadd); if it also has "segment_order" ([[section
name, x], ...]), the output rows follow that order (lfdeep's segment table).

Builds the cell with Import3d (nseg = 1 + 2 floor(L/40), Ra = 100 ohm cm, cm = 1 uF/cm2),
inserts pas everywhere and hh in soma and axon, and drives it with ExpSyn synapses (half
excitatory, half inhibitory) on random segments fed by Poisson NetStims. Writes
OUTDIR/v.npy and OUTDIR/imem.npy (segments x samples, mV and nA, every N-th step) and prints
{"segments": [[section name, x], ...], "dt": ms, "samples": n} (rows in that order).
"""
import json
import os
import sys

import numpy as np
from neuron import h

h.load_file("stdlib.hoc")
h.load_file("import3d.hoc")


def main():
    path, outdir = sys.argv[1], sys.argv[2]
    opts = dict(a[2:].split("=", 1) for a in sys.argv[3:] if a.startswith("--"))
    tstop = float(opts.get("tstop", 100.0))
    dt = float(opts.get("dt", 0.025))
    every = int(opts.get("every", 4))
    order = None
    if path.endswith(".json"):
        with open(path) as f:
            morph = json.load(f)
        secs = []
        for s in morph["sections"]:
            sec = h.Section(name=s["name"])
            for p in s["points"]:
                sec.pt3dadd(p["x"], p["y"], p["z"], p["d"])
            if s["parent"] is not None:
                sec.connect(secs[s["parent"]](s["parent_x"]), 0)
            secs.append(sec)
        order = morph.get("segment_order")
    else:
        reader = h.Import3d_Neurolucida3()
        reader.quiet = 1
        reader.input(path)
        h("objref nil")
        h.Import3d_GUI(reader, 0).instantiate(h.nil)
        secs = list(h.allsec())
    for s in secs:
        s.Ra = 100
        s.cm = 1
        s.nseg = 1 + 2 * int(s.L / 40.0)
        s.insert("pas")
        for seg in s:
            seg.pas.g = 3e-5
            seg.pas.e = -70
        if s.name().startswith(("soma", "axon")):
            s.insert("hh")
    segs = [seg for s in secs for seg in s]
    if order is not None:
        by_key = {(seg.sec.name(), round(seg.x, 9)): seg for seg in segs}
        segs = [by_key[(name, round(x, 9))] for name, x in order]
    rng = np.random.default_rng(5)
    keep = []
    for k in range(400):
        seg = segs[rng.integers(len(segs))]
        syn = h.ExpSyn(seg)
        exc = k % 2 == 0
        syn.tau = 2.0 if exc else 8.0
        syn.e = 0.0 if exc else -80.0
        ns = h.NetStim()
        ns.interval = 1000.0 / (5.0 if exc else 5.0)
        ns.number = 1e9
        ns.start = 0
        ns.noise = 1
        ns.seed(k + 1)
        nc = h.NetCon(ns, syn)
        nc.weight[0] = 0.05 if exc else 0.005
        keep.append((syn, ns, nc))
    h.CVode().use_fast_imem(1)
    h.dt = dt
    h.finitialize(-70)
    v, im = [], []
    step = 0
    while h.t < tstop - dt / 2:
        h.fadvance()
        step += 1
        if step % every == 0:
            v.append([seg.v for seg in segs])
            im.append([seg.i_membrane_ for seg in segs])
    os.makedirs(outdir, exist_ok=True)
    np.save(os.path.join(outdir, "v.npy"), np.array(v).T.copy())
    np.save(os.path.join(outdir, "imem.npy"), np.array(im).T.copy())
    json.dump({"segments": [[seg.sec.name(), seg.x] for seg in segs], "dt": dt, "samples": len(v)}, sys.stdout)


if __name__ == "__main__":
    main()
