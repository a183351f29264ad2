#!/bin/bash
# Submit a patrolsim sweep to Slurm: an array of SHARDS tasks (sweep.sbatch, one shard each),
# then the merge (merge.sbatch) once every task has succeeded. Prints the two job ids.
#
#   scripts/slurm/submit.sh SWEEP.toml SHARDS OUT [extra sbatch options...]
#
# PATROLSIM names the binary (default: target/release/patrolsim). Tables end in OUT/merged/;
# logs in OUT/logs/. Extra options (e.g. --partition=short --time=1:00:00) go to both jobs.
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,8p' "$0" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
sweep=$(realpath "$1"); shards=$2; out=$(realpath -m "$3"); shift 3
if ! [[ $shards =~ ^[1-9][0-9]*$ ]]; then
  echo "submit.sh: SHARDS = $shards: must be a whole number >= 1" >&2
  exit 2
fi
patrolsim=$(realpath "${PATROLSIM:-target/release/patrolsim}")
mkdir -p "$out/logs"   # Slurm does not create the log folder
env="ALL,PATROLSIM=$patrolsim,SWEEP=$sweep,OUT=$out,SHARDS=$shards"
array=$(sbatch --parsable --array="0-$((shards - 1))" --export="$env" \
  -o "$out/logs/shard-%a.out" "$@" "$here/sweep.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --export="$env" \
  -o "$out/logs/merge.out" "$@" "$here/merge.sbatch")
echo "$array ${merge%%;*}"
