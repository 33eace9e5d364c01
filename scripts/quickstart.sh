#!/usr/bin/env bash
# The main job on the built-in default cell (builtin:l5pc), as a new user runs it:
# build lfdeep, look at the cell, run the BAC protocol, simulate a small NeuronIO-style
# dataset, train a small surrogate (ELM) on CPU, evaluate it on held-out simulations, and
# compute the LFP of one simulation.
# Everything lands in out/quickstart/ (override with QUICKSTART_OUT). Re-running reuses a
# complete dataset and resumes an interrupted one.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lfdeep-target}"
out="${QUICKSTART_OUT:-$root/out/quickstart}"
sims="${QUICKSTART_SIMS:-12}"
duration_ms="${QUICKSTART_DURATION_MS:-3000}"
steps="${QUICKSTART_STEPS:-250}"

echo "== building lfdeep (the dev profile is optimised; first build compiles Burn, ~15 min on 2 cores)"
cargo build -p lfdeep
lfdeep="$CARGO_TARGET_DIR/debug/lfdeep"
mkdir -p "$out"

echo "== 1/6 morphology: builtin:l5pc"
"$lfdeep" morphology builtin:l5pc --segments "$out/segments.csv" --plot "$out/morphology.png"

echo "== 2/6 BAC protocol (Hay 2011): dendritic Ca2+ spike and somatic burst"
"$lfdeep" protocol bac --kind bac --json --plot "$out/bac.png" > "$out/bac.json"
cat "$out/bac.json"

echo "== 3/6 simulate: $sims simulations × $duration_ms ms of NeuronIO-style bombardment"
if [ -f "$out/data/zarr.json" ]; then
  echo "dataset $out/data exists; reusing it"
elif [ -d "$out/data.partial" ]; then
  "$lfdeep" simulate --out "$out/data" --resume simulations="$sims" duration_ms="$duration_ms" seed=1
else
  "$lfdeep" simulate --out "$out/data" simulations="$sims" duration_ms="$duration_ms" seed=1
fi
"$lfdeep" dataset summary "$out/data" --plot "$out/data_summary.png"

echo "== 4/6 train: ELM surrogate of every compartment (spike, soma, 639 dendritic segments from synaptic input alone), $steps steps on CPU"
rm -rf "$out/run_elm"
"$lfdeep" train configs/elm_dendrites.toml --data "$out/data" --out "$out/run_elm" max_steps="$steps"

echo "== 5/6 evaluate: the run's test simulations (metrics.json, report.md, figures)"
"$lfdeep" evaluate "$out/run_elm" --data "$out/data" --out "$out/eval"

test_sim=$(sed -n '/"test"/,/]/p' "$out/run_elm/splits.json" | grep -o '[0-9][0-9]*' | head -1)
echo "== 6/6 LFP of test simulation $test_sim: simulated vs surrogate-predicted, electrodes of configs/electrodes.toml"
"$lfdeep" predict "$out/run_elm" --inputs "$out/data" --max-sims $((test_sim + 1)) --lfp-voltages --out "$out/predict"
"$lfdeep" lfp --data "$out/data" --simulation "$test_sim" --prediction "$out/predict/voltages_sim${test_sim}_mv.npy" \
  --axon-from-soma --electrodes configs/electrodes.toml --out "$out/lfp" --plot "$out/lfp.png"

echo "== done: outputs in $out"
ls "$out"
