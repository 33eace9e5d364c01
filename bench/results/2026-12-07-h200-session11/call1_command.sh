# Session 11, call 1 (one call for what was planned as three: earlier machine starts failed).
# (1) The fit dataset (64 x 3 s, seed 1) simulated on the 16 cores while both binaries compile
#     their kernels (nothing is timed until all three are done): the binary of 4353c70 (base:
#     batched matmuls, per-sample weight gradients summed) and of this session (folded matmuls),
#     each with its own kernel cache.
# (2) Training steps at batch 128, f32: PyTorch, then lfdeep (folded), then lfdeep (base).
# (3) Time to accuracy, 55 s each side at batch 64 on lfdeep's split: TCN, then MMoE; both
#     evaluated free-running on the same 2 test simulations.
# Heuristic matmul (LFDEEP_MATMUL_NO_AUTOTUNE=1) everywhere.
set -u
for f in .devbin/*.xz; do [ -x "${f%.xz}" ] || python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" "$f" "${f%.xz}"; chmod +x "${f%.xz}"; done
export CUDA_PATH=/usr/local/cuda CUBECL_AUTOTUNE_LEVEL=minimal LFDEEP_ROOT=$PWD LFDEEP_MATMUL_NO_AUTOTUNE=1
R=$OUT; C=/tmp/c1; mkdir -p $C /tmp/ta /tmp/tb; rm -rf /tmp/fit-data /tmp/fit-data-npy /tmp/fit-runs
( t0=$SECONDS; nice -n 10 .devbin/lfdeep simulate --quiet --out /tmp/fit-data simulations=64 duration_ms=3000 seed=1 threads=16 > $C/fitsim.log 2>&1
  echo "simulate rc $? after $((SECONDS-t0))s" >> $C/fitsim.log
  .devbin/lfdeep dataset export /tmp/fit-data --npy /tmp/fit-data-npy >> $C/fitsim.log 2>&1; echo "export rc $? after $((SECONDS-t0))s" >> $C/fitsim.log ) &
TMPDIR=/tmp/ta LFDEEP_KERNEL_CACHE=/tmp/kc-base KBUNDLE=/tmp/ta/k.bundle OUT=$C/wa BIN=.devbin/lfdeep-base STAGES=warm WARM_TRAIN="tcn:f32:128 mmoe:f32:128" \
  WARM_INFER=0 WARM_S=150 TOTAL_S=175 bench/gpu_bench.sh > /dev/null 2>&1 &
TMPDIR=/tmp/tb LFDEEP_KERNEL_CACHE=/tmp/kc KBUNDLE=/tmp/tb/k.bundle OUT=$C/wb STAGES=warm WARM_TRAIN="tcn:f32:128,64 mmoe:f32:128,64" \
  WARM_INFER=0 WARM_S=150 TOTAL_S=175 bench/gpu_bench.sh > /dev/null 2>&1 &
wait; echo "phase 1 done at ${SECONDS}s"; cat $C/fitsim.log | tail -3
LFDEEP_KERNEL_CACHE=/tmp/kc OUT=$C/b STAGES="torch train" TORCH_MODELS=tcn,mmoe TORCH_DTYPES=f32 BATCHES=128 MODELS=tcn,mmoe DTYPES=f32 \
  TRAIN_S=35 ELM_S=1 TOTAL_S=100 bench/gpu_bench.sh > /dev/null 2>&1
LFDEEP_KERNEL_CACHE=/tmp/kc-base OUT=$C/a BIN=.devbin/lfdeep-base STAGES=train BATCHES=128 MODELS=tcn,mmoe DTYPES=f32 \
  TRAIN_S=35 ELM_S=1 TOTAL_S=70 bench/gpu_bench.sh > /dev/null 2>&1
echo "phase 2 done at ${SECONDS}s"
LFDEEP_KERNEL_CACHE=/tmp/kc OUT=$C/f STAGES=fit FIT_REUSE=1 FIT_SIMS=64 FIT_MS=3000 FIT_MODELS="tcn mmoe" FIT_S=55 FIT_EVAL_SIMS=2 FIT_EVAL_S=70 \
  TORCH_FIT_MODELS="tcn mmoe" TOTAL_S=$((583 - SECONDS)) bench/gpu_bench.sh 2>&1 | tr '\r' '\n' > $C/fit.log
for d in wa wb b a f; do grep -h "===\|date:\|cpu:\|NVIDIA\|warm:\|  train_" $C/$d/gpu_bench.log 2>/dev/null; done | cut -c1-220
grep -h "stopped\|summary\|error" $C/fit.log | tail -8
cd /tmp && tar czf $R/call1_results.tgz --exclude='*.bundle' c1 && ls -la $R
