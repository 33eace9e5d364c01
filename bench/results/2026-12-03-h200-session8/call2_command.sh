gunzip -kf .devbin/lfdeep.gz; chmod +x .devbin/lfdeep
export CUDA_PATH=/usr/local/cuda CUBECL_AUTOTUNE_LEVEL=minimal LFDEEP_KERNEL_CACHE=/tmp/lfdeep-kernels LFDEEP_ROOT=$PWD LFDEEP_MATMUL_NO_AUTOTUNE=1
ls /tmp/fit-data-npy | head -3; ls /tmp/lfdeep-kernels | wc -l
t0=$SECONDS; timeout 60 .devbin/lfdeep train configs/mh.toml --data /tmp/nan-data --out /tmp/nan-runs/no_wd --device cuda batch_size=64 max_steps=1500 train.steps_per_epoch=100 train.max_seconds=40 train.weight_decay=0 2>&1 | tr '\r' '\n' > $OUT/nan_no_weight_decay.log; echo "no_weight_decay rc ${PIPESTATUS[0]} $((SECONDS-t0))s"; grep -m1 -o "training loss became.*" $OUT/nan_no_weight_decay.log || tail -2 $OUT/nan_no_weight_decay.log
OUT=$OUT FIT_REUSE=1 STAGES=fit FIT_MODELS=tcn FIT_S=210 FIT_EVAL_SIMS=5 TOTAL_S=490 TORCH_FIT_MODELS=tcn bench/gpu_bench.sh 2>&1 | tr '\r' '\n' > $OUT/fit_tcn.log; grep "===\|parameters, \|error" $OUT/fit_tcn.log | tail -20
