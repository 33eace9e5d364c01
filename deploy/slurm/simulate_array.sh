#!/bin/bash
# A NeuronIO dataset on a Slurm cluster: one job-array task per shard, then one merge job.
#
#   sbatch --array=1-16 deploy/slurm/simulate_array.sh configs/simulate.toml simulations=2048 seed=1
#   # when all tasks have finished (or chain it: sbatch --dependency=afterok:<array job id>):
#   lfdeep dataset merge shards/shard-*-of-16.zarr --out neuronio_seed1.zarr
#   lfdeep dataset check neuronio_seed1.zarr
#
# Shard K of N owns simulations floor((K-1)*S/N) .. floor(K*S/N); simulation i's inputs
# depend only on (seed, i), so the merged store is identical to a single-machine run.
# A task killed by the scheduler (time limit, preemption) is simply resubmitted: --resume
# continues its store and redoes only the simulations that were not committed.
#SBATCH --job-name=lfdeep-simulate
#SBATCH --cpus-per-task=16
#SBATCH --mem=32G
#SBATCH --time=12:00:00
#SBATCH --requeue
set -euo pipefail
N=${SLURM_ARRAY_TASK_COUNT:?run this with sbatch --array=1-N}
K=${SLURM_ARRAY_TASK_ID:?run this with sbatch --array=1-N}
# SHARD_DIR: where the shard stores go (default ./shards). DRY_RUN=1: print the command, run nothing.
SHARD_DIR=${SHARD_DIR:-shards}
OUT=$SHARD_DIR/shard-$(printf '%03d' "$K")-of-${N}.zarr
RESUME=()
if [ -d "$OUT.partial" ]; then RESUME=(--resume); fi
CMD=(lfdeep simulate "$@" threads="${SLURM_CPUS_PER_TASK:-0}" --shard "$K/$N" --out "$OUT" --quiet "${RESUME[@]}")
if [ -n "${DRY_RUN:-}" ]; then
  printf 'array task %s/%s:' "$K" "$N"; printf ' %q' "${CMD[@]}"; printf '\n'
  exit 0
fi
mkdir -p "$SHARD_DIR"
if [ -d "$OUT" ]; then echo "$OUT is complete"; exit 0; fi
exec "${CMD[@]}"
