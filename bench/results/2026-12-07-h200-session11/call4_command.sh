# Session 11, call 4 (same machine): the MMoE with its encoders one by one (batched_encoders =
# false), folded binary, f32, batch 128.
for f in .devbin/*.xz; do [ -x "${f%.xz}" ] || python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" "$f" "${f%.xz}"; chmod +x "${f%.xz}"; done
export CUDA_PATH=/usr/local/cuda CUBECL_AUTOTUNE_LEVEL=minimal LFDEEP_ROOT=$PWD LFDEEP_MATMUL_NO_AUTOTUNE=1
C=/tmp/c4; rm -rf $C; mkdir -p $C /tmp/cfg-ungrouped
cp configs/*.toml /tmp/cfg-ungrouped/ && sed -i 's/^batched_encoders = true/batched_encoders = false/' /tmp/cfg-ungrouped/mmoe*.toml
LFDEEP_KERNEL_CACHE=/tmp/kc OUT=$C/c STAGES=train TRAIN_CONFIGS=/tmp/cfg-ungrouped BATCHES=128 MODELS=mmoe DTYPES=f32 TRAIN_S=120 ELM_S=1 TOTAL_S=125 bench/gpu_bench.sh > /dev/null 2>&1
cd /tmp && tar czf $OUT/call4_results.tgz c4
