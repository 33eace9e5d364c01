"""Oracle: LFPykit's forward models on a cell geometry exported by the lfdeep tests.

Usage: python oracle/lfp_lfpykit.py INPUT.json > out.json

INPUT.json: {"start": [[x, y, z], ...], "end": [...], "diam": [...]   (one per segment, um),
             "electrodes": [[x, y, z], ...] (um), "sigma": S/m,
             "currents": [[...], ...] (segments x time, nA; optional),
             "eeg": {"electrodes": [[x, y, z], ...], "dipole_location": [x, y, z],
                     "radii": [r1..r4] or null, "sigmas": [s1..s4] or null} (optional)}
Prints {"line": M (electrodes x segments), "point": M, "cdm": M (3 x segments),
        "four_sphere": M (eeg electrodes x 3), "eeg_potential": (eeg electrodes x time)}.
"""
import json
import sys

import numpy as np
import lfpykit
import lfpykit.eegmegcalc


def main():
    with open(sys.argv[1]) as f:
        inp = json.load(f)
    start = np.array(inp["start"], dtype=float)
    end = np.array(inp["end"], dtype=float)
    cell = lfpykit.CellGeometry(
        x=np.stack([start[:, 0], end[:, 0]], axis=-1),
        y=np.stack([start[:, 1], end[:, 1]], axis=-1),
        z=np.stack([start[:, 2], end[:, 2]], axis=-1),
        d=np.array(inp["diam"], dtype=float),
    )
    el = np.array(inp["electrodes"], dtype=float)
    sigma = float(inp["sigma"])
    out = {}
    out["line"] = lfpykit.LineSourcePotential(cell, x=el[:, 0].copy(), y=el[:, 1].copy(), z=el[:, 2].copy(),
                                              sigma=sigma).get_transformation_matrix().tolist()
    out["point"] = lfpykit.PointSourcePotential(cell, x=el[:, 0].copy(), y=el[:, 1].copy(), z=el[:, 2].copy(),
                                                sigma=sigma).get_transformation_matrix().tolist()
    cdm = lfpykit.CurrentDipoleMoment(cell).get_transformation_matrix()
    out["cdm"] = cdm.tolist()
    eeg = inp.get("eeg")
    if eeg is not None:
        kw = {}
        if eeg.get("radii") is not None:
            kw["radii"] = eeg["radii"]
        if eeg.get("sigmas") is not None:
            kw["sigmas"] = eeg["sigmas"]
        fs = lfpykit.eegmegcalc.FourSphereVolumeConductor(np.array(eeg["electrodes"], dtype=float), **kw)
        loc = np.array(eeg["dipole_location"], dtype=float)
        out["four_sphere"] = fs.get_transformation_matrix(loc).tolist()
        if inp.get("currents") is not None:
            p = cdm @ np.array(inp["currents"], dtype=float)
            out["eeg_potential"] = fs.get_dipole_potential(p, loc).tolist()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
