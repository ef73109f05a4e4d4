#!/usr/bin/env bash
# The reference of bench/slurm: N jobs of `sleep 0.1` sent by a plain loop of sbatch, then squeue once a second
# until none of them is left (the same pace as the benchmark's Caravan cycles).
#   plain-loop.sh N DIR     prints "<ms until the last sbatch returned> <ms until squeue showed none>"
set -euo pipefail
n=$1
dir=$2
name=plain-$$-$RANDOM
mkdir -p "$dir"
start=$(date +%s%N)
for _ in $(seq 1 "$n"); do
  sbatch --parsable --job-name="$name" --chdir="$dir" --output="$dir/slurm-%j.out" --error="$dir/slurm-%j.err" \
    --wrap="sleep 0.1" >/dev/null
done
submitted=$(date +%s%N)
while true; do
  if left=$(squeue --noheader --me --name="$name" -o %i); then
    [ -z "$left" ] && break
  fi
  sleep 1
done
end=$(date +%s%N)
echo "$(((submitted - start) / 1000000)) $(((end - start) / 1000000))"
