#!/usr/bin/env bash
# End-to-end test of the Slurm deployment on a throwaway one-node cluster on this machine:
# installs slurm-wlm and munge if missing (Debian, needs root), starts munged, slurmctld
# and slurmd from a temporary state folder, submits a 4-shard array and the merge job with
# submit.sh, and compares the merged result with a single-machine `run` of the same
# scenario, seed and paths. Prints PASS or FAIL; stops only the daemons it started.
# Not part of `cargo test` (root, minutes). See docs/cluster.md.
#
# Environment (all optional):
#   TEST_SCENARIO  scenario file (default scenarios/summit_uncertain.toml)
#   TEST_SHARDS    number of shards (default 4)
#   TEST_PATHS     paths (default 18000: shards split whole groups of 4096 paths, and
#                  18000 makes 5 groups, the last one partial, so 4 shards are all
#                  non-empty and uneven: 1, 1, 1 and 2 groups)
#   TEST_MONTHS    months (default: the scenario's)
#   TEST_SEED      seed (default 42)
#   TEST_TIMEOUT   seconds to wait for the jobs (default 900)
#   TEST_CTLD_PORT, TEST_SLURMD_PORT  ports (default 6817, 6818)
#   TEST_KEEP=1    keep the state folder (logs, results) even on PASS
#   TEST_NO_BUILD=1  skip cargo build --release
#   TEST_BIN       test this sanctions-sim binary instead of building target/release's
# Option --cluster-only: start the cluster, run the placeholder jobs, stop (no sanctions-sim).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd -- "$here/../.." && pwd)
cluster_only=0
case ${1:-} in
    "") ;;
    --cluster-only) cluster_only=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "test-local.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac

scenario=${TEST_SCENARIO:-$repo/scenarios/summit_uncertain.toml}
shards=${TEST_SHARDS:-4}
paths=${TEST_PATHS:-18000}
months=${TEST_MONTHS:-}
seed=${TEST_SEED:-42}
timeout=${TEST_TIMEOUT:-900}
ctld_port=${TEST_CTLD_PORT:-6817}
slurmd_port=${TEST_SLURMD_PORT:-6818}

