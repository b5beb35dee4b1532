#!/usr/bin/env bash
# Submits a sharded sanctions-sim run to Slurm: a job array of N shard tasks
# (shards.sbatch) and a merge job (merge.sbatch) that waits for all of them with
# --dependency=afterok. Prints "<array job id> <merge job id>" on stdout; everything
# else goes to stderr. See docs/cluster.md.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd -- "$here/../.." && pwd)

usage() {
    cat <<USAGE
usage: submit.sh [options] SCENARIO

Runs SCENARIO as N Slurm array tasks ('sanctions-sim run --shard K/N') and a dependent
merge job ('sanctions-sim merge'). All paths must be on a filesystem every node sees.

  --shards N          number of shards = array tasks (default 4)
  --work DIR          shared working folder (default ./sanctions-run); partials, result
                      and logs go to DIR/partials, DIR/result, DIR/logs unless given:
  --partials DIR      folder for the shard partials
  --out DIR           output root of the merge: the result is DIR/<scenario>/
  --logs DIR          folder for the job logs
  --bin PATH          sanctions-sim binary (default \$SIM_BIN, else
                      $repo/target/release/sanctions-sim, else sanctions-sim on PATH)
  --seed S            override the scenario's seed
  --paths N           override the scenario's paths
  --months M          override the scenario's months
  --cpus-per-task C   CPUs (and worker threads) per shard (default 1)
  --time T            time limit per job (sbatch --time)
  --partition P       partition (sbatch --partition)
  --account A         account (sbatch --account)
  --mem M             memory per job (sbatch --mem)
  --sbatch-arg ARG    extra sbatch argument for both jobs (repeatable)
  --force             replace an existing merged result folder
  -h, --help          this text
USAGE
}

die() { echo "submit.sh: error: $*" >&2; exit 1; }
need_value() { [[ $# -ge 2 && -n $2 ]] || die "$1 needs a value (see --help)"; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

shards=4 work=./sanctions-run partials='' out='' logs='' bin=${SIM_BIN:-}
seed='' paths='' months='' cpus=1 force=0 scenario=''
extra=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --shards) need_value "$@"; shards=$2; shift 2 ;;
        --work) need_value "$@"; work=$2; shift 2 ;;
        --partials) need_value "$@"; partials=$2; shift 2 ;;
        --out) need_value "$@"; out=$2; shift 2 ;;
        --logs) need_value "$@"; logs=$2; shift 2 ;;
        --bin) need_value "$@"; bin=$2; shift 2 ;;
        --seed) need_value "$@"; seed=$2; shift 2 ;;
        --paths) need_value "$@"; paths=$2; shift 2 ;;
        --months) need_value "$@"; months=$2; shift 2 ;;
        --cpus-per-task) need_value "$@"; cpus=$2; shift 2 ;;
        --time) need_value "$@"; extra+=(--time "$2"); shift 2 ;;
        --partition) need_value "$@"; extra+=(--partition "$2"); shift 2 ;;
        --account) need_value "$@"; extra+=(--account "$2"); shift 2 ;;
        --mem) need_value "$@"; extra+=(--mem "$2"); shift 2 ;;
        --sbatch-arg) need_value "$@"; extra+=("$2"); shift 2 ;;
        --force) force=1; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option '$1' (see --help)" ;;
        *) [[ -z $scenario ]] || die "one scenario per submission (got '$scenario' and '$1')"
           scenario=$1; shift ;;
    esac
done

[[ -n $scenario ]] || { usage >&2; die "no SCENARIO given"; }
[[ -f $scenario && -r $scenario ]] || die "scenario '$scenario' is not a readable file"
is_pos() { is_uint "$1" && (( $1 >= 1 )); }
is_pos "$shards" || die "--shards must be a positive integer, got '$shards'"
is_pos "$cpus" || die "--cpus-per-task must be a positive integer, got '$cpus'"
for v in seed paths months; do
    [[ -z ${!v} ]] || is_uint "${!v}" || die "--$v must be a non-negative integer, got '${!v}'"
done
if [[ -z $bin ]]; then
    if [[ -x $repo/target/release/sanctions-sim ]]; then bin=$repo/target/release/sanctions-sim
    else bin=$(command -v sanctions-sim) || die "no sanctions-sim binary: pass --bin or build it (cargo build --release)"
    fi
fi
[[ -x $bin ]] || die "--bin '$bin' is not an executable file"
command -v sbatch >/dev/null || die "sbatch not found: run this on a Slurm login node"

# Jobs run in other working directories and on other nodes: pass only absolute paths.
abs() { realpath -m -- "$1"; }
scenario=$(abs "$scenario") bin=$(abs "$bin") work=$(abs "$work")
partials=$(abs "${partials:-$work/partials}")
out=$(abs "${out:-$work/result}")
logs=$(abs "${logs:-$work/logs}")
mkdir -p -- "$partials" "$out" "$logs" || die "cannot create the work folders under '$work'"

# The binary checks the scenario anyway, but failing here costs no queue time.
"$bin" validate "$scenario" >/dev/null || die "scenario '$scenario' does not validate (run: $bin validate $scenario)"

export SIM_BIN=$bin SIM_SCENARIO=$scenario SIM_PARTIALS=$partials SIM_RESULT=$out
export SIM_SHARDS=$shards SIM_SEED=$seed SIM_PATHS=$paths SIM_MONTHS=$months SIM_FORCE=$force
export SIM_THREADS=$cpus

job_id() { local id=${1%%;*}; is_uint "$id" || die "sbatch returned '$1', not a job id"; echo "$id"; }

array_out=$(sbatch --parsable --export=ALL --array="1-$shards" --cpus-per-task="$cpus" \
    --output="$logs/shard-%A_%a.out" "${extra[@]}" "$here/shards.sbatch") \
    || die "sbatch of the shard array failed"
array_id=$(job_id "$array_out")
echo "submit.sh: shard array: job $array_id, $shards tasks of $(basename "$scenario") -> $partials" >&2

# kill-on-invalid-dep: if a shard fails the merge is cancelled rather than left pending
# forever with reason DependencyNeverSatisfied.
if ! merge_out=$(sbatch --parsable --export=ALL --dependency="afterok:$array_id" \
        --kill-on-invalid-dep=yes --cpus-per-task=1 --output="$logs/merge-%j.out" \
        "${extra[@]}" "$here/merge.sbatch"); then
    scancel "$array_id" || true
    die "sbatch of the merge job failed; cancelled the shard array $array_id"
fi
merge_id=$(job_id "$merge_out")
echo "submit.sh: merge: job $merge_id (afterok:$array_id) -> $out/<scenario>/" >&2
echo "submit.sh: logs in $logs; watch with: squeue -j $array_id,$merge_id" >&2
echo "$array_id $merge_id"
