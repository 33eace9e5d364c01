#!/usr/bin/env bash
# Simulator benchmark: the 1 s NeuronIO bombardment (neuronio biophysics, 1278 synapses,
# all 639 dendritic segments recorded at 1 ms) in lfdeep and in NEURON in one invocation.
# Usage: bench/sim_bench.sh [MORPHOLOGY] [TSTOP_MS] [EXC_HZ] [INH_HZ] [REPEAT]
# Runs from the repository root; NEURON comes from .venv (or $LFDEEP_PYTHON).
# One core each: lfdeep is single-threaded, NEURON runs one thread.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p lfdeep-sim --example bench_bombard
exe="${CARGO_TARGET_DIR:-target}/release/examples/bench_bombard"
echo "machine: $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
taskset -c 0 "$exe" "${1:-/work/shared/data/hay2011/cell1.asc}" "${2:-1000}" "${3:-30}" "${4:-15}" "${5:-3}"