log() { echo "test-local: $*"; }
fail() { echo "test-local: FAIL: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || fail "must run as root (it installs packages and starts slurmd)"

# --- 1. packages ------------------------------------------------------------------
missing=()
for cmd in munged mungekey slurmctld slurmd sbatch jq; do
    command -v "$cmd" >/dev/null || missing+=("$cmd")
done
if (( ${#missing[@]} )); then
    log "installing slurm-wlm, munge and jq (missing: ${missing[*]})"
    command -v apt-get >/dev/null || fail "apt-get not found: install slurm-wlm, munge and jq by hand"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || fail "apt-get update failed"
    apt-get install -y -qq --no-install-recommends slurm-wlm munge jq >/dev/null \
        || fail "apt-get install slurm-wlm munge jq failed"
else
    log "slurm-wlm, munge and jq already installed; skipping apt-get"
fi
log "$(slurmctld -V)"

# --- 2. binary --------------------------------------------------------------------
bin=${TEST_BIN:-$repo/target/release/sanctions-sim}
if (( ! cluster_only )); then
    if [[ -z ${TEST_BIN:-} && ${TEST_NO_BUILD:-0} != 1 ]]; then
        log "cargo build --release"
        (cd "$repo" && cargo build --release --quiet) || fail "cargo build --release failed"
    fi
    [[ -x $bin ]] || fail "no binary at $bin"
    [[ -r $scenario ]] || fail "scenario '$scenario' not readable"
    # One absolute path for both runs, so even scenario_path agrees in the manifests.
    scenario=$(realpath -- "$scenario")
    # A clear message instead of a queue of failing jobs when the binary predates issue 6.
    "$bin" merge --help >/dev/null 2>&1 \
        || fail "$bin has no 'merge' command: it needs run --shard K/N and merge (issue 6)"
fi

# --- 3. cluster config ------------------------------------------------------------
for d in slurmctld slurmd; do
    if pgrep -x "$d" >/dev/null; then
        fail "a $d is already running on this machine; stop it first (this test starts its own)"
    fi
done
state=$(mktemp -d /tmp/sanctions-slurm-test.XXXXXX)
chmod 0755 "$state"
mkdir -p "$state"/{etc,munge,log,ctld,spool,run,work}
chmod 0755 "$state/run"
chmod 0700 "$state/munge"
export SLURM_CONF=$state/etc/slurm.conf

started=()   # "name:pidfile" of every daemon this script started
keep=${TEST_KEEP:-0}
passed=0
cleanup() {
    local rc=$?
    set +e
    if [[ -e $SLURM_CONF ]] && pgrep -F "$state/run/slurmctld.pid" >/dev/null 2>&1; then
        scancel --quiet --user=root 2>/dev/null
        # Let slurmd end the job steps before it is stopped, so no slurmstepd outlives it.
        for _ in $(seq 20); do [[ -z $(squeue -h 2>/dev/null) ]] && break; sleep 0.5; done
    fi
    # Reverse order: slurmd, then slurmctld, then munged, which both need to shut down.
    local i entry name pidfile pid
    for ((i = ${#started[@]} - 1; i >= 0; i--)); do
        entry=${started[i]} name=${entry%%:*} pidfile=${entry#*:}
        pid=$(cat "$pidfile" 2>/dev/null) || continue
        [[ -n $pid ]] || continue
        kill "$pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
        echo "test-local: stopped $name (pid $pid)"
    done
    if (( passed )) && [[ $keep != 1 ]]; then
        rm -rf -- "$state"
    else
        echo "test-local: state, logs and results kept in $state"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# slurmd -C prints this machine's real node line (name, CPUs, sockets, cores, RealMemory);
# slurmd later finds its own entry by that name.
node_line=$(slurmd -C | head -n 1)
[[ $node_line == NodeName=* ]] || fail "unexpected 'slurmd -C' output: $node_line"
host=${node_line%% *}
host=${host#NodeName=}
getent hosts "$host" >/dev/null || fail "host name '$host' does not resolve (add it to /etc/hosts)"
cat >"$SLURM_CONF" <<CONF
# Generated by deploy/slurm/test-local.sh: a one-node test cluster on localhost.
ClusterName=sanctionsim-test
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state/run/munge.socket
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/run/slurmctld.pid
SlurmdPidFile=$state/run/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups in containers; track job processes by process group.
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$state/log/jobcomp.txt
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# Keep finished jobs visible to scontrol while the test reads their state.
MinJobAge=3600
$node_line State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
log "slurm.conf: $state/etc/slurm.conf; node: $node_line"

# --- 4. daemons -------------------------------------------------------------------
mungekey --create --keyfile="$state/munge/munge.key" >/dev/null || fail "mungekey failed"
chmod 0400 "$state/munge/munge.key"
# The key stays in the 0700 munge/ folder; the socket goes to run/ (0755), because munged
# refuses a socket in a folder other users cannot traverse.
munged --socket="$state/run/munge.socket" --key-file="$state/munge/munge.key" \
    --pid-file="$state/run/munged.pid" --log-file="$state/log/munged.log" \
    --seed-file="$state/munge/munged.seed" || fail "munged did not start (see $state/log/munged.log)"
started+=("munged:$state/run/munged.pid")
munge --socket="$state/run/munge.socket" -n | unmunge --socket="$state/run/munge.socket" >/dev/null \
    || fail "munge credential round trip failed (see $state/log/munged.log)"
log "munged running"

slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start (see $state/log/slurmctld.log)"
started+=("slurmctld:$state/run/slurmctld.pid")
slurmd -f "$SLURM_CONF" || fail "slurmd did not start (see $state/log/slurmd.log)"
started+=("slurmd:$state/run/slurmd.pid")

node_state=
for _ in $(seq 60); do
    node_state=$(sinfo -h -N -n "$host" -o %T 2>/dev/null || true)
    [[ $node_state == idle ]] && break
    sleep 1
done
[[ $node_state == idle ]] || fail "node $host is '$node_state', not idle after 60 s (see $state/log/)"
log "slurmctld and slurmd running; node $host idle"

# job_states ID...: one "jobid[_task] state exitcode" line per job and array task.
job_states() {
    local id
    for id in "$@"; do
        scontrol -o show job "$id" 2>/dev/null | awk '{
            id = ""; task = ""; st = ""; ec = ""
            for (i = 1; i <= NF; i++) {
                split($i, kv, "=")
                if (kv[1] == "JobId") id = kv[2]
                else if (kv[1] == "ArrayJobId") id = kv[2]
                else if (kv[1] == "ArrayTaskId") task = "_" kv[2]
                else if (kv[1] == "JobState") st = kv[2]
                else if (kv[1] == "ExitCode") ec = kv[2]
            }
            print id task, st, ec
        }'
    done | sort -V
}

# wait_jobs TIMEOUT ID...: waits until every job (array tasks included) has ended and
# prints their job_states; returns 1 on timeout.
wait_jobs() {
    local limit=$1; shift
    local t0=$SECONDS lines
    while :; do
        lines=$(job_states "$@")
        if [[ -n $lines ]] && ! awk '$2 ~ /^(PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED|RESIZING|SUSPENDED)$/ { f = 1 } END { exit !f }' <<<"$lines"; then
            echo "$lines"; return 0
        fi
        (( SECONDS - t0 < limit )) || { echo "$lines"; return 1; }
        sleep 2
    done
}

# --- 5. placeholder jobs: the cluster itself works ----------------------------------
smoke=$state/work/smoke
mkdir -p "$smoke"
# shellcheck disable=SC2016 # $SLURM_ARRAY_TASK_ID is for the job's shell, not this one
sa=$(sbatch --parsable --array=1-2 --output="$smoke/array-%a.out" --wrap='hostname; echo "task $SLURM_ARRAY_TASK_ID"')
sm=$(sbatch --parsable --dependency="afterok:$sa" --kill-on-invalid-dep=yes \
    --output="$smoke/after.out" --wrap="cat $smoke/array-1.out $smoke/array-2.out")
jobs=$(wait_jobs 120 "$sa" "$sm") || fail "placeholder jobs did not finish in 120 s: $jobs"
{ grep -q "task 1" "$smoke/after.out" && grep -q "task 2" "$smoke/after.out"; } \
    || fail "placeholder array or its dependent job produced no output: $(cat "$smoke"/*.out 2>/dev/null)"
log "placeholder array $sa (2 x hostname) and dependent job $sm: $(tr '\n' ' ' <<<"$jobs")"
if (( cluster_only )); then
    passed=1
    log "PASS (cluster only: munged, slurmctld, slurmd, job array and afterok dependency work)"
    exit 0
fi

# --- 6. the sharded run -------------------------------------------------------------
work=$state/work/run
opts=(--seed "$seed" --paths "$paths")
[[ -n $months ]] && opts+=(--months "$months")
log "submitting $shards shards of $(basename "$scenario") (${opts[*]}) with submit.sh"
t0=$SECONDS
ids=$("$here/submit.sh" --shards "$shards" --work "$work" --bin "$bin" "${opts[@]}" "$scenario") \
    || fail "submit.sh failed"
read -r array_id merge_id <<<"$ids"
jobs=$(wait_jobs "$timeout" "$array_id" "$merge_id") \
    || fail "jobs not finished after $timeout s: $(tr '\n' ';' <<<"$jobs")"
cluster_s=$((SECONDS - t0))
while read -r line; do log "  job $line"; done <<<"$jobs"
bad=$(awk '$2 != "COMPLETED" || $3 != "0:0"' <<<"$jobs")
if [[ -n $bad ]]; then
    for f in "$work"/logs/*.out; do echo "--- $f"; tail -n 20 "$f"; done >&2
    fail "jobs did not all complete: $(tr '\n' ';' <<<"$bad")"
fi
log "shard array $array_id and merge $merge_id completed in ${cluster_s} s"

# --- 7. single-machine reference ------------------------------------------------------
single=$state/work/single
t0=$SECONDS
"$bin" run "$scenario" "${opts[@]}" --out "$single" --quiet || fail "single-machine run failed"
log "single-machine run done in $((SECONDS - t0)) s"

name=$(jq -r .scenario "$single"/*/manifest.json)
ref=$single/$name
got=$work/result/$name
[[ -d $got ]] || fail "no merged result folder $got (merge wrote: $(ls "$work/result"))"
log "summary mode: $(jq -r .summary_mode "$ref/manifest.json") (single run), $(jq -r .summary_mode "$got/manifest.json") (merged)"

# --- 8. compare -----------------------------------------------------------------------
ok=1
# Paths relative to the result folder, files only (charts/ is a sub-folder).
ref_files=$(cd "$ref" && find . -type f -printf '%P\n' | sort)
got_files=$(cd "$got" && find . -type f -printf '%P\n' | sort)
if [[ $ref_files != "$got_files" ]]; then
    ok=0; log "file lists differ: single [${ref_files//$'\n'/ }] merged [${got_files//$'\n'/ }]"
fi
for f in $ref_files; do
    [[ $f == manifest.json ]] && continue
    if cmp -s "$ref/$f" "$got/$f"; then
        case $f in
            *.csv) log "identical: $f ($(wc -l <"$ref/$f") lines)" ;;
            *) log "identical: $f ($(wc -c <"$ref/$f") bytes)" ;;
        esac
    else
        ok=0; log "DIFFERENT: $f"; cmp "$ref/$f" "$got/$f" || true
    fi
done
# Fields that legitimately differ: timing, the thread count (each shard uses its own) and
# the scenario path as typed (submit.sh passes an absolute path; so does this test).
# merge also records merged_from_shards, which a single run has no reason to write; it
# must name the number of shards submitted.
ignore='del(.wall_seconds, .path_months_per_second, .threads, .scenario_path, .merged_from_shards)'
merged_from=$(jq -r '.merged_from_shards // "absent"' "$got/manifest.json")
if [[ $merged_from != "$shards" ]]; then
    ok=0; log "DIFFERENT: merged manifest.json has merged_from_shards $merged_from, expected $shards"
fi
if diff <(jq -S "$ignore" "$ref/manifest.json") <(jq -S "$ignore" "$got/manifest.json") >"$state/manifest.diff"; then
    log "identical: manifest.json except wall_seconds, path_months_per_second, threads, scenario_path" \
        "(merged_from_shards = $merged_from in the merged one)"
else
    ok=0; log "DIFFERENT: manifest.json"; cat "$state/manifest.diff"
fi
(( ok )) || fail "the merged result differs from the single-machine run (kept in $state)"
passed=1
log "PASS: $shards-shard Slurm run of $name (${opts[*]}) matches the single-machine run"
