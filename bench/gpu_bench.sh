#!/usr/bin/env bash
# GPU benchmarks of issue #7 on the rented machine (one H100, 16 cores, no network, no Rust):
# bench train (f32, bf16), bench infer (tcn, mmoe), bench sim --threads 16 against NEURON on
# one core. Every JSON and the log go to $OUT; the whole script stays under ~8 minutes (a
# global deadline clamps each step's timeout, and the JSON files are rewritten after every
# configuration, so a step cut short keeps what it measured).
#
# Needs: the CUDA binary at .devbin/lfdeep (or .devbin/lfdeep.gz, see ../shared/tools/GPU.md),
# run from the repository root. NEURON (optional, for the sim speed-up): its wheel importable
# by python3, e.g. `pip install --target DIR neuron` done beforehand and PYTHONPATH=DIR; the
# mechanisms of oracle/mod are compiled on first use by oracle/nrnmech.py with the nrnivmodl
# found next to python3 or on PATH (DIR/bin is added to PATH here).
# Usage: OUT=/some/dir bench/gpu_bench.sh      (env: TOTAL_S=470 to change the overall budget)
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:?set OUT to the output folder}"
mkdir -p "$OUT"
LOG="$OUT/gpu_bench.log"
exec > >(tee -a "$LOG") 2>&1

BIN="${BIN:-.devbin/lfdeep}"
if [ -f "$BIN.gz" ] && { [ ! -x "$BIN" ] || [ "$BIN.gz" -nt "$BIN" ]; }; then
    gunzip -kf "$BIN.gz" && chmod +x "$BIN"
fi
[ -x "$BIN" ] || { echo "no CUDA binary at $BIN"; exit 1; }
export CUDA_PATH="${CUDA_PATH:-/usr/local/cuda}"
export CUBECL_AUTOTUNE_LEVEL="${CUBECL_AUTOTUNE_LEVEL:-minimal}"
export LFDEEP_ROOT="$PWD"
DEVICE="${DEVICE:-cuda}"   # DEVICE=cpu: a dry run of the script here (slow, full sizes)

TOTAL_S="${TOTAL_S:-470}"
SIM_RESERVE_S=75          # kept for the CPU simulator step at the end
start=$SECONDS
# step_timeout WANT [RESERVE]: WANT seconds, clamped to what is left before the deadline
# minus RESERVE (seconds promised to later steps).
step_timeout() {
    local left=$(( TOTAL_S - (SECONDS - start) - ${2:-0} ))
    [ "$left" -lt "$1" ] && echo "$left" || echo "$1"
}
run_step() { # NAME WANT RESERVE CMD...
    local name=$1 want=$2 reserve=$3; shift 3
    local t; t=$(step_timeout "$want" "$reserve")
    if [ "$t" -le 5 ]; then echo "=== $name: skipped (no time left)"; return; fi
    echo "=== $name (timeout ${t}s, $(( SECONDS - start ))s elapsed): $*"
    local t0=$SECONDS
    timeout --kill-after=5 "$t" "$@"
    local rc=$?
    echo "=== $name: rc $rc after $(( SECONDS - t0 ))s"
}

echo "date: $(date -u)  host: $(hostname)"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>/dev/null || true
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; CUBECL_AUTOTUNE_LEVEL=$CUBECL_AUTOTUNE_LEVEL"

# 1. Training steps in one fresh process per dtype (its first configuration's first step is
#    the "first step in a fresh process"; Burn fixes the float type per process). Batch 128
#    first (the size of tools/GPU.md's reference timing) over all models, then 32 and 256.
run_step "train f32" 130 "$SIM_RESERVE_S" \
    "$BIN" bench train --device "$DEVICE" --dtype f32 --models tcn,mmoe,mh,mmoeex --batch 128,32,256 \
    --steps 10 --warmup 2 --json "$OUT/train_f32.json"
run_step "train bf16" 100 "$SIM_RESERVE_S" \
    "$BIN" bench train --device "$DEVICE" --dtype bf16 --models tcn,mmoe,mh,mmoeex --batch 128,32,256 \
    --steps 10 --warmup 2 --json "$OUT/train_bf16.json"
# 2. Free-running inference throughput, f32, one process per model (a failure at batch 4096
#    cannot take the other model's numbers with it).
run_step "infer tcn" 50 "$SIM_RESERVE_S" \
    "$BIN" bench infer --device "$DEVICE" --dtype f32 --models tcn --batch 1,16,256,1024,4096 \
    --ms 2000 --chunk-ms 2000 --mem-gb 8 --budget-s 3 --repeat 2 --json "$OUT/infer_tcn_f32.json"
run_step "infer mmoe" 60 "$SIM_RESERVE_S" \
    "$BIN" bench infer --device "$DEVICE" --dtype f32 --models mmoe --batch 1,16,256,1024,4096 \
    --ms 1000 --budget-s 3 --repeat 2 --warmup-ms 10 --json "$OUT/infer_mmoe_f32.json"
# 3. ELM (a 500-step recurrence per window: slow steps), f32, few steps.
run_step "train elm f32" 35 "$SIM_RESERVE_S" \
    "$BIN" bench train --device "$DEVICE" --dtype f32 --models elm --batch 32,256 \
    --steps 3 --warmup 1 --json "$OUT/train_elm_f32.json"

# 4. Simulator on the CPU: one core lfdeep vs one core NEURON, then 16 bombardments on 16
#    threads. NEURON only where python3 imports it.
PP="${PYTHONPATH:-}"
for d in ${PP//:/ }; do [ -d "$d/bin" ] && export PATH="$d/bin:$PATH"; done
SIM_NEURON=(--python python3)
if ! python3 -c "import neuron" 2>/dev/null; then
    echo "python3 cannot import neuron (PYTHONPATH=${PYTHONPATH:-}): bench sim without NEURON"
    SIM_NEURON=(--no-neuron)
fi
run_step "sim" 90 0 "$BIN" bench sim --threads 16 --repeat 2 "${SIM_NEURON[@]}" --json "$OUT/sim.json"

echo "done after $(( SECONDS - start ))s; JSON in $OUT:"
ls -l "$OUT"
