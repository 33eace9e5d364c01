#!/usr/bin/env bash
# GPU benchmarks of issue #7 on the rented machine (one H100, 16 cores, no network, no Rust):
# bench train (f32, bf16), bench infer (tcn, mmoe), bench sim --threads 16 against NEURON on
# one core. Every JSON and the log go to $OUT; the whole script stays under ~8 minutes (a
# global deadline clamps each step's timeout, and the JSON files are rewritten after every
# configuration, so a step cut short keeps what it measured).
#
# Needs: the CUDA binary at .devbin/lfdeep (or .devbin/lfdeep.gz, see ../shared/tools/GPU.md),
# run from the repository root. NEURON (optional, for the sim speed-up): its wheel importable
# by python3, e.g. `pip install --target DIR neuron` done beforehand and PYTHONPATH=DIR (offline,
# carry the `find_libpython` wheel too: the H200 image lacks it and NEURON 9 imports it); the
# mechanisms of oracle/mod are compiled on first use by oracle/nrnmech.py with the nrnivmodl
# found next to python3 or on PATH (DIR/bin is added to PATH here).
# Usage: OUT=/some/dir bench/gpu_bench.sh      (env: TOTAL_S=470 to change the overall budget)
#   STAGES="first conv profile torch train burnconv infer sim" (the default; `warm`, `fresh` and `fit`
#   run only when named; the order is always first warm fresh conv profile torch train burnconv
#   infer fit sim) picks what runs:
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
#          each model of FIT_MODELS (default tcn) for FIT_S wall seconds at batch FIT_BATCH on the
#          same split (PyTorch: those of TORCH_FIT_MODELS it has, tcn mmoe), then both are
#          evaluated free-running on the same test simulations. FIT_SIM_S (200) limits the
#          simulation (FIT_ONLY_DATA=1: simulate and export, train nothing), FIT_EVAL_S (150) each
#          evaluation, FIT_EVAL_SIMS (0: all) the test simulations both sides evaluate;
#          FIT_EXTRA adds overrides to lfdeep train (e.g. data.input_upload=events); an entry
#          `label:key=value,...` of FIT_MODELS (or WARM_FIT) is one more lfdeep run of the model
#          its label starts with, with those overrides (tcn-events:data.input_upload=events).
#   MODELS, BATCHES, DTYPES narrow the train stage (defaults: tcn,mmoe,mh,mmoeex; 128,32,256;
#   "f32 bf16"); TORCH_MODELS, TORCH_DTYPES (f32,bf16) the torch stage; INFER_BATCHES the infer
#   stage (1,16,256,1024,4096) and INFER_MEM_GB (60, GB) its lfdeep TCN chunk memory; TRAIN_S the time limit of each (model, dtype) train process (130);
#   ELM_DTYPES (f32), ELM_S (35) the ELM's train processes.
#   CONV=matmul|taps|shift|burn|auto (default auto) is passed to bench train/infer; TRAIN_CONFIGS=DIR
#   gives `warm` and `train` other presets (bench train --configs DIR).
#   warm   (not in the default list) every model's kernels compiled at once: one cold `bench train` process per model,
#          dtype and group of batch sizes (WARM_BATCHES, space-separated groups, default "128,64 32,256"; the ELM's
#          WARM_ELM_BATCHES, default "32 256") and one `bench infer` per model, all in parallel, each
#          with its own empty cache (NVRTC compiles on the CPU: 16 cores, 16 compilers); then
#          `lfdeep kernels export` merges them into the bundle $KBUNDLE, `lfdeep kernels report`
#          says where the compile time went, and the bundle is imported into the cache the later
#          stages use. WARM_TRAIN="model:dtype:batches ..." names the `bench train` processes
#          instead (e.g. "mmoe:bf16:128 mh:bf16:256"; "none": no such process); WARM_INFER=0
#          drops the `bench infer` ones;
#          WARM_FIT="tcn mmoe ..." first simulates the `fit` dataset, then adds one process per
#          model that trains two steps on it and evaluates one test simulation teacher-forced (the
#          fit stage's own kernels; the free-running rollout compiles in the evaluation itself);
#   fresh  (not in the default list) what a fresh machine with the bundle sees: an empty kernel cache and an empty CUDA
#          driver cache, `lfdeep kernels import $KBUNDLE` timed, then the first step of the TCN
#          and of the MMoE (batch 128) in fresh processes;
#   KBUNDLE (default .kcache/lfdeep.bundle): the bundle `warm` writes and `fresh` reads;
#   KBUNDLE_IN=FILE[.gz]: a bundle imported into the cache before any stage (when `first` is not
#          run), and with WARM_SEED=1 into every `warm` process's cache (a second call goes on
#          compiling where the first stopped).
#   LFDEEP_MATMUL_NO_AUTOTUNE=1 (a binary from bench/build_cuda_variant.sh): every process launches
#          one heuristic matmul kernel per shape instead of autotuning ~15 candidates.
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
KBUNDLE="${KBUNDLE:-.kcache/lfdeep.bundle}"
CONV="${CONV:-auto}"
# TRAIN_CONFIGS=DIR: the presets `warm` and `train` time (bench train --configs), e.g. a copy of
# configs/ with one key changed, to time a variant with the same binary.
CONFIGS_ARG=(); [ -n "${TRAIN_CONFIGS:-}" ] && CONFIGS_ARG=(--configs "$TRAIN_CONFIGS")
INFER_BATCHES="${INFER_BATCHES:-1,16,256,1024,4096}"
# What decides the lfdeep TCN inference chunk shapes (kernels are compiled per shape): one list,
# used by the infer stage and by its warm-up in `warm`, so the two compile the same kernels.
INFER_TCN_SHAPE=(--ms 2000 --chunk-ms 2000 --mem-gb "${INFER_MEM_GB:-60}")
has() { [[ "$STAGES" == *" $1 "* ]]; }
# Compiled kernels and autotune results persist here between the processes of this script
# (see crates/nn/src/device.rs); `first` starts from an empty one on purpose.
export LFDEEP_KERNEL_CACHE="${LFDEEP_KERNEL_CACHE:-${TMPDIR:-/tmp}/lfdeep-kernels}"
DEVICE="${DEVICE:-cuda}"   # DEVICE=cpu: a dry run of the script here (slow, full sizes)
# KBUNDLE_IN=FILE imports a bundle (`lfdeep kernels export` on an earlier machine of the same GPU
# architecture) into the cache; `first` still starts cold on purpose.
if [ -n "${KBUNDLE_IN:-}" ] && [[ "$KBUNDLE_IN" == *.gz ]]; then   # as it came back from $OUT
    gunzip -c "$KBUNDLE_IN" > "${TMPDIR:-/tmp}/lfdeep-in.bundle" && KBUNDLE_IN="${TMPDIR:-/tmp}/lfdeep-in.bundle"
