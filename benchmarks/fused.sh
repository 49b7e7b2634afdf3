#!/usr/bin/env bash
# Fused against unfused training on this machine: sweep throughput (images per second summed over
# the runs) for small-cnn and seed-cnn at batch 16, 64 and 256 with K = 3 and K = 9 learning rates.
# Fused and unfused take turns, ROUNDS times (default 3), and each side's median round is
# reported: this shared machine drifts by ±15% over minutes, which a single pass mistakes for a
# difference. Prints a Markdown table. Needs Debian's python3 (sqlite3, numpy).
#   bash benchmarks/fused.sh            ROUNDS=1 bash benchmarks/fused.sh   (quick look)
#   PART=cells or PART=wall runs only the per-cell table or only the whole-sweep comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$PY benchmarks/make_cifar_like.py "$work" 256
dotnet build -c Release src/Sweep -v q -nologo >/dev/null
sweep="dotnet src/Sweep/bin/Release/net10.0/sweep.dll"
rounds=${ROUNDS:-3}
part=${PART:-all}
touch "$work/cells.txt" "$work/wall.txt"
for round in $(seq "$rounds"); do
[ "$part" = wall ] || for model in small-cnn seed-cnn; do
  for k in 3 9; do
    for bs in 16 64 256; do
      if [ $model = small-cnn ]; then data="dataset: fashion-mnist-mini
train_size: 3000"; else data="dataset: cifar10
data_dir: $work
train_size: 256"; fi
      cat > "$work/s.yaml" <<YAML
name: fused-$model-$k-$bs-$round
$data
test_size: 100
model: $model
epochs: 3
threads: 2
grid:
  lr: {logspace: [1e-4, 1e-2, $k]}
  batch_size: [$bs]
YAML
      # One database per cell: cells share run ids (K = 3's learning rates are among K = 9's), and a
      # finished run is never trained again, so a shared database would mix packs of different sizes.
      $sweep sweep "$work/s.yaml" --fuse --db "$work/fused-$model-$k-$bs-$round.db" --no-report >/dev/null
      $sweep sweep "$work/s.yaml" --db "$work/alone-$model-$k-$bs-$round.db" --no-report >/dev/null
      [ "$round" = 1 ] && echo "$model $k $bs" >> "$work/cells.txt"
    done
  done
done
# The whole small-cnn K = 9, batch 16 sweep four ways: unfused and fused, one run (or pack) at a
# time with 2 threads or two at a time with 1 each. Timed twice: the process's wall time, and the
# training span the database records (first run started to last run finished), which leaves out
# start-up and data loading but keeps evaluation, checkpoints and any idle core.
[ "$part" = cells ] && continue
cat > "$work/w.yaml" <<YAML
name: wall
dataset: fashion-mnist-mini
train_size: 3000
test_size: 100
model: small-cnn
epochs: 3
threads: 2
grid:
  lr: {logspace: [1e-4, 1e-2, 9]}
  batch_size: [16]
YAML
for mode in "unfused" "unfused --parallel 2" "fused" "fused --parallel 2, fuse_max: 5"; do
  case $mode in
    "unfused") args="" ;;
    "unfused --parallel 2") args="--parallel 2" ;;
    "fused") args="--fuse" ;;
    *) args="--fuse --parallel 2"; echo "fuse_max: 5" >> "$work/w.yaml" ;;
  esac
  rm -f "$work"/w.db*
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  $sweep sweep "$work/w.yaml" $args --db "$work/w.db" --no-report >/dev/null
  span=$($PY -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT (julianday(max(finished_at)) - julianday(min(started_at))) * 86400 FROM runs").fetchone()[0])' "$work/w.db")
  echo "$mode|$start|$(date +%s.%N)|$span" >> "$work/wall.txt"
  sed -i '/^fuse_max/d' "$work/w.yaml"
done
done
$PY - "$work" "$rounds" <<'PY'
import sqlite3, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def runs(db, name):
    c = sqlite3.connect(f"{work}/{db}")
    q = """SELECT r.run_id, e.images_per_second FROM epochs e JOIN runs r USING (run_id)
           JOIN sweep_runs sr ON sr.run_id = r.run_id JOIN sweeps s ON s.sweep_id = sr.sweep_id
           WHERE s.name = ? AND e.epoch > 1"""
    per = {}
    for run, ips in c.execute(q, (name,)):
        per.setdefault(run, []).append(ips)
    return {r: statistics.median(v) for r, v in per.items()}
if open(f"{work}/cells.txt").read():
    print("| model | K | batch | unfused img/s (sum over runs) | fused img/s (sum over runs) | fused / unfused |")
    print("|---|---|---|---|---|---|")
for line in open(f"{work}/cells.txt"):
    model, k, bs = line.split()
    fs, us = [], []
    for r in range(1, rounds + 1):
        name = f"fused-{model}-{k}-{bs}-{r}"
        fused = runs(f"fused-{model}-{k}-{bs}-{r}.db", name)
        alone = runs(f"alone-{model}-{k}-{bs}-{r}.db", name)
        # A pack trains its K runs at once: each run's rate is the pack's. Unfused runs go one after another.
        fs.append(sum(fused.values()))
        us.append(len(alone) / sum(1 / v for v in alone.values()))
    f, u = statistics.median(fs), statistics.median(us)
    print(f"| {model} | {k} | {bs} | {u:,.0f} | {f:,.0f} | {f / u:.2f} |")
walls, spans = {}, {}
for line in open(f"{work}/wall.txt"):
    mode, start, end, span = line.strip().split("|")
    walls.setdefault(mode, []).append(float(end) - float(start))
    spans.setdefault(mode, []).append(float(span))
if walls:
    base, base_span = statistics.median(walls["unfused"]), statistics.median(spans["unfused"])
    print()
    print("| small-cnn, K = 9, batch 16: 9 runs × 3 epochs × 3,000 images | process wall time | vs unfused | training span | images/s over the span | vs unfused |")
    print("|---|---|---|---|---|---|")
    for mode in walls:
        m, t = statistics.median(walls[mode]), statistics.median(spans[mode])
        print(f"| `{mode}` | {m:.1f} s | {base / m:.2f} | {t:.1f} s | {9 * 3 * 3000 / t:,.0f} | {base_span / t:.2f} |")
PY
