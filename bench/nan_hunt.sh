#!/usr/bin/env bash
# Which operation makes a model's training loss turn NaN (issue #7): the MH preset trained for
# NAN_S seconds (at most NAN_STEPS steps) once per variant, on one dataset, each run stopped by
# its first non-finite loss. The trainer's error then names the step, the five losses before it,
# whether parameters or batch were already non-finite, and the loss of the same batch replayed
# through the model from before the step. Written to hunt the NaN of MH and MMoE on the H200; its
# runs ruled out dropout, weight norm and weight decay, and `train.check_gradients=true` then
# found the cause on the CPU (Burn's ELU backward, BENCHMARKS.md, eighth session). Kept to check
# that a model trains through the batches that used to fail.
#
# Variants (NAN_VARIANTS, space-separated; the default runs all three):
#   default          configs/mh.toml as it is (residual encoder, weight norm, dropout 0.2)
#   no_dropout       model.encoder.dropout=0
#   no_weight_norm   model.encoder.weight_norm=false
# Usage (on the GPU machine, binary unpacked as for gpu_bench.sh):
#   OUT=DIR bench/nan_hunt.sh        NAN_MODEL=mmoe for the MMoE preset instead
#   NAN_EXTRA="train.check_gradients=true ..." adds overrides to every run (that one stops at
#   the first step whose gradients hold a NaN and names the parameters they belong to).
#   NAN_DATA=DIR trains on an existing dataset instead of simulating one (the NaN depends on
#   the data: on H200s the MMoE failed at step 62 of 64 x 6 s every time, MH ran through it).
# Writes DIR/nan_<variant>.log (progress, \r-separated lines turned into newlines),
# DIR/nan_<variant>_metrics.csv and DIR/nan_summary.txt (one line per variant).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.devbin/lfdeep}"
OUT="${OUT:?set OUT to a folder for the logs}"
DEVICE="${DEVICE:-cuda}"
NAN_MODEL="${NAN_MODEL:-mh}" NAN_S="${NAN_S:-60}" NAN_STEPS="${NAN_STEPS:-400}" NAN_BATCH="${NAN_BATCH:-64}"
NAN_SIMS="${NAN_SIMS:-16}" NAN_MS="${NAN_MS:-3000}" NAN_SIM_THREADS="${NAN_SIM_THREADS:-0}"
NAN_VARIANTS="${NAN_VARIANTS:-default no_dropout no_weight_norm}"
read -r -a nan_extra <<< "${NAN_EXTRA:-}"
data="${NAN_DATA:-${TMPDIR:-/tmp}/nan-data}"; runs="${TMPDIR:-/tmp}/nan-runs"
mkdir -p "$OUT"
if [ ! -d "$data" ]; then
    echo "=== simulate $NAN_SIMS x $NAN_MS ms"
    "$BIN" simulate --quiet --out "$data" simulations="$NAN_SIMS" duration_ms="$NAN_MS" seed=1 threads="$NAN_SIM_THREADS" || exit 1
fi
: > "$OUT/nan_summary.txt"
for v in $NAN_VARIANTS; do
    case "$v" in
        default) extra=() ;;
        no_dropout) extra=(model.encoder.dropout=0) ;;
        no_weight_norm) extra=(model.encoder.weight_norm=false) ;;
        *) echo "unknown variant $v (default, no_dropout, no_weight_norm)" >&2; exit 2 ;;
    esac
    rm -rf "${runs:?}/$v"
    echo "=== $v: $NAN_MODEL, ${NAN_S}s or $NAN_STEPS steps, batch $NAN_BATCH ${extra[*]}"
    t0=$SECONDS
    timeout --kill-after=5 $(( NAN_S + 60 )) "$BIN" train "configs/$NAN_MODEL.toml" --data "$data" --out "$runs/$v" --device "$DEVICE" \
        batch_size="$NAN_BATCH" max_steps="$NAN_STEPS" train.steps_per_epoch=100 train.max_seconds="$NAN_S" "${extra[@]}" "${nan_extra[@]}" 2>&1 \
        | tr '\r' '\n' > "$OUT/nan_$v.log"
    rc=${PIPESTATUS[0]}
    cp "$runs/$v/metrics.csv" "$OUT/nan_${v}_metrics.csv" 2>/dev/null
    outcome=$(grep -m1 -o -E "(training loss became|the gradients of step).*" "$OUT/nan_$v.log" || grep -m1 "parameters, .* steps" "$OUT/nan_$v.log" || tail -1 "$OUT/nan_$v.log")
    echo "$v (rc $rc, $(( SECONDS - t0 ))s): $outcome" | tee -a "$OUT/nan_summary.txt"
done
