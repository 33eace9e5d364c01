"""Oracle: build the Hay 2011 L5PC in NEURON (Import3d of the same morphology or pt3d points
from a serialised lfdeep Morphology), insert the project's own NMODL mechanisms with the
published density rules, run one protocol with NEURON's fixed step and print JSON.

Usage: python oracle/neuron_cell.py CONFIG.json > out.json

CONFIG keys (all lengths in um, times in ms, currents in nA):
  morphology       path to .asc/.swc (Import3d) or .json (serialised lfdeep Morphology)
  hay_axon         replace the axon by Hay's two 30 um x 1 um cylinders (Import3d only)
  biophysics       "hay2011" | "neuronio";  passive: true drops every channel
  celsius, sk_multiplier, end_value_quirk (default 6.3, 1.0, true)
  dt, tstop, v_init
  iclamps          [{row, delay, dur, amp}]
  epsps            [{row, onset, tau0, tau1, imax}]
  exc_rows, inh_rows, exc_events, inh_events   synapse segment rows and event times per synapse
  record_step_rows rows recorded every step;  record_rows + record_interval: coarser recording
  densities        true: also print every channel density per segment row
The output includes run_wall_s, the wall time of finitialize + the fadvance loop.
Segment rows follow lfdeep's table: basal sections, apical, soma, axon (creation order),
increasing x within a section. The protocol runs exactly round(tstop/dt) fadvance() calls.
"""
import json
import sys

import nrnmech

h = nrnmech.load()
h.load_file("stdlib.hoc")
h.load_file("import3d.hoc")

# Densities from spec/hay2011.md (S/cm2). Rules: ("u", g) uniform; ("exp", scale, a, b, c, cap):
# scale*(a + b*exp(c*min(d/Lmax, cap))); ("hot", inside, outside_factor, lo, hi).
SETS = {
    "hay2011": {
        "soma": dict(cm=1, g_pas=3.38e-5, ca=(460, 5.01e-4), ch={
            "NaTa_t": ("u", 2.04), "Nap_Et2": ("u", 1.72e-3), "K_Pst": ("u", 2.23e-3),
            "K_Tst": ("u", 0.0812), "SKv3_1": ("u", 0.693), "SK_E2": ("u", 0.0441),
            "Ca_HVA": ("u", 9.92e-4), "Ca_LVAst": ("u", 3.43e-3), "Ih": ("u", 2e-4)}),
        "axon": dict(cm=1, g_pas=3.25e-5, ca=None, ch={}),
        "dend": dict(cm=2, g_pas=4.67e-5, ca=None, ch={"Ih": ("u", 2e-4)}),
        "apic": dict(cm=2, g_pas=5.89e-5, ca=(122, 5.09e-4), ch={
            "NaTa_t": ("u", 0.0213), "SKv3_1": ("u", 2.61e-4), "SK_E2": ("u", 0.0012),
            "Im": ("u", 6.75e-5),
            "Ih": ("exp", 2e-4, -0.8696, 2.087, 3.6161, float("inf")),
            "Ca_LVAst": ("hot", 0.0187, 0.01, 685, 885),
            "Ca_HVA": ("hot", 5.55e-4, 0.1, 685, 885)}),
    },
    "neuronio": {
        "axon": dict(cm=1, g_pas=3e-5, ca=(277.300774, 5.25e-4), ch={
            "NaTa_t": ("u", 3.89618), "Nap_Et2": ("u", 5.834e-3), "K_Pst": ("u", 0.188851),
            "K_Tst": ("u", 0.077274), "SKv3_1": ("u", 0.473799), "SK_E2": ("u", 4.7e-5),
            "Ca_HVA": ("u", 2.22e-4), "Ca_LVAst": ("u", 8.13e-4), "Im": ("u", 0.013322),
            "Ih": ("u", 5e-5)}),
        "soma": dict(cm=1, g_pas=3e-5, ca=(294.679571, 5.09e-4), ch={
            "NaTs2_t": ("u", 0.998912), "SKv3_1": ("u", 0.338029), "SK_E2": ("u", 0.09965),
            "Ca_HVA": ("u", 6.44e-4), "Ca_LVAst": ("u", 5.57e-4), "Im": ("u", 8e-6),
            "Ih": ("u", 7.5e-5)}),
        "dend": dict(cm=2, g_pas=6e-5, ca=None, ch={"Ih": ("u", 5e-5)}),
        "apic": dict(cm=2, g_pas=6e-5, ca=(35.725651, 6.37e-4), ch={
            "NaTs2_t": ("u", 0.021489), "SKv3_1": ("u", 1.808e-3), "SK_E2": ("u", 2e-6),
            "Ca_HVA": ("u", 7.01e-4), "Im": ("u", 9.9e-4),
            "Ih": ("exp", 1e-4, -0.8696, 2.087, 3.6161, 0.65),
            "Ca_LVAst": ("hot", 0.2271264, 0.01, 685, 885)}),
    },
}
GBAR = {n: f"g{n}bar_{n}" for n in
        ["NaTa_t", "NaTs2_t", "Nap_Et2", "K_Pst", "K_Tst", "SKv3_1", "SK_E2", "Ca_HVA",
         "Ca_LVAst", "Im", "Ih"]}


