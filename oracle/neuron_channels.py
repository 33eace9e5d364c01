"""Oracle for the Hay 2011 channels: NEURON runs the project's own NMODL files (oracle/mod).

Usage:
    python oracle/neuron_channels.py cases            > cases.json   # names of the trace cases
    python oracle/neuron_channels.py trace CASE       > trace.json   # one single-compartment run
    python oracle/neuron_channels.py steady           > steady.json  # x_inf, tau over v; nernst

`trace`: a cylinder (L = diam = 20 um, nseg 1, cm 1) with pas and the case's mechanisms, driven
by a staircase of IClamp steps at its centre, v_init -70 mV, fixed-step backward Euler,
dt 0.025 ms. The JSON holds the whole setup (so the Rust test rebuilds the same compartment
from it, with NEURON's area) and the traces recorded every step: t, v, every gate, cai, eca, ica.

`steady`: for each channel, x_inf and tau (NEURON's RANGE mInf/mTau/hInf/hTau/zInf) after
finitialize(v) over v in [-100, 50] mV (0.25 mV grid plus every singular point), SK_E2's zInf
over cai, and NEURON's nernst(cai, 2 mM, 2) at two temperatures.
"""
import json
import sys

import nrnmech

h = nrnmech.load()

DT = 0.025
V_INIT = -70.0
AREA_SIDE_UM = 20.0

# Gate names per mechanism, in the order the Rust `states()` lists them.
GATES = {
    "NaTa_t": ["m", "h"], "NaTs2_t": ["m", "h"], "Nap_Et2": ["m", "h"],
    "K_Pst": ["m", "h"], "K_Tst": ["m", "h"], "SKv3_1": ["m"], "SK_E2": ["z"],
    "Ca_HVA": ["m", "h"], "Ca_LVAst": ["m", "h"], "Im": ["m"], "Ih": ["m"],
}
TAUS = {"m": ("mInf", "mTau"), "h": ("hInf", "hTau"), "z": ("zInf", "zTau")}

# Staircases (nA) of 40 ms steps after 20 ms at rest. The input resistance with pas alone is
# ~800 MOhm, so 0.01 nA moves v by ~8 mV: the amplitudes sweep the gates' voltage ranges.
SWEEP = [-0.04, -0.02, 0.0, 0.02, 0.04, 0.06, 0.1, 0.15, 0.0]
WIDE = [-0.05, -0.025, 0.0, 0.05, 0.1, 0.2, 0.4, 0.8, 0.0]
SPIKES = [0.0, 0.05, 0.1, 0.2, 0.0]

# name -> (mechanisms {suffix: gbar S/cm2}, CaDynamics (gamma, decay ms) or None, staircase)
CASES = {
    "NaTa_t": ({"NaTa_t": 0.002}, None, SWEEP),
    "NaTs2_t": ({"NaTs2_t": 0.002}, None, SWEEP),
    "Nap_Et2": ({"Nap_Et2": 2e-4}, None, SWEEP),
    "K_Pst": ({"K_Pst": 2e-3}, None, WIDE),
    "K_Tst": ({"K_Tst": 2e-3}, None, SWEEP),
    "SKv3_1": ({"SKv3_1": 2e-3}, None, WIDE),
    "Im": ({"Im": 1e-3}, None, WIDE),
    "Ih": ({"Ih": 5e-4}, None, SWEEP),
    "Ca_HVA": ({"Ca_HVA": 3e-4}, (0.005, 80.0), SWEEP),
    "Ca_LVAst": ({"Ca_LVAst": 3e-3}, (0.05, 80.0), SWEEP),
    "SK_E2": ({"SK_E2": 2e-3, "Ca_HVA": 1e-3}, (0.05, 80.0), WIDE),
    # Hay 2011 somatic densities (L5PCbiophys3) on the small cylinder: it fires, so this case
    # checks the channels together, the Ca/SK coupling and the step order during spikes.
    "hay_soma": ({"NaTa_t": 2.04, "Nap_Et2": 1.72e-3, "K_Pst": 2.23e-3, "K_Tst": 0.0812,
                  "SKv3_1": 0.693, "SK_E2": 0.0441, "Ca_HVA": 9.92e-4, "Ca_LVAst": 3.43e-3,
                  "Ih": 2e-4}, (5.01e-4, 460.0), SPIKES),
}
G_PAS = 1e-4
E_PAS = -70.0
ENA = 50.0
EK = -85.0
CAO = 2.0


def set_common(sec, celsius):
    h.celsius = celsius
    h.dt = DT
    h.secondorder = 0
    h.cao0_ca_ion = CAO
    sec.L = AREA_SIDE_UM
    sec.diam = AREA_SIDE_UM
    sec.nseg = 1
    sec.cm = 1.0
    sec.Ra = 100.0