fi
if [ -n "${KBUNDLE_IN:-}" ] && ! has first; then
    "$BIN" kernels import "$KBUNDLE_IN"
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

# The time-to-accuracy dataset (stage `fit`, and `warm` with WARM_FIT): FIT_SIMS x FIT_MS ms
# simulated on this machine's cores, and its NPY export for the PyTorch reference.
FIT_SIMS="${FIT_SIMS:-48}" FIT_MS="${FIT_MS:-3000}" FIT_BATCH="${FIT_BATCH:-64}"
fit_data="${TMPDIR:-/tmp}/fit-data"; fit_runs="${TMPDIR:-/tmp}/fit-runs"; fit_made=0
# fit_spec SPEC: a FIT_MODELS / WARM_FIT entry, `model` or `label:override,override...` where the
# label starts with the model's name and a dash (e.g. `tcn-events:data.input_upload=events`, a
# second TCN run with that override beside the plain `tcn`). Sets label, model and overrides.
fit_spec() {
    label=${1%%:*}; model=${label%%-*}; overrides=()
    [[ "$1" == *:* ]] && IFS=, read -ra overrides <<< "${1#*:}"
    return 0
}
make_fit_data() { # RESERVE: simulated once per script run; FIT_REUSE=1 keeps an earlier call's
    if [ -d "$fit_data-npy" ] && { [ "$fit_made" = 1 ] || [ "${FIT_REUSE:-0}" = 1 ]; }; then
        echo "fit: reusing $fit_data ($(ls "$fit_data" | wc -l) entries)"; return
    fi
    rm -rf "$fit_data" "$fit_data-npy" "$fit_runs"
    run_step "fit: simulate $FIT_SIMS x $FIT_MS ms" "${FIT_SIM_S:-200}" "$1" \
        "$BIN" simulate --out "$fit_data" simulations="$FIT_SIMS" duration_ms="$FIT_MS" seed=1
    run_step "fit: export npy" 60 "$1" "$BIN" dataset export "$fit_data" --npy "$fit_data-npy"
    fit_made=1
}

