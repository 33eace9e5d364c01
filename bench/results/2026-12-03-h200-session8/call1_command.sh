gunzip -kf .devbin/lfdeep.gz; chmod +x .devbin/lfdeep
export CUDA_PATH=/usr/local/cuda CUBECL_AUTOTUNE_LEVEL=minimal LFDEEP_KERNEL_CACHE=/tmp/lfdeep-kernels LFDEEP_ROOT=$PWD LFDEEP_MATMUL_NO_AUTOTUNE=1
nvidia-smi --query-gpu=name,driver_version --format=csv; nproc; date -u
( t0=$SECONDS; nice -n 19 .devbin/lfdeep simulate --quiet --out /tmp/fit-data simulations=96 duration_ms=6000 seed=1 threads=16 > $OUT/fitsim.log 2>&1; echo "simulate rc $? after $((SECONDS-t0))s" >> $OUT/fitsim.log; nice -n 19 .devbin/lfdeep dataset export /tmp/fit-data --npy /tmp/fit-data-npy >> $OUT/fitsim.log 2>&1; echo "export rc $? after $((SECONDS-t0))s" >> $OUT/fitsim.log ) &
OUT=$OUT NAN_S=60 NAN_STEPS=1500 NAN_SIM_THREADS=4 bench/nan_hunt.sh
echo "nan hunt done at $SECONDS s"; wait; cat $OUT/fitsim.log; du -sh /tmp/fit-data /tmp/fit-data-npy; echo "call done at $SECONDS s"
