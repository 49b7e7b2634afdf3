#!/usr/bin/env bash
# Runs on a GPU machine that has PyTorch (2.10 or 2.11, with CUDA) but no .NET, from the
# repository root, with the pack that pack.sh made here:
#   run(command="bash benchmarks/gpu/run.sh", carry=[".gpu-pack"], timeout_s=420)
# Every step has its own timeout and writes its log to $OUT as it goes; a .NET crash writes a
# crash report there. Ends with one table (also $OUT/table.md). Whole run: at most ~6 minutes.
# Rehearse on a CPU machine: DEVICE=cpu SWEEP_LIBTORCH=<a libtorch 2.10 lib folder> bash benchmarks/gpu/run.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
DEVICE=${DEVICE:-cuda}
PY=${PY:-python3}
DEADLINE=$(( $(date +%s) + ${BUDGET_S:-350} ))
work=$(mktemp -d)
mkdir -p "$work/dotnet" "$work/app" "$work/data"
tar -xJf .gpu-pack/dotnet.tar.xz -C "$work/dotnet" && tar -xJf .gpu-pack/app.tar.xz -C "$work/app" || { echo "no pack: run bash benchmarks/gpu/pack.sh first"; exit 1; }
export DOTNET_ROOT="$work/dotnet" PATH="$work/dotnet:$PATH" DOTNET_CLI_TELEMETRY_OPTOUT=1
export SWEEP_LIBTORCH=${SWEEP_LIBTORCH:-$($PY -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')}
export DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpType=1 DOTNET_EnableCrashReport=1 DOTNET_DbgMiniDumpName="$OUT/crash-%p.dmp"
SWEEP=("$work/dotnet/dotnet" "$work/app/sweep.dll")
rows=()
# step NAME SECONDS COMMAND…: runs with the smaller of its own timeout and what is left of the budget.
step() {
  local name=$1 limit=$2; shift 2
  local left=$(( DEADLINE - $(date +%s) ))
  (( left < limit )) && limit=$left
  if (( limit < 5 )); then echo "$name: skipped (out of time)" | tee -a "$OUT/steps.log"; return 124; fi
  local start=$(date +%s.%N)
  timeout -k 5 "$limit" "$@" > "$OUT/$name.log" 2>&1
  local rc=$?
  printf '%s: exit %s in %.1f s\n' "$name" "$rc" "$(echo "$(date +%s.%N) - $start" | bc)" | tee -a "$OUT/steps.log"
  return $rc
}
sql() { $PY -c 'import sqlite3, sys; print("\n".join("|".join(str(v) for v in r) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])))' "$@"; }

step info 30 bash -c "nvidia-smi -L; $PY -c 'import torch; print(\"torch\", torch.__version__, \"cuda\", torch.version.cuda, torch.cuda.is_available())'; echo SWEEP_LIBTORCH=$SWEEP_LIBTORCH"
rows+=("| environment | $(tr '\n' ' ' < "$OUT/info.log" | cut -c1-200) |")

# 1. Smoke: 2 lr × 2 batch sizes, small-cnn, 2 epochs: finite losses, used_device as asked.
cat > "$work/smoke.yaml" <<YAML
name: gpu-smoke
dataset: fashion-mnist-mini
train_size: 2000
test_size: 500
model: small-cnn
epochs: 2
device: $DEVICE
grid:
  lr: [0.01, 0.001]
  batch_size: [16, 64]
YAML
step smoke 60 "${SWEEP[@]}" sweep "$work/smoke.yaml" --db "$work/smoke.db" --no-report
smoke=$(sql "$work/smoke.db" "SELECT count(*), sum(status='completed'), sum(final_test_loss BETWEEN 0 AND 100), group_concat(DISTINCT used_device) FROM runs" 2>&1)
rows+=("| smoke sweep (4 runs, small-cnn, 2 epochs) | runs, completed, finite test loss, used_device: $smoke |")

# 2. CPU twin: the same run on the CPU and on the device sees the same batches (same first-epoch loss up to float rounding).
for d in cpu "$DEVICE"; do
  sed -e "s/^device: .*/device: $d/" -e 's/lr: \[0.01, 0.001\]/lr: [0.001]/' -e 's/batch_size: \[16, 64\]/batch_size: [64]/' -e 's/^epochs: 2/epochs: 1/' -e "s/^name: .*/name: twin-$d/" "$work/smoke.yaml" > "$work/twin-$d.yaml"
  step "twin-$d" 60 "${SWEEP[@]}" sweep "$work/twin-$d.yaml" --db "$work/twin-$d.db" --no-report
done
twin=$(for d in cpu "$DEVICE"; do sql "$work/twin-$d.db" "SELECT printf('%.6f', train_loss) FROM epochs" 2>&1; done | tr '\n' ' ')
rows+=("| CPU twin: epoch-1 train loss, cpu then $DEVICE | $twin |")

# 3. seed-cnn on CIFAR-shaped data: Sweep against PyTorch's blog loop and a device-resident loop.
$PY benchmarks/make_cifar_like.py "$work/data" 4096 > /dev/null
cat > "$work/seed.yaml" <<YAML
name: gpu-seed
dataset: cifar10
data_dir: $work/data
train_size: 4096
test_size: 100
model: seed-cnn
epochs: 3
augment: true
lr: 0.001
device: $DEVICE
grid:
  batch_size: [16, 64, 256]
YAML
step seed-sweep 90 "${SWEEP[@]}" sweep "$work/seed.yaml" --db "$work/seed.db" --no-report
for bs in 16 64 256; do
  ours=$(sql "$work/seed.db" "SELECT printf('%.0f', e.images_per_second) FROM epochs e JOIN runs r USING (run_id) WHERE r.batch_size = $bs AND e.epoch = 3" 2>/dev/null)
  for mode in blog tensors; do
    step "pytorch-$mode-$bs" 30 $PY benchmarks/gpu/pytorch_gpu.py --data "$work/data/cifar-10-batches-bin/data_batch_1.bin" --count "${PY_COUNT:-4096}" --batch-size "$bs" --mode "$mode" --device "$DEVICE"
  done
  blog=$($PY -c 'import json, sys; print("%.0f" % json.loads(open(sys.argv[1]).read().split("\n")[-2])["images_per_second"])' "$OUT/pytorch-blog-$bs.log" 2>/dev/null)
  tensors=$($PY -c 'import json, sys; print("%.0f" % json.loads(open(sys.argv[1]).read().split("\n")[-2])["images_per_second"])' "$OUT/pytorch-tensors-$bs.log" 2>/dev/null)
  ratio=$($PY -c 'import sys; a, b, c = (float(x) for x in sys.argv[1:]); print("%.2f× resident, %.2f× blog" % (a / c, a / b))' "${ours:-0}" "${blog:-1}" "${tensors:-1}" 2>/dev/null)
  rows+=("| seed-cnn batch $bs, img/s: Sweep / PyTorch blog loop / PyTorch resident | ${ours:-?} / ${blog:-?} / ${tensors:-?} ($ratio) |")
done

# 4. Fused K = 9 small-cnn at batch 16 against the nine runs one by one (wall time of the sweep).
cat > "$work/fused.yaml" <<YAML
name: gpu-fused
dataset: fashion-mnist-mini
train_size: 3000
test_size: 100
model: small-cnn
epochs: 3
device: $DEVICE
grid:
  lr: {logspace: [1e-4, 1e-2, 9]}
  batch_size: [16]
YAML
for mode in alone fused; do
  args=(); [ $mode = fused ] && args=(--fuse)
  step "fused-$mode" 120 "${SWEEP[@]}" sweep "$work/fused.yaml" "${args[@]}" --db "$work/fused-$mode.db" --no-report
done
span() { sql "$1" "SELECT printf('%.1f', (julianday(max(finished_at)) - julianday(min(started_at))) * 86400) FROM runs" 2>/dev/null; }
a=$(span "$work/fused-alone.db"); f=$(span "$work/fused-fused.db")
rows+=("| fused K=9 small-cnn batch 16: training span one by one / fused (s) | ${a:-?} / ${f:-?} ($($PY -c 'import sys; print("%.2f×" % (float(sys.argv[1]) / float(sys.argv[2])))' "${a:-0}" "${f:-1}" 2>/dev/null)) |")

# 5. deterministic: true on the device: libtorch refuses some kernels there; the run must say which, not crash.
sed -e 's/^name: .*/name: gpu-det/' -e 's/^epochs: 2/epochs: 1/' "$work/smoke.yaml" > "$work/det.yaml"; echo "deterministic: true" >> "$work/det.yaml"
step deterministic 60 "${SWEEP[@]}" sweep "$work/det.yaml" --db "$work/det.db" --no-report; rc=$?
det=$(sql "$work/det.db" "SELECT status || ': ' || coalesce(substr(error, 1, 160), '') FROM runs" 2>&1 | sort | uniq -c | tr '\n' ' ')
rows+=("| deterministic: true on $DEVICE (exit $rc) | $det $(grep -m1 -i 'determinis' "$OUT/deterministic.log" | cut -c1-200) |")

ls "$OUT"/crash-* >/dev/null 2>&1 && rows+=("| crash reports | $(ls "$OUT"/crash-* | xargs -n1 basename | tr '\n' ' ') |")
{
  echo "| step | result |"
  echo "|---|---|"
  printf '%s\n' "${rows[@]}"
} | tee "$OUT/table.md"
