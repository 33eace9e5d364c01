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
#   STAGES="first conv profile torch train burnconv infer sim" (default: all; always run in this order) picks what runs:
#   first  the first training step of a fresh process: TCN batch 128, --conv $CONV with an empty
#          kernel cache (cold), then the same again (warm: compiled kernels and autotune results
#          from the cold run's cache);
#   conv   the TCN training step (f32, batch 128) with each GPU convolution form (CONVS,
#          default "matmul shift taps"), one process each, for the contrast;
#   profile  CubeCL's per-kernel timings of TCN steps (f32, batch 128), summed per kernel name
#          into profile_tcn_top.txt;
#   train  bench train f32 and bf16 over every model and batch 128, 32, 256;
#   torch  the PyTorch reference training steps (f32, bf16);
#   burnconv  --conv burn (Burn's conv1d kernels), cold cache, with CubeCL's autotune and
#          compilation logs, to show where its first step goes;
#   infer  bench infer tcn and mmoe, and the PyTorch reference's inference;
#   sim    bench sim --threads 16 against NEURON on one core;
#   fit    time to accuracy (not in the default list): a FIT_SIMS x FIT_MS dataset simulated on
#          this machine's cores, then lfdeep (Burn CUDA) and the PyTorch reference each train
#          FIT_MODEL for FIT_S wall seconds at batch FIT_BATCH on the same split, then both are
#          evaluated free-running on the same test simulations.
#   MODELS, BATCHES, DTYPES narrow the train stage (defaults: tcn,mmoe,mh,mmoeex; 128,32,256;
#   "f32 bf16"); TORCH_MODELS, TORCH_DTYPES (f32,bf16) the torch stage; INFER_BATCHES the infer
#   stage (1,16,256,1024,4096) and INFER_MEM_GB (8) its lfdeep TCN chunk memory; TRAIN_S the time limit of each (model, dtype) train process (130);
#   ELM_DTYPES (f32), ELM_S (35) the ELM's train processes.
#   CONV=matmul|taps|shift|burn|auto (default auto) is passed to bench train/infer.
#   KCACHE_IN / KCACHE_OUT: a packed kernel cache (.tgz) to start from / to write at the end.
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
STAGES=" ${STAGES:-first conv profile torch train burnconv infer sim} "
CONV="${CONV:-auto}"
has() { [[ "$STAGES" == *" $1 "* ]]; }
# Compiled kernels and autotune results persist here between the processes of this script
# (see crates/nn/src/device.rs); `first` starts from an empty one on purpose.
export LFDEEP_KERNEL_CACHE="${LFDEEP_KERNEL_CACHE:-${TMPDIR:-/tmp}/lfdeep-kernels}"
DEVICE="${DEVICE:-cuda}"   # DEVICE=cpu: a dry run of the script here (slow, full sizes)
# KCACHE_IN=FILE.tgz seeds an empty kernel cache (one packed by KCACHE_OUT on an earlier machine
# of the same GPU and driver); `first` still starts cold on purpose.
if [ -n "${KCACHE_IN:-}" ] && [ ! -d "$LFDEEP_KERNEL_CACHE" ] && ! has first; then
    mkdir -p "$LFDEEP_KERNEL_CACHE" && tar -C "$LFDEEP_KERNEL_CACHE" -xzf "$KCACHE_IN" \
        && echo "kernel cache seeded from $KCACHE_IN ($(du -sh "$LFDEEP_KERNEL_CACHE" | cut -f1))"
fi

TOTAL_S="${TOTAL_S:-470}"
SIM_RESERVE_S=0; has sim && SIM_RESERVE_S=75   # kept for the CPU simulator step at the end
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

# 0. The first step of a fresh process, cold and warm kernel cache.
if has first; then
    rm -rf "$LFDEEP_KERNEL_CACHE"   # emptied here; every later stage reuses what it fills
    for run in cold warm; do
        run_step "first step tcn $CONV ($run cache)" $([ $run = cold ] && echo 240 || echo 60) "$SIM_RESERVE_S" \
            "$BIN" bench train --device "$DEVICE" --dtype f32 --conv "$CONV" --models tcn --batch 128 \
            --steps 5 --warmup 1 --json "$OUT/first_tcn_${CONV}_$run.json"
    done
fi
# 0b. The TCN step with each convolution form (kernels new to a form are compiled in its process).
if has conv; then
    for c in ${CONVS:-matmul shift taps}; do
        run_step "train tcn f32 conv $c" 60 "$SIM_RESERVE_S" \
            "$BIN" bench train --device "$DEVICE" --dtype f32 --conv "$c" --models tcn --batch 128 \
            --steps 10 --warmup 2 --json "$OUT/conv_tcn_$c.json"
    done
