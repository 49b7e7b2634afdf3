#!/usr/bin/env bash
# A TorchScript model against the same network built from Sweep's own layers: small-cnn (conv 16,
# conv 32, linear 64) scripted by PyTorch and trained through model: torchscript, and the built-in
# small-cnn, on the same data and settings. Alternates the two ROUNDS times (default 3) and prints
# each side's median training speed (img/s, epochs 2-3) per batch size. Needs Debian's python3-torch.
#   bash benchmarks/torchscript.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$PY - "$work/small.pt" <<'PY'
import sys, torch
from torch import nn
net = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
                    nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10))
torch.jit.script(net).save(sys.argv[1])
PY
dotnet build -c Release src/Sweep -v q -nologo >/dev/null
sweep="dotnet src/Sweep/bin/Release/net10.0/sweep.dll"
for side in builtin torchscript; do
  model="model: small-cnn"; [ $side = torchscript ] && model="model: torchscript
model_file: $work/small.pt"
  cat > "$work/$side.yaml" <<YAML
name: ts-bench-$side
dataset: fashion-mnist-mini
train_size: 6000
test_size: 500
$model
epochs: 3
threads: 2
lr: 0.001
grid:
  batch_size: [16, 64]
YAML
done
for round in $(seq "${ROUNDS:-3}"); do
  for side in builtin torchscript; do
    $sweep sweep "$work/$side.yaml" --db "$work/$side-$round.db" --no-report >/dev/null
  done
done
$PY - "$work" "${ROUNDS:-3}" <<'PY'
import sqlite3, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
speeds = {}
for side in ("builtin", "torchscript"):
    for r in range(1, rounds + 1):
        for bs, ips in sqlite3.connect(f"{work}/{side}-{r}.db").execute(
                "SELECT r.batch_size, e.images_per_second FROM epochs e JOIN runs r USING (run_id) WHERE e.epoch >= 2"):
            speeds.setdefault((side, bs), []).append(ips)
print("| batch size | small-cnn (img/s) | same network as TorchScript (img/s) | built-in ÷ TorchScript |")
print("|---|---|---|---|")
for bs in (16, 64):
    a, b = statistics.median(speeds[("builtin", bs)]), statistics.median(speeds[("torchscript", bs)])
    print(f"| {bs} | {a:,.0f} | {b:,.0f} | {a / b:.2f}× |")
PY