def trace(name):
    mechs, cadyn, stair = CASES[name]
    celsius = 6.3
    sec = h.Section(name="cell")
    set_common(sec, celsius)
    sec.insert("pas")
    sec.g_pas = G_PAS
    sec.e_pas = E_PAS
    for m, g in mechs.items():
        sec.insert(m)
        setattr(getattr(sec(0.5), m), f"g{m}bar", g)
    if cadyn:
        sec.insert("CaDynamics_E2")
        sec(0.5).CaDynamics_E2.gamma = cadyn[0]
        sec(0.5).CaDynamics_E2.decay = cadyn[1]
    if any(m in mechs for m in ("NaTa_t", "NaTs2_t", "Nap_Et2")):
        sec.ena = ENA
    if any(m in mechs for m in ("K_Pst", "K_Tst", "SKv3_1", "SK_E2", "Im")):
        sec.ek = EK
    seg = sec(0.5)
    steps = []
    t0 = 20.0
    clamps = []
    for amp in stair:
        ic = h.IClamp(seg)
        ic.delay = t0
        ic.dur = 40.0
        ic.amp = amp
        clamps.append(ic)
        steps.append({"delay_ms": t0, "dur_ms": 40.0, "amp_na": amp})
        t0 += 40.0
    tstop = t0 + 20.0
    rec = {"t": h.Vector().record(h._ref_t), "v": h.Vector().record(seg._ref_v)}
    for m in mechs:
        for gname in GATES[m]:
            rec[f"{m}.{gname}"] = h.Vector().record(getattr(getattr(seg, m), f"_ref_{gname}"))
    has_ca = cadyn is not None
    if has_ca:
        rec["cai"] = h.Vector().record(seg._ref_cai)
        rec["eca"] = h.Vector().record(seg._ref_eca)
        rec["ica"] = h.Vector().record(seg._ref_ica)
    h.finitialize(V_INIT)
    while h.t < tstop - 0.5 * DT:
        h.fadvance()
    return {
        "case": name,
        "area_um2": seg.area(),
        "cm_uf_cm2": sec.cm,
        "g_pas": G_PAS,
        "e_pas": E_PAS,
        "ena": ENA,
        "ek": EK,
        "cao_mm": CAO,
        "celsius": celsius,
        "dt_ms": DT,
        "v_init": V_INIT,
        "nsteps": int(round(tstop / DT)),
        "mechanisms": [{"name": m, "gbar": g} for m, g in mechs.items()],
        "cadynamics": {"gamma": cadyn[0], "decay_ms": cadyn[1]} if cadyn else None,
        "steps": steps,
        "traces": {k: list(vec) for k, vec in rec.items()},
    }


def steady():
    sec = h.Section(name="ss")
    set_common(sec, 6.3)
    for m in GATES:
        sec.insert(m)
    sec.insert("CaDynamics_E2")
    seg = sec(0.5)
    grid = [-100.0 + 0.25 * i for i in range(601)]
    grid += [-38.0, -66.0, -32.0, -60.0, -17.0, -64.4, -27.0, -154.9, -154.9 + 3e-7, -38.0 - 5e-7]
    out = {"v": grid, "channels": {}}
    for m, gates in GATES.items():
        if m == "SK_E2":
            continue
        rows = {g: {"inf": [], "tau": []} for g in gates}
        for v in grid:
            h.finitialize(v)
            mech = getattr(seg, m)
            for g in gates:
                rows[g]["inf"].append(getattr(mech, TAUS[g][0]))
                rows[g]["tau"].append(getattr(mech, TAUS[g][1]))
        out["channels"][m] = rows
    cai = [0.0, 1e-8, 5e-8, 9.9e-8] + [10 ** (-7 + 0.05 * i) for i in range(101)]
    z = []
    for c in cai:
        h.cai0_ca_ion = c
        h.finitialize(-70.0)
        assert abs(seg.cai - c) <= 1e-15 * max(c, 1e-300) or seg.cai == c, (seg.cai, c)
        z.append(seg.SK_E2.zInf)
    out["sk_e2"] = {"cai": cai, "z_inf": z, "z_tau": seg.SK_E2.zTau}
    nern = []
    for celsius in (6.3, 34.0):
        h.celsius = celsius
        for c in [1e-6, 5e-5, 1e-4, 1e-3, 2.0, 5.0]:
            nern.append({"ci": c, "co": CAO, "z": 2, "celsius": celsius, "e": h.nernst(c, CAO, 2)})
    out["nernst"] = nern
    return out


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    cmd = sys.argv[1]
    if cmd == "cases":
        res = list(CASES)
    elif cmd == "trace":
        res = trace(sys.argv[2])
    elif cmd == "steady":
        res = steady()
    else:
        raise SystemExit(f"unknown command {cmd!r}\n{__doc__}")
    json.dump(res, sys.stdout)


if __name__ == "__main__":
    main()
