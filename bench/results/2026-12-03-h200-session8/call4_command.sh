gunzip -kf .devbin/lfdeep.gz; chmod +x .devbin/lfdeep
export CUDA_PATH=/usr/local/cuda CUBECL_AUTOTUNE_LEVEL=minimal LFDEEP_KERNEL_CACHE=/tmp/lfdeep-kernels LFDEEP_ROOT=$PWD LFDEEP_MATMUL_NO_AUTOTUNE=1
rm -rf /tmp/fit-data /tmp/fit-data.partial /tmp/fit-data-npy /tmp/fit-runs
( t0=$SECONDS; nice -n 19 .devbin/lfdeep simulate --quiet --out /tmp/fit-data simulations=64 duration_ms=6000 seed=1 threads=16 > $OUT/fitsim.log 2>&1; echo "simulate rc $? after $((SECONDS-t0))s" >> $OUT/fitsim.log; .devbin/lfdeep dataset export /tmp/fit-data --npy /tmp/fit-data-npy >> $OUT/fitsim.log 2>&1; echo "export rc $? after $((SECONDS-t0))s" >> $OUT/fitsim.log ) &
for v in "default train.weight_decay=1e-4" "default_again train.weight_decay=1e-4"; do set -- $v; t0=$SECONDS
timeout 80 .devbin/lfdeep train configs/mh.toml --data /tmp/nan-data --out /tmp/nan-runs/$1 --device cuda batch_size=64 max_steps=1500 train.steps_per_epoch=100 train.max_seconds=60 $2 2>&1 | tr '\r' '\n' > $OUT/nan_$1.log; echo "$1 rc ${PIPESTATUS[0]} $((SECONDS-t0))s"; grep -m1 -o "training loss became.*" $OUT/nan_$1.log || tail -1 $OUT/nan_$1.log; done
wait; cat $OUT/fitsim.log
OUT=$OUT FIT_REUSE=1 STAGES=fit FIT_MODELS=tcn FIT_S=150 FIT_EVAL_SIMS=5 TOTAL_S=$((590-SECONDS)) TORCH_FIT_MODELS=tcn bench/gpu_bench.sh 2>&1 | tr '\r' '\n' > $OUT/fit_tcn.log; grep "===\|parameters, \|error" $OUT/fit_tcn.log | tail -20; echo "done at $SECONDS s"
