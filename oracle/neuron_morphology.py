"""Oracle: import a morphology with NEURON's Import3d and dump what NEURON computes.

Usage: python oracle/neuron_morphology.py FILE(.asc|.swc|.json) [--nseg=hay|fixed:N] [--hay-axon] > out.json

A .json file is a serialised lfdeep Morphology ({"sections": [{name, parent, parent_x,
points: [{x, y, z, d}]}]}), built here with pt3dadd: the check of our geometry on cells
that have no file format (builtin:l5pc).

Prints one JSON object: sections in NEURON's creation order (name, parent, parent_x,
3-D points, nseg) and per segment area (um^2) and ri (MOhm), with Ra = 100 ohm cm.
"""
import json
import sys

from neuron import h

h.load_file("stdlib.hoc")
h.load_file("import3d.hoc")


def main():
    path = sys.argv[1]
    rule = "hay"
    hay_axon = False
    for a in sys.argv[2:]:
        if a.startswith("--nseg="):
            rule = a.split("=", 1)[1]
        elif a == "--hay-axon":
            hay_axon = True
    if path.endswith(".json"):
        secs = build_from_json(path)
    else:
        secs = import3d(path)
    finish(secs, rule, hay_axon)


def build_from_json(path):
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
    return made


def import3d(path):
    if path.endswith(".asc"):
        reader = h.Import3d_Neurolucida3()
    elif path.endswith(".swc"):
        reader = h.Import3d_SWC_read()
    else:
        raise SystemExit(f"unknown morphology extension: {path}")
    h("objref nil")
    reader.quiet = 1
    reader.input(path)
    gui = h.Import3d_GUI(reader, 0)
    gui.instantiate(h.nil)
    return list(h.allsec())


def finish(secs, rule, hay_axon):
    if hay_axon:
        for s in secs:
            if s.name().startswith("axon"):
                h.delete_section(sec=s)
        h("create axon[2]")
        soma = [s for s in h.allsec() if s.name().startswith("soma")][0]
        for i in range(2):
            h.axon[i].L = 30
            h.axon[i].diam = 1
            h.axon[i].nseg = 1
        h.axon[0].connect(soma(0.5), 0)
        h.axon[1].connect(h.axon[0](1), 0)
        secs = list(h.allsec())
    for s in secs:
        s.Ra = 100
        if rule == "hay":
            s.nseg = 1 + 2 * int(s.L / 40.0)
        elif rule.startswith("fixed:"):
            s.nseg = int(rule.split(":")[1])
        elif rule.startswith("dlambda:"):
            # NEURON's fixnseg.hoc rule with Hay's capacitances (1 soma/axon, 2 dendrites).
            freq = float(rule.split(":")[1])
            s.cm = 1.0 if s.name().startswith(("soma", "axon")) else 2.0
            s.nseg = int((s.L / (0.1 * h.lambda_f(freq, sec=s)) + 0.9) / 2) * 2 + 1
    soma = [s for s in secs if s.name().startswith("soma")]
    apic0 = [s for s in secs if s.name() == "apic[0]"]
    out = []
    for s in secs:
        ps = s.parentseg()
        segs = [
            {
                "x": seg.x,
                "area": seg.area(),
                "ri": seg.ri(),
                "diam": seg.diam,
                "path_soma": h.distance(soma[0](0.5), seg) if soma else None,
                "path_apical": h.distance(apic0[0](0), seg)
                if apic0 and s.name().startswith("apic")
                else None,
            }
            for seg in s
        ]
        pts = [[s.x3d(i), s.y3d(i), s.z3d(i), s.diam3d(i)] for i in range(s.n3d())]
        out.append(
            {
                "name": s.name(),
                "parent": ps.sec.name() if ps is not None else None,
                "parent_x": ps.x if ps is not None else None,
                "orientation": s.orientation(),
                "L": s.L,
                "nseg": s.nseg,
                "points": pts,
                "segments": segs,
            }
        )
    json.dump({"sections": out}, sys.stdout)


if __name__ == "__main__":
    main()
