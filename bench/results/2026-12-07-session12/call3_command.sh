# Session 12, call 3 (same machine, warm): the models without a PyTorch reference (MH, MMoEEx,
# ELM), each trained 120 s by lfdeep on the same dataset and split, evaluated on every test
# simulation (their kernels compile inside the budget: no warm stage for them). Binary as call 1.
set -u
for f in .devbin/*.xz; do [ -x "${f%.xz}" ] || python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" "$f" "${f%.xz}"; chmod +x "${f%.xz}"; done
export CUDA_PATH=/usr/local/cuda CUBECL_AUTOTUNE_LEVEL=minimal LFDEEP_ROOT=$PWD LFDEEP_MATMUL_NO_AUTOTUNE=1 LFDEEP_KERNEL_CACHE=/tmp/kc
R=$OUT; C=/tmp/c3; rm -rf $C; mkdir -p $C
[ -f /tmp/fit-data-npy/metadata.json ] || { echo "no fit dataset (fresh machine): nothing run"; exit 3; }
OUT=$C/f STAGES=fit FIT_REUSE=1 FIT_SIMS=64 FIT_MS=3000 FIT_MODELS="mh mmoeex elm" FIT_S=120 FIT_EVAL_SIMS=0 FIT_EVAL_S=60 \
  TORCH_FIT_MODELS=none TOTAL_S=570 bench/gpu_bench.sh 2>&1 | tr '\r' '\n' > $C/fit.log
grep -h "===" $C/f/gpu_bench.log | cut -c1-200
grep -h "stopped\|summary\|error" $C/fit.log | tail -8
cd /tmp && tar czf $R/call3_results.tgz c3 && ls -la $R