echo "date: $(date -u)  host: $(hostname)"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>/dev/null || true
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; CUBECL_AUTOTUNE_LEVEL=$CUBECL_AUTOTUNE_LEVEL LFDEEP_MATMUL_NO_AUTOTUNE=${LFDEEP_MATMUL_NO_AUTOTUNE:-unset}"

# 0. The first step of a fresh process, cold and warm kernel cache.
if has first; then
    rm -rf "$LFDEEP_KERNEL_CACHE"   # emptied here; every later stage reuses what it fills
    for run in cold warm; do
        run_step "first step tcn $CONV ($run cache)" $([ $run = cold ] && echo 240 || echo 60) "$SIM_RESERVE_S" \
            "$BIN" bench train --device "$DEVICE" --dtype f32 --conv "$CONV" --models tcn --batch 128 \
            --steps 5 --warmup 1 --json "$OUT/first_tcn_${CONV}_$run.json"
    done
fi
# 0a. Every model's kernels at once (cold, in parallel), merged into one bundle.
if has warm; then
    roots="${TMPDIR:-/tmp}/lfdeep-warm"; rm -rf "$roots"; mkdir -p "$roots"
    [ -n "${WARM_FIT:-}" ] && make_fit_data "$SIM_RESERVE_S"   # before the compilers take the cores
    WARM_S=$(step_timeout "${WARM_S:-330}" "$SIM_RESERVE_S")
    echo "=== warm (timeout ${WARM_S}s each, in parallel, $(( SECONDS - start ))s elapsed)"
    t0=$SECONDS; pids=()
    warm_one() { # NAME CMD...: one cold process with its own cache, log and JSON under $OUT/warm
        local name=$1; shift
        # WARM_SEED=1: each process starts from $KBUNDLE_IN (an earlier call's bundle) and
        # compiles only what it lacks.
        ( if [ "${WARM_SEED:-0}" = 1 ] && [ -n "${KBUNDLE_IN:-}" ]; then   # ~3 s, in the background too
              LFDEEP_KERNEL_CACHE="$roots/$name" "$BIN" kernels import "$KBUNDLE_IN" > /dev/null
          fi
          LFDEEP_KERNEL_CACHE="$roots/$name" timeout --kill-after=5 "$WARM_S" "$@" > "$OUT/warm/$name.log" 2>&1
          echo "  $name: rc $? after $(( SECONDS - t0 ))s" ) &
        pids+=($!)
    }
    mkdir -p "$OUT/warm"
    # The processes of `bench train`: WARM_TRAIN="model:dtype:batches ..." names them one by one;
    # without it, every model x dtype x batch group.
    specs="${WARM_TRAIN:-}"
    if [ "$specs" = none ]; then specs=""   # WARM_TRAIN=none: no `bench train` processes
    elif [ -z "$specs" ]; then
        for dt in ${WARM_DTYPES:-${DTYPES:-f32 bf16}}; do
            for m in ${WARM_MODELS:-tcn mmoe mh mmoeex elm}; do
                groups="${WARM_BATCHES:-128,64 32,256}"; [ "$m" = elm ] && groups="${WARM_ELM_BATCHES:-32 256}"
                for b in $groups; do specs+=" $m:$dt:$b"; done   # one process per group: side by side
            done
        done
    fi
    for spec in $specs; do
        IFS=: read -r m dt b <<< "$spec"
        name="train_${m}_${dt}_${b//,/-}"
        warm_one "$name" "$BIN" bench train --device "$DEVICE" --dtype "$dt" --conv "$CONV" --models "$m" "${CONFIGS_ARG[@]}" \
            --batch "$b" --steps 1 --warmup 0 --json "$OUT/warm/$name.json"
    done
    # WARM_FIT="tcn mmoe ...": the `fit` stage's own kernels (training at FIT_BATCH, validation,
    # teacher-forced and free-running evaluation) compiled by a two-step run on its dataset.
    for spec in ${WARM_FIT:-}; do
        fit_spec "$spec"
        rm -rf "$fit_runs/warm_$label"
        warm_one "fit_$label" bash -c '"$1" train "configs/$2.toml" --data "$3" --out "$4" --device "$5" batch_size="$6" max_steps=2 "${@:7}" \
            && "$1" evaluate "$4" --data "$3" --device "$5" --max-sims 1 --no-free' fit_warm "$BIN" "$model" "$fit_data" "$fit_runs/warm_$label" "$DEVICE" "$FIT_BATCH" "${overrides[@]}"
    done
    if [ "${WARM_INFER:-1}" = 1 ]; then   # WARM_INFER=0: no `bench infer` processes
        warm_one infer_tcn_f32 "$BIN" bench infer --device "$DEVICE" --dtype f32 --conv "$CONV" --models tcn \
            --batch "$INFER_BATCHES" "${INFER_TCN_SHAPE[@]}" --budget-s 0.5 --repeat 1 --json "$OUT/warm/infer_tcn_f32.json"
        warm_one infer_mmoe_f32 "$BIN" bench infer --device "$DEVICE" --dtype f32 --conv "$CONV" --models mmoe \
            --batch "$INFER_BATCHES" --ms 20 --budget-s 1 --repeat 1 --warmup-ms 2 --json "$OUT/warm/infer_mmoe_f32.json"
    fi
    wait "${pids[@]}"
    echo "=== warm: all done after $(( SECONDS - t0 ))s"
    mkdir -p "$(dirname "$KBUNDLE")"
    from=(); for r in "$roots"/*; do [ -d "$r" ] && from+=(--from "$r"); done
    "$BIN" kernels export "$KBUNDLE" "${from[@]}" | tail -n 12
    "$BIN" kernels report "$KBUNDLE" --top 30 | tee "$OUT/kernels_report.txt"
    "$BIN" kernels import "$KBUNDLE"
fi
# 0a'. A fresh machine given the bundle: empty kernel and driver caches, import, first steps.
if has fresh; then
    [ -f "$KBUNDLE" ] || echo "fresh: no bundle at $KBUNDLE (run warm first)"
    fresh="${TMPDIR:-/tmp}/lfdeep-fresh"
    for m in ${FRESH_MODELS:-tcn mmoe}; do
        rm -rf "$fresh"; mkdir -p "$fresh/kernels" "$fresh/driver"
        LFDEEP_KERNEL_CACHE="$fresh/kernels" CUDA_CACHE_PATH="$fresh/driver" \
            run_step "fresh: import bundle" 60 "$SIM_RESERVE_S" "$BIN" kernels import "$KBUNDLE"
        LFDEEP_KERNEL_CACHE="$fresh/kernels" CUDA_CACHE_PATH="$fresh/driver" \
            run_step "fresh: first step $m f32 (bundle imported)" 90 "$SIM_RESERVE_S" \
            "$BIN" bench train --device "$DEVICE" --dtype f32 --conv "$CONV" --models "$m" --batch 128 \
            --steps 5 --warmup 1 --json "$OUT/fresh_${m}_f32.json"
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
                "$BIN" bench train --device "$DEVICE" --dtype $dt --conv "$CONV" --models "$m" "${CONFIGS_ARG[@]}" --batch "${BATCHES:-128,32,256}" \
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
    run_step "torch infer" 240 "$SIM_RESERVE_S" python3 bench/torch_bench.py infer --models tcn,mmoe --batches "$INFER_BATCHES" \
        --dtypes f32 --out "$OUT/torch_infer.json"
    run_step "infer tcn" 150 "$SIM_RESERVE_S" \
        "$BIN" bench infer --device "$DEVICE" --dtype f32 --conv "$CONV" --models tcn --batch "$INFER_BATCHES" \
        "${INFER_TCN_SHAPE[@]}" --budget-s 3 --repeat 2 --json "$OUT/infer_tcn_f32.json"
    run_step "infer mmoe" 90 "$SIM_RESERVE_S" \
        "$BIN" bench infer --device "$DEVICE" --dtype f32 --conv "$CONV" --models mmoe --batch "$INFER_BATCHES" \
        --ms 1000 --budget-s 3 --repeat 2 --warmup-ms 10 --json "$OUT/infer_mmoe_f32.json"
fi

# 4. Time to accuracy: same data, same split, same wall-clock budget, per model in FIT_MODELS;
#    the PyTorch reference trains those it has (tcn, mmoe). FIT_REUSE=1 keeps a dataset an
#    earlier call on this machine simulated.
if has fit; then
    FIT_S="${FIT_S:-120}"
    FIT_MODELS="${FIT_MODELS:-${FIT_MODEL:-tcn}}"
    data="$fit_data"; runs="$fit_runs"
    make_fit_data $(( 2 * FIT_S + 60 ))
    [ "${FIT_ONLY_DATA:-0}" = 1 ] && FIT_MODELS=""
    for spec in ${FIT_MODELS//,/ }; do
        fit_spec "$spec"; m=$label
        rm -rf "$runs/$m"
        run_step "fit: lfdeep train $m ${FIT_S}s" $(( FIT_S + 40 )) 0 \
            "$BIN" train "configs/$model.toml" --data "$data" --out "$runs/$m" --device "$DEVICE" \
            batch_size="$FIT_BATCH" train.max_seconds="$FIT_S" ${FIT_EXTRA:-} "${overrides[@]}"
        cp "$runs/$m/metrics.csv" "$OUT/fit_${m}_lfdeep_metrics.csv" 2>/dev/null
        run_step "fit: lfdeep evaluate $m" "${FIT_EVAL_S:-150}" 0 "$BIN" evaluate "$runs/$m" --data "$data" --device "$DEVICE" --max-sims "${FIT_EVAL_SIMS:-0}"
        cp "$runs/$m/eval/metrics.json" "$OUT/fit_${m}_lfdeep_eval.json" 2>/dev/null
        # The PyTorch reference trains once per model, after its first (plain) lfdeep run.
        [ "$m" = "$model" ] || continue
        case " ${TORCH_FIT_MODELS:-tcn mmoe} " in *" $m "*)
            # An incomplete store is refused by the export: say so rather than fail inside torch.
            if [ ! -f "$data-npy/metadata.json" ]; then echo "=== fit: torch $m: skipped ($data-npy has no metadata.json: the export did not finish)"; continue; fi
            run_step "fit: torch $m ${FIT_S}s" $(( FIT_S + 60 )) 0 \
                python3 bench/torch_bench.py fit --device cuda --data "$data-npy" --model "$m" --seconds "$FIT_S" \
                --batch "$FIT_BATCH" --splits "$runs/$m/splits.json" --max-sims "${FIT_EVAL_SIMS:-0}" --out "$OUT/fit_${m}_torch.json" ;;
        esac
    done
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

echo "done after $(( SECONDS - start ))s; JSON in $OUT:"
ls -l "$OUT"