def region_of(sec):
    n = sec.name().split("[")[0].split(".")[-1]
    return n if n in ("soma", "axon", "dend", "apic") else "dend"


def import3d(path):
    reader = h.Import3d_Neurolucida3() if path.lower().endswith(".asc") else h.Import3d_SWC_read()
    h("objref nil")
    reader.quiet = 1
    reader.input(path)
    h.Import3d_GUI(reader, 0).instantiate(h.nil)
    return list(h.allsec())


KEEP = []


def from_json(path):
    with open(path) as f:
        morph = json.load(f)
    made = []
    for s in morph["sections"]:
        sec = h.Section(name=s["name"])
        for p in s["points"]:
            sec.pt3dadd(p["x"], p["y"], p["z"], p["d"])
        if s["parent"] is not None:
            sec.connect(made[s["parent"]](s["parent_x"]), 0)
        made.append(sec)
    KEEP.extend(made)
    return made


def hay_axon(secs):
    for s in secs:
        if region_of(s) == "axon":
            h.delete_section(sec=s)
    soma = [s for s in h.allsec() if region_of(s) == "soma"][0]
    ax = [h.Section(name=f"axon[{i}]") for i in range(2)]
    KEEP.extend(ax)
    for a in ax:
        a.L = 30
        a.diam = 1
        a.nseg = 1
    ax[0].connect(soma(0.5), 0)
    ax[1].connect(ax[0](1), 0)
    return list(h.allsec())


def density(rule, d, lmax):
    if rule[0] == "u":
        return rule[1]
    if rule[0] == "exp":
        _, scale, a, b, c, cap = rule
        return scale * (a + b * __import__("math").exp(c * min(d / lmax, cap)))
    _, inside, outside, lo, hi = rule
    return inside if lo < d < hi else inside * outside


