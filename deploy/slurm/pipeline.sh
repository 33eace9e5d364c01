#!/bin/bash
# Dataset to trained surrogate on a Slurm cluster, as three chained submissions:
#   1. an array job, one task per shard: `lfdeep simulate --shard K/N` (simulate_array.sh);
#   2. a merge job (afterok on the whole array): `lfdeep dataset merge` + `lfdeep dataset check`;
#   3. a training job (afterok on the merge): `lfdeep train` on the merged store.
#
#   deploy/slurm/pipeline.sh [options] SIM_CONFIG.toml [KEY=VALUE ...]
#
# Options (defaults in brackets):
#   --shards N            array size, shards K = 1..N                                 [16]
#   --shard-dir DIR       shard stores                                                 [shards]
#   --dataset DIR         merged store                                                 [dataset.zarr]
#   --train-config CFG    run config of the surrogate                                  [configs/mmoe.toml]
#   --run DIR             training run folder                                          [runs/pipeline]
#   --gpus G              GPUs of the training job; G > 1 trains data-parallel (--device all) [1]
#   --train-minutes M     training job time limit; train.max_seconds is set 5 min below it,
#                         so the run stops cleanly, validates and checkpoints in time    [720]
#   --train KEY=VALUE     a training override (repeatable), e.g. --train max_steps=20000
#   --dry-run             print what every array task and job would run, submit nothing
#                         (also DRY_RUN=1); needs neither Slurm nor lfdeep.
#
# Simulation KEY=VALUE overrides go to every shard (they must be the same for all: the merge
# checks it). Array tasks take their CPU count from simulate_array.sh (#SBATCH --cpus-per-task).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SHARDS=16 SHARD_DIR=shards DATASET=dataset.zarr TRAIN_CONFIG=configs/mmoe.toml RUN=runs/pipeline
GPUS=1 TRAIN_MINUTES=720 DRY=${DRY_RUN:-}
TRAIN_OVERRIDES=() SIM_ARGS=()
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' >&2; exit 2; }
need() { [ $# -ge 2 ] || { echo "pipeline.sh: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --shards) need "$@"; SHARDS=$2; shift 2 ;;
    --shard-dir) need "$@"; SHARD_DIR=$2; shift 2 ;;
    --dataset) need "$@"; DATASET=$2; shift 2 ;;
    --train-config) need "$@"; TRAIN_CONFIG=$2; shift 2 ;;
    --run) need "$@"; RUN=$2; shift 2 ;;
    --gpus) need "$@"; GPUS=$2; shift 2 ;;
    --train-minutes) need "$@"; TRAIN_MINUTES=$2; shift 2 ;;
    --train) need "$@"; TRAIN_OVERRIDES+=("$2"); shift 2 ;;
    --dry-run) DRY=1; shift ;;
    -h|--help) usage ;;
    --*) echo "pipeline.sh: unknown option $1" >&2; usage ;;
    *) SIM_ARGS+=("$1"); shift ;;
  esac
done
[ ${#SIM_ARGS[@]} -ge 1 ] || { echo "pipeline.sh: give the simulation config (e.g. configs/simulate.toml)" >&2; usage; }
for v in SHARDS GPUS TRAIN_MINUTES; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "pipeline.sh: $v must be a positive integer, got '${!v}'" >&2; exit 2; }
done
[ "$TRAIN_MINUTES" -gt 10 ] || { echo "pipeline.sh: --train-minutes must exceed 10" >&2; exit 2; }

# Shell-quoted words, for --wrap and for printing.
q() { local out= w; for w in "$@"; do out+=" $(printf '%q' "$w")"; done; printf '%s' "${out# }"; }

SHARD_PATHS=()
for ((k = 1; k <= SHARDS; k++)); do SHARD_PATHS+=("$SHARD_DIR/shard-$(printf '%03d' "$k")-of-$SHARDS.zarr"); done
MERGE_CMD="$(q lfdeep dataset merge "${SHARD_PATHS[@]}" --out "$DATASET") && $(q lfdeep dataset check "$DATASET")"
DEVICE=cuda
[ "$GPUS" -gt 1 ] && DEVICE=all
MAX_SECONDS=$(( TRAIN_MINUTES * 60 - 300 ))
TRAIN_CMD=$(q lfdeep train "$TRAIN_CONFIG" "${TRAIN_OVERRIDES[@]}" "train.max_seconds=$MAX_SECONDS" --data "$DATASET" --out "$RUN" --device "$DEVICE")
# A resubmitted training job continues its run instead of refusing an existing folder.
TRAIN_WRAP="if [ -d $(q "$RUN/checkpoints/last") ]; then $(q lfdeep train --resume "$RUN" "${TRAIN_OVERRIDES[@]}" "train.max_seconds=$MAX_SECONDS" --data "$DATASET" --device "$DEVICE"); else $TRAIN_CMD; fi"

ARRAY_SB=(sbatch --parsable "--array=1-$SHARDS" "--export=ALL,SHARD_DIR=$SHARD_DIR" "$HERE/simulate_array.sh" "${SIM_ARGS[@]}")
merge_sb() { MERGE_SB=(sbatch --parsable "--dependency=afterok:$1" --job-name=lfdeep-merge --cpus-per-task=2 --mem=16G --time=02:00:00 --wrap "$MERGE_CMD"); }
train_sb() { TRAIN_SB=(sbatch --parsable "--dependency=afterok:$1" --job-name=lfdeep-train "--gres=gpu:$GPUS" "--cpus-per-task=$((8 * GPUS))" --mem=64G "--time=$TRAIN_MINUTES" --wrap "$TRAIN_WRAP"); }

if [ -n "$DRY" ]; then
  echo "# dry run: nothing is submitted; job ids are placeholders"
  echo "job array: $(q "${ARRAY_SB[@]}") -> ARRAY_JOB_ID"
  # What each task runs, from simulate_array.sh itself (its DRY_RUN mode), with its #SBATCH CPU count.
  CPUS=$(sed -n 's/^#SBATCH --cpus-per-task=\([0-9]*\).*/\1/p' "$HERE/simulate_array.sh")
  for ((k = 1; k <= SHARDS; k++)); do
    SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=$SHARDS SLURM_CPUS_PER_TASK=${CPUS:-0} \
      SHARD_DIR=$SHARD_DIR DRY_RUN=1 bash "$HERE/simulate_array.sh" "${SIM_ARGS[@]}"
  done
  merge_sb ARRAY_JOB_ID
  echo "job merge: $(q "${MERGE_SB[@]}") -> MERGE_JOB_ID"
  echo "merge job runs: $MERGE_CMD"
  train_sb MERGE_JOB_ID
  echo "job train: $(q "${TRAIN_SB[@]}") -> TRAIN_JOB_ID"
  echo "train job runs: $TRAIN_WRAP"
  exit 0
fi

command -v sbatch >/dev/null || { echo "pipeline.sh: sbatch not found (use --dry-run to see the plan)" >&2; exit 1; }
ARRAY_ID=$("${ARRAY_SB[@]}"); ARRAY_ID=${ARRAY_ID%%;*}
merge_sb "$ARRAY_ID"; MERGE_ID=$("${MERGE_SB[@]}"); MERGE_ID=${MERGE_ID%%;*}
train_sb "$MERGE_ID"; TRAIN_ID=$("${TRAIN_SB[@]}"); TRAIN_ID=${TRAIN_ID%%;*}
echo "submitted: array $ARRAY_ID ($SHARDS shards) -> merge $MERGE_ID -> train $TRAIN_ID"
