# Session 11, call 5 (same machine): TCN and MMoE f32 batch 128 again with both binaries (the
# repeat of call 1's A/B), then the base binary's TCN bf16 batch 128.
for f in .devbin/*.xz; do [ -x "${f%.xz}" ] || python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" "$f" "${f%.xz}"; chmod +x "${f%.xz}"; done
export CUDA_PATH=/usr/local/cuda CUBECL_AUTOTUNE_LEVEL=minimal LFDEEP_ROOT=$PWD LFDEEP_MATMUL_NO_AUTOTUNE=1
C=/tmp/c5; rm -rf $C; mkdir -p $C
LFDEEP_KERNEL_CACHE=/tmp/kc-base OUT=$C/a STAGES=train BIN=.devbin/lfdeep-base BATCHES=128 MODELS=tcn,mmoe DTYPES=f32 TRAIN_S=30 ELM_S=1 TOTAL_S=40 bench/gpu_bench.sh > /dev/null 2>&1
LFDEEP_KERNEL_CACHE=/tmp/kc OUT=$C/b STAGES=train BATCHES=128 MODELS=tcn,mmoe DTYPES=f32 TRAIN_S=30 ELM_S=1 TOTAL_S=40 bench/gpu_bench.sh > /dev/null 2>&1
LFDEEP_KERNEL_CACHE=/tmp/kc-base OUT=$C/a16 STAGES=train BIN=.devbin/lfdeep-base BATCHES=128 MODELS=tcn DTYPES=bf16 TRAIN_S=75 ELM_S=1 TOTAL_S=80 bench/gpu_bench.sh > /dev/null 2>&1
cd /tmp && tar czf $OUT/call5_results.tgz c5
