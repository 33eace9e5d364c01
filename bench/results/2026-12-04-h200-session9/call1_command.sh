# Session 9, call 1: the MMoE (ELU fix) against PyTorch's, 110 s each, on 64 x 6 s simulated here.
gunzip -kf .devbin/lfdeep.gz; chmod +x .devbin/lfdeep
export CUDA_PATH=/usr/local/cuda CUBECL_AUTOTUNE_LEVEL=minimal LFDEEP_KERNEL_CACHE=/tmp/lfdeep-kernels LFDEEP_ROOT=$PWD LFDEEP_MATMUL_NO_AUTOTUNE=1
rm -rf /tmp/fit-data /tmp/fit-data.partial /tmp/fit-data-npy /tmp/fit-runs
OUT=$OUT STAGES=fit FIT_SIMS=64 FIT_MS=6000 FIT_SIM_S=240 FIT_MODELS=mmoe FIT_S=110 FIT_EVAL_SIMS=2 FIT_EVAL_S=110 \
  TORCH_FIT_MODELS=mmoe TOTAL_S=585 bench/gpu_bench.sh 2>&1 | tr '\r' '\n' > $OUT/fit_mmoe.log
grep "===\|parameters, \|error\|soma\|best" $OUT/fit_mmoe.log | tail -30; echo "done at $SECONDS s"
