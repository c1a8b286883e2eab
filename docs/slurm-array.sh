#!/usr/bin/env bash
# FrameScout batch over one evidence folder as a Slurm job array of 3 tasks.
#   sbatch docs/slurm-array.sh /data/case-1234/evidence /data/case-1234/results
# Each task runs `framescout batch --shard 3`: its share (stable by path) comes from
# SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN, so --array=0-2 and --array=1-3 both work.
# A requeued task skips the files its shard already finished. When all tasks are done:
#   framescout merge RESULTS/shard-0 RESULTS/shard-1 RESULTS/shard-2 --out RESULTS/report
# (or submit that with --dependency=afterany:<this job id>).
#SBATCH --job-name=framescout
#SBATCH --array=0-2
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --requeue
set -euo pipefail
evidence=${1:?evidence folder}
results=${2:?results folder}
index=$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-0}))
status=0
framescout batch "$evidence" --scan --shard 3 --jobs "${SLURM_CPUS_PER_TASK:-2}" --quiet \
  --out "$results/shard-$index" || status=$?
# 3 means some inputs failed: they are recorded in the report, the task itself succeeded.
[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
