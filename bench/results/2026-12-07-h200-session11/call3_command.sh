# Session 11, call 3 (same machine): bf16 at batch 128, PyTorch (autocast) and lfdeep folded.
for f in .devbin/*.xz; do [ -x "${f%.xz}" ] || python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" "$f" "${f%.xz}"; chmod +x "${f%.xz}"; done
export CUDA_PATH=/usr/local/cuda CUBECL_AUTOTUNE_LEVEL=minimal LFDEEP_ROOT=$PWD LFDEEP_MATMUL_NO_AUTOTUNE=1
C=/tmp/c3; rm -rf $C; mkdir -p $C
LFDEEP_KERNEL_CACHE=/tmp/kc OUT=$C/b STAGES="torch train" TORCH_MODELS=tcn,mmoe TORCH_DTYPES=bf16 BATCHES=128 MODELS=tcn,mmoe DTYPES=bf16 TRAIN_S=110 ELM_S=1 TOTAL_S=250 bench/gpu_bench.sh > /dev/null 2>&1
cd /tmp && tar czf $OUT/call3_results.tgz c3