fi

# 0c. Where a TCN step's time goes: CubeCL's profiler times every kernel launch (each one
#     synchronised, so the sum exceeds a normal step); summed by kernel name over the steps.
if has profile; then
    printf '[profiling.logger]\nlevel = "basic"\nfile = "%s"\n' "$OUT/profile_tcn.log" > cubecl.toml
    run_step "profile tcn f32 conv $CONV" 90 "$SIM_RESERVE_S" \
        "$BIN" bench train --device "$DEVICE" --dtype f32 --conv "$CONV" --models tcn --batch 128 \
        --steps 3 --warmup 1 --json "$OUT/profile_tcn.json"
    rm -f cubecl.toml
    if [ -f "$OUT/profile_tcn.log" ]; then
        # Lines "| 1.234ms    | name": the duration in ms, summed (and counted) per name.
        awk -F'|' 'NF >= 3 { d=$2; gsub(/ /, "", d); v=d+0; u=d; sub(/^[0-9.]+/, "", u);
            f = (u == "s") ? 1000 : (u == "ms") ? 1 : (u == "µs" || u == "us") ? 0.001 : (u == "ns") ? 1e-6 : 0;
            n=$3; gsub(/^ +| +$/, "", n); n=substr(n, 1, 110); t[n] += v * f; c[n]++; all += v * f }
            END { printf "%10.2f ms  all kernels\n", all; for (k in t) printf "%10.2f ms %7d x  %s\n", t[k], c[k], k }' \
            "$OUT/profile_tcn.log" | sort -rn | head -45 > "$OUT/profile_tcn_top.txt"
        cat "$OUT/profile_tcn_top.txt"
        gzip -f "$OUT/profile_tcn.log"
    fi
fi

# 1. The PyTorch reference training steps, in the same call as lfdeep's.
if has torch; then
    run_step "torch train" 120 "$SIM_RESERVE_S" python3 bench/torch_bench.py train --models "${TORCH_MODELS:-tcn,mmoe}" \
        --batches "${BATCHES:-128,32,256}" --dtypes "${TORCH_DTYPES:-f32,bf16}" --steps 20 --out "$OUT/torch_train.json"
fi

