#!/usr/bin/env bash
# End-to-end proof on a real one-node Slurm cluster (munge + slurmctld + slurmd on 127.0.0.1):
# 'sweep slurm' writes the job array and merge job, Slurm runs them, and the merged database must
# equal the database of the same sweep run on one machine. Exit 0: passed; 77: Slurm cannot run
# here (skipped, with the reason); anything else: failed. Stops every daemon it started.
#   bash tests/slurm/slurm-e2e.sh [SWEEP_DLL]
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
dll=${1:-$repo/src/Sweep/bin/Debug/net10.0/sweep.dll}
skip() { echo "SKIP: $*"; exit 77; }
for tool in munged slurmctld slurmd sbatch squeue; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool is missing (sudo apt-get install slurm-wlm munge)"
done
[ "$(id -u)" = 0 ] || skip "starting munge and slurmd needs root"
[ -f "$dll" ] || { echo "FAIL: $dll is not built"; exit 1; }

work=$(mktemp -d /tmp/sweep-slurm.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  sleep 1
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
}
trap cleanup EXIT

mkdir -p "$work"/{state,spool,log,run} /run/munge
chown munge:munge /run/munge 2>/dev/null || true
cat > "$work/slurm.conf" <<CONF
ClusterName=sweeptest
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MailProg=/bin/true
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf

if ! pgrep -x munged >/dev/null; then
  runuser -u munge -- /usr/sbin/munged -F > "$work/log/munged.log" 2>&1 &
  pids+=($!)
  sleep 1
fi
slurmctld -D -f "$SLURM_CONF" > "$work/log/slurmctld.out" 2>&1 & pids+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" > "$work/log/slurmd.out" 2>&1 & pids+=($!)
for _ in $(seq 1 60); do
  sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix)' && break
  sleep 0.5
done
# The tools are installed and we are root: daemons that do not come up are a failure, not a skip.
sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix)' || { tail -20 "$work"/log/*; echo "FAIL: the Slurm daemons did not come up (logs above)"; exit 1; }
echo "slurm up: $(sinfo -h -o '%P %t %D')"

cd "$work"
cat > tiny.yaml <<YAML
name: slurm-tiny
train_size: 200
test_size: 100
epochs: 2
deterministic: true
threads: 1
grid:
  lr: [0.01, 0.001]
  batch_size: [20, 50]
YAML
dotnet "$dll" slurm tiny.yaml --shards 3 --time 00:10:00 || { echo "FAIL: sweep slurm"; exit 1; }
bash results/slurm/slurm-tiny-submit.sh || { echo "FAIL: sbatch"; exit 1; }
for _ in $(seq 1 600); do
  [ -z "$(squeue -h 2>/dev/null)" ] && break
  sleep 0.5
done
[ -z "$(squeue -h 2>/dev/null)" ] || { squeue; echo "FAIL: jobs did not finish in 5 minutes"; exit 1; }
cat results/slurm/*.out | tail -20

dotnet "$dll" sweep tiny.yaml --db single/results.db --no-report > single.log || { cat single.log; echo "FAIL: single-machine sweep"; exit 1; }
# The merged database must hold the same runs, statuses and (deterministic) metrics as one machine.
q="SELECT run_id, status, final_train_loss, final_test_loss, final_test_accuracy FROM runs ORDER BY run_id"
e="SELECT run_id, epoch, train_loss, test_loss, test_accuracy FROM epochs ORDER BY run_id, epoch"
python3 - "$work/results/results.db" "$work/single/results.db" "$q" "$e" <<'PY' || exit 1
import sqlite3, sys
merged, single, q, e = sys.argv[1:5]
a = [sqlite3.connect(merged).execute(s).fetchall() for s in (q, e)]
b = [sqlite3.connect(single).execute(s).fetchall() for s in (q, e)]
assert len(a[0]) == 4, f"merged database has {len(a[0])} runs, expected 4"
assert a == b, f"merged and single-machine databases differ:\n{a}\n{b}"
print(f"merged database equals the single-machine one: {len(a[0])} runs, {len(a[1])} epochs")
PY
# Merging again changes nothing.
before=$(python3 -c "import sqlite3; print(sqlite3.connect('results/results.db').execute('select count(*) from epochs').fetchone()[0])")
dotnet "$dll" merge results/shards/results-*-of-3.db --into results/results.db || exit 1
after=$(python3 -c "import sqlite3; print(sqlite3.connect('results/results.db').execute('select count(*) from epochs').fetchone()[0])")
[ "$before" = "$after" ] || { echo "FAIL: merging twice changed the epoch count ($before → $after)"; exit 1; }
echo "PASS: Slurm job array of 3 tasks + dependent merge job reproduced the single-machine results"
rm -rf "$work"
