# Session 12, call 1: time to accuracy of the TCN at 180 s per side.
# Binary: .devbin/lfdeep.xz = bench/build_cuda_variant.sh at 4353c70, strip, xz -6; its f32 code is that of
# this commit (caaced2 kept the batched convolution forms in f32, folding only bf16/f16).
# (1) The fit dataset (64 x 3 s, seed 1) simulated on the 16 cores while the binary compiles its
#     training kernels at batch 64 and 128 (TCN, MMoE; nothing is timed until both are done).
# (2) TCN: lfdeep trains 180 s, is evaluated on every test simulation (inputs only, so
#     free-running); PyTorch the same on lfdeep's split, evaluated on the same simulations.
# Heuristic matmul (LFDEEP_MATMUL_NO_AUTOTUNE=1), f32 (batched convolution forms).
set -u
for f in .devbin/*.xz; do [ -x "${f%.xz}" ] || python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" "$f" "${f%.xz}"; chmod +x "${f%.xz}"; done
export CUDA_PATH=/usr/local/cuda CUBECL_AUTOTUNE_LEVEL=minimal LFDEEP_ROOT=$PWD LFDEEP_MATMUL_NO_AUTOTUNE=1 LFDEEP_KERNEL_CACHE=/tmp/kc
R=$OUT; C=/tmp/c1; mkdir -p $C /tmp/tw; rm -rf /tmp/fit-data /tmp/fit-data-npy /tmp/fit-runs
( t0=$SECONDS; nice -n 10 .devbin/lfdeep simulate --quiet --out /tmp/fit-data simulations=64 duration_ms=3000 seed=1 threads=16 > $C/fitsim.log 2>&1
  echo "simulate rc $? after $((SECONDS-t0))s" >> $C/fitsim.log
  .devbin/lfdeep dataset export /tmp/fit-data --npy /tmp/fit-data-npy >> $C/fitsim.log 2>&1; echo "export rc $? after $((SECONDS-t0))s" >> $C/fitsim.log ) &
TMPDIR=/tmp/tw KBUNDLE=/tmp/tw/k.bundle OUT=$C/w STAGES=warm WARM_TRAIN="tcn:f32:128,64 mmoe:f32:64" \
  WARM_INFER=0 WARM_S=150 TOTAL_S=175 bench/gpu_bench.sh > /dev/null 2>&1 &
wait; echo "phase 1 done at ${SECONDS}s"; tail -3 $C/fitsim.log
OUT=$C/f STAGES=fit FIT_REUSE=1 FIT_SIMS=64 FIT_MS=3000 FIT_MODELS=tcn FIT_S=180 FIT_EVAL_SIMS=0 FIT_EVAL_S=60 \
  TORCH_FIT_MODELS=tcn TOTAL_S=$((585 - SECONDS)) bench/gpu_bench.sh 2>&1 | tr '\r' '\n' > $C/fit.log
for d in w f; do grep -h "===\|date:\|cpu:\|NVIDIA\|warm:\|  train_" $C/$d/gpu_bench.log 2>/dev/null; done | cut -c1-220
grep -h "stopped\|summary\|error" $C/fit.log | tail -8
cd /tmp && tar czf $R/call1_results.tgz --exclude='*.bundle' c1 && ls -la $R