# 2. Training steps in one fresh process per dtype (its first configuration's first step is
#    the "first step in a fresh process"; Burn fixes the float type per process). Batch 128
#    first (the size of tools/GPU.md's reference timing) over all models, then 32 and 256.
if has train; then
    # One process per model and dtype: a model still compiling its first step when its limit
    # runs out (the MMoE took > 280 s cold on an H200) costs no other model its numbers.
    MODEL_LIST="${MODELS:-tcn,mmoe,mh,mmoeex}"
    for dt in ${DTYPES:-f32 bf16}; do
        for m in ${MODEL_LIST//,/ }; do
            run_step "train $m $dt" "${TRAIN_S:-130}" "$SIM_RESERVE_S" \
                "$BIN" bench train --device "$DEVICE" --dtype $dt --conv "$CONV" --models "$m" --batch "${BATCHES:-128,32,256}" \
                --steps 10 --warmup 2 --json "$OUT/train_${m}_$dt.json"
        done
    done
    # The ELM steps through its 500 ms window one ms at a time: few, slow steps.
    for dt in ${ELM_DTYPES:-f32}; do
        run_step "train elm $dt" "${ELM_S:-35}" "$SIM_RESERVE_S" \
            "$BIN" bench train --device "$DEVICE" --dtype $dt --models elm --batch 32,256 \
            --steps 3 --warmup 1 --json "$OUT/train_elm_$dt.json"
    done
fi
# 2b. Burn's own conv1d for contrast: its first step, cold, with CubeCL's autotune log.
if has burnconv; then
    printf '[autotune.logger]\nlevel = "full"\nfile = "%s"\n[compilation.logger]\nlevel = "basic"\nfile = "%s"\n' \
        "$OUT/burn_conv_autotune.log" "$OUT/burn_conv_compile.log" > cubecl.toml
    LFDEEP_KERNEL_CACHE="${TMPDIR:-/tmp}/kc-burn" run_step "first step tcn burn conv1d (cold cache)" 120 "$SIM_RESERVE_S" \
        "$BIN" bench train --device "$DEVICE" --dtype f32 --conv burn --models tcn --batch 128 \
        --steps 3 --warmup 1 --json "$OUT/first_tcn_burn_cold.json"
    rm -f cubecl.toml
    wc -l "$OUT"/burn_conv_*.log 2>/dev/null
fi
# 3. Free-running inference throughput, f32, one process per model (a failure at batch 4096
#    cannot take the other model's numbers with it).
if has infer; then
    run_step "torch infer" 90 "$SIM_RESERVE_S" python3 bench/torch_bench.py infer --models tcn,mmoe --batches 1,256,4096 \
        --dtypes f32 --out "$OUT/torch_infer.json"
    run_step "infer tcn" 150 "$SIM_RESERVE_S" \
        "$BIN" bench infer --device "$DEVICE" --dtype f32 --conv "$CONV" --models tcn --batch "${INFER_BATCHES:-1,16,256,1024,4096}" \
        --ms 2000 --chunk-ms 2000 --mem-gb "${INFER_MEM_GB:-8}" --budget-s 3 --repeat 2 --json "$OUT/infer_tcn_f32.json"
    run_step "infer mmoe" 90 "$SIM_RESERVE_S" \
        "$BIN" bench infer --device "$DEVICE" --dtype f32 --conv "$CONV" --models mmoe --batch "${INFER_BATCHES:-1,16,256,1024,4096}" \
        --ms 1000 --budget-s 3 --repeat 2 --warmup-ms 10 --json "$OUT/infer_mmoe_f32.json"
fi

# 4. Time to accuracy: same data, same split, same wall-clock budget.
if has fit; then
    FIT_SIMS="${FIT_SIMS:-48}" FIT_MS="${FIT_MS:-3000}" FIT_S="${FIT_S:-120}" FIT_MODEL="${FIT_MODEL:-tcn}" FIT_BATCH="${FIT_BATCH:-64}"
    data="${TMPDIR:-/tmp}/fit-data"; runs="${TMPDIR:-/tmp}/fit-runs"; rm -rf "$data" "$data-npy" "$runs"
    run_step "fit: simulate $FIT_SIMS x $FIT_MS ms" 200 $(( 2 * FIT_S + 60 )) \
        "$BIN" simulate --out "$data" simulations="$FIT_SIMS" duration_ms="$FIT_MS" seed=1
    run_step "fit: lfdeep train $FIT_MODEL ${FIT_S}s" $(( FIT_S + 60 )) $(( FIT_S + 30 )) \
        "$BIN" train "configs/$FIT_MODEL.toml" --data "$data" --out "$runs/$FIT_MODEL" --device "$DEVICE" \
        batch_size="$FIT_BATCH" train.max_seconds="$FIT_S"
    cp "$runs/$FIT_MODEL/metrics.csv" "$OUT/fit_lfdeep_metrics.csv" 2>/dev/null
    run_step "fit: lfdeep evaluate" 60 $(( FIT_S + 20 )) \
        "$BIN" evaluate "$runs/$FIT_MODEL" --data "$data" --device "$DEVICE"
    cp "$runs/$FIT_MODEL/eval/metrics.json" "$OUT/fit_lfdeep_eval.json" 2>/dev/null
    run_step "fit: export npy" 60 $(( FIT_S + 10 )) "$BIN" dataset export "$data" --npy "$data-npy"
    run_step "fit: torch $FIT_MODEL ${FIT_S}s" $(( FIT_S + 60 )) 0 \
        python3 bench/torch_bench.py fit --device cuda --data "$data-npy" --model "$FIT_MODEL" --seconds "$FIT_S" \
        --batch "$FIT_BATCH" --splits "$runs/$FIT_MODEL/splits.json" --out "$OUT/fit_torch.json"
fi

# 5. Simulator on the CPU: one core lfdeep vs one core NEURON, then 16 bombardments on 16
#    threads. NEURON only where python3 imports it.
PP="${PYTHONPATH:-}"
for d in ${PP//:/ }; do [ -d "$d/bin" ] && export PATH="$d/bin:$PATH"; done
SIM_NEURON=(--python python3)
if ! python3 -c "import neuron" 2>/dev/null; then
    echo "python3 cannot import neuron (PYTHONPATH=${PYTHONPATH:-}): bench sim without NEURON"
    SIM_NEURON=(--no-neuron)
fi
has sim && run_step "sim" 90 0 "$BIN" bench sim --threads 16 --repeat 2 "${SIM_NEURON[@]}" --json "$OUT/sim.json"

# KCACHE_OUT=FILE.tgz packs the kernel cache for the next machine (call 1 of 2026-12-02's second
# session: 81 MB, 7.7 MB packed).
if [ -n "${KCACHE_OUT:-}" ] && [ -d "$LFDEEP_KERNEL_CACHE" ]; then
    tar -C "$LFDEEP_KERNEL_CACHE" -czf "$KCACHE_OUT" . && ls -l "$KCACHE_OUT"
fi
echo "done after $(( SECONDS - start ))s; JSON in $OUT:"
ls -l "$OUT"
