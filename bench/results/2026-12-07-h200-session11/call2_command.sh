# Session 11, call 2 (same machine, right after call 1; caches /tmp/kc and /tmp/kc-base from it):
# training steps at batches 32 and 256, PyTorch f32 and bf16, lfdeep folded (every model f32)
# and base (TCN, MMoE f32). (A first try without the unpacking line found no binary.)
for f in .devbin/*.xz; do [ -x "${f%.xz}" ] || python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" "$f" "${f%.xz}"; chmod +x "${f%.xz}"; done
export CUDA_PATH=/usr/local/cuda CUBECL_AUTOTUNE_LEVEL=minimal LFDEEP_ROOT=$PWD LFDEEP_MATMUL_NO_AUTOTUNE=1
C=/tmp/c2; rm -rf $C; mkdir -p $C
LFDEEP_KERNEL_CACHE=/tmp/kc OUT=$C/b STAGES="torch train" TORCH_MODELS=tcn,mmoe TORCH_DTYPES=f32,bf16 BATCHES=32,256 MODELS=tcn,mmoe,mh,mmoeex DTYPES=f32 TRAIN_S=60 ELM_S=1 TOTAL_S=240 bench/gpu_bench.sh > /dev/null 2>&1
LFDEEP_KERNEL_CACHE=/tmp/kc-base OUT=$C/a BIN=.devbin/lfdeep-base STAGES=train BATCHES=32,256 MODELS=tcn,mmoe DTYPES=f32 TRAIN_S=60 ELM_S=1 TOTAL_S=120 bench/gpu_bench.sh > /dev/null 2>&1
cd /tmp && tar czf $OUT/call2_results.tgz c2