def build(cfg):
    path = cfg["morphology"]
    secs = from_json(path) if path.endswith(".json") else import3d(path)
    if cfg.get("hay_axon", False):
        secs = hay_axon(secs)
    params = SETS[cfg.get("biophysics", "hay2011")]
    passive = cfg.get("passive", False)
    skm = cfg.get("sk_multiplier", 1.0)
    quirk = cfg.get("end_value_quirk", True)
    h.celsius = cfg.get("celsius", 6.3)
    h.cao0_ca_ion = 2.0
    h.cai0_ca_ion = 5e-5
    for s in secs:
        s.Ra = 100
        s.nseg = 1 + 2 * int(s.L / 40.0)
    apics = [s for s in secs if region_of(s) == "apic"]
    # Hay's getLongestBranch("apic"): distance origin at apic[0](0), longest path to a leaf end.
    origin = apics[0](0) if apics else None
    lmax = 0.0
    for s in apics:
        if len(s.children()) == 0:
            lmax = max(lmax, h.distance(origin, s(1)))
    for s in secs:
        p = params[region_of(s)]
        s.cm = p["cm"]
        s.insert("pas")
        for seg in s:
            seg.pas.g = p["g_pas"]
            seg.pas.e = -90
        if passive:
            continue
        for name, rule in p["ch"].items():
            s.insert(name)
            # Hay's distribute_channels: for(x) visits 0, every centre, then 1; the x = 1
            # assignment lands on the last segment (the published quirk).
            xs = [0.0] + [seg.x for seg in s] + ([1.0] if quirk else [])
            for x in xs:
                d = h.distance(origin, s(x)) if origin is not None else 0.0
                g = density(rule, d, lmax) * (skm if name == "SK_E2" else 1.0)
                seg = s(x) if 0 < x < 1 else (s(1e-9) if x == 0 else s(1 - 1e-9))
                setattr(seg, GBAR[name], g)
        if p["ca"] is not None:
            s.insert("CaDynamics_E2")
            for seg in s:
                seg.CaDynamics_E2.decay = p["ca"][0]
                seg.CaDynamics_E2.gamma = p["ca"][1]
        if h.ismembrane("na_ion", sec=s):
            s.ena = 50
        if h.ismembrane("k_ion", sec=s):
            s.ek = -85
    order = {"dend": 0, "apic": 1, "soma": 2, "axon": 3}
    ordered = sorted(secs, key=lambda s: order[region_of(s)])  # stable: creation order kept
    rows = [seg for s in ordered for seg in s]
    return secs, rows, lmax


def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    secs, rows, lmax = build(cfg)
    dt = cfg.get("dt", 0.025)
    tstop = cfg["tstop"]
    h.dt = dt
    keep = []
    for c in cfg.get("iclamps", []):
        ic = h.IClamp(rows[c["row"]])
        ic.delay, ic.dur, ic.amp = c["delay"], c["dur"], c["amp"]
        keep.append(ic)
    for c in cfg.get("epsps", []):
        e = h.epsp(rows[c["row"]])
        e.onset, e.tau0, e.tau1, e.imax = c["onset"], c["tau0"], c["tau1"], c["imax"]
        keep.append(e)
    ncs = []
    for kind, rkey, ekey in (("AmpaNmda", "exc_rows", "exc_events"), ("GabaA", "inh_rows", "inh_events")):
        for r, times in zip(cfg.get(rkey, []), cfg.get(ekey, [])):
            syn = getattr(h, kind)(rows[r])
            nc = h.NetCon(None, syn)
            nc.weight[0] = 1.0
            nc.delay = 0
            keep.append(syn)
            ncs.append((nc, times))

    def queue_events():
        for nc, times in ncs:
            for t in times:
                nc.event(t)

    fih = h.FInitializeHandler(queue_events)
    step_vecs = []
    for r in cfg.get("record_step_rows", []):
        v = h.Vector()
        v.record(rows[r]._ref_v)
        step_vecs.append(v)
    coarse = []
    dtr = cfg.get("record_interval", 1.0)
    for r in cfg.get("record_rows", []):
        v = h.Vector()
        v.record(rows[r]._ref_v, dtr)
        coarse.append(v)
    tv = h.Vector()
    tv.record(h._ref_t)
    nsteps = int(round(tstop / dt))
    import time
    t0 = time.perf_counter()
    h.finitialize(cfg["v_init"])
    for _ in range(nsteps):
        h.fadvance()
    run_wall_s = time.perf_counter() - t0
    out = {
        "nsegs": len(rows),
        "lmax": lmax,
        "t": list(tv) if cfg.get("return_t", False) else None,
        "step": [list(v) for v in step_vecs],
        "coarse": [list(v) for v in coarse],
        "t_end": h.t,
        "run_wall_s": run_wall_s,
    }
    if cfg.get("densities", False):
        dens = {}
        for name, var in GBAR.items():
            dens[name] = [getattr(seg, var) if hasattr(seg, name) else None for seg in rows]
        dens["cm"] = [seg.cm for seg in rows]
        dens["g_pas"] = [seg.pas.g for seg in rows]
        dens["area"] = [seg.area() for seg in rows]
        out["densities"] = dens
    json.dump(out, sys.stdout)
    del fih


if __name__ == "__main__":
    main()
