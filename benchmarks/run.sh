#!/usr/bin/env bash
# Sweep's trainer against the blog's PyTorch loop and PyTorch on pre-built tensors, in one run on
# this machine. Writes benchmarks/RESULTS.md and benchmarks/results.png. Not part of the tests.
#   bash benchmarks/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=2
EPOCHS=4   # the first is warm-up
PY=/usr/bin/python3

packages=(python3-torch python3-torchvision python3-matplotlib libopenblas0-pthread dataset-fashion-mnist)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "run first: sudo apt-get install ${missing[*]}"; exit 1
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$PY benchmarks/make_cifar_like.py "$work" 512

dotnet build -c Release src/Sweep -v q -nologo >/dev/null
# bench_file FILE MODEL DATA-LINES TRAIN TEST: one cell's sweep file (the three batch sizes).
bench_file() {
  cat > "$work/$1.yaml" <<YAML
name: bench-$2
$3
model: $2
train_size: $4
test_size: $5
epochs: $EPOCHS
augment: true
threads: $THREADS
lr: 0.001
grid:
  batch_size: [16, 64, 256]
YAML
}
bench_file seed seed-cnn "dataset: cifar10
data_dir: $work" 512 100
bench_file small small-cnn "dataset: fashion-mnist" 6000 1000
for f in seed small; do
  echo "Sweep: $f"
  dotnet src/Sweep/bin/Release/net10.0/sweep.dll sweep "$work/$f.yaml" --db "$work/bench.db" --no-report | grep -E "epoch $EPOCHS/$EPOCHS" || true
done

fm=/usr/share/datasets/fashion-mnist
# peer MODE MODEL DATA COUNT BATCH: one PyTorch cell. Older OpenBLAS safety settings slow a current
# BLAS, so they are unset for the peer only.
peer() {
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=$THREADS $PY benchmarks/pytorch_loop.py --mode "$1" --model "$2" \
    --data "$3" --count "$4" --batch-size "$5" --epochs $EPOCHS --threads $THREADS >> "$work/pytorch.jsonl"
}
for mode in blog tensors; do
  for bs in 16 64 256; do
    echo "PyTorch $mode: batch $bs"
    peer $mode seed-cnn "$work/cifar-10-batches-bin/data_batch_1.bin" 512 $bs
    peer $mode small-cnn "$fm/train-images-idx3-ubyte.gz,$fm/train-labels-idx1-ubyte.gz" 6000 $bs
  done
done

$PY benchmarks/summarize.py "$work/bench.db" "$work/pytorch.jsonl" benchmarks/RESULTS.md benchmarks/results.png "bash benchmarks/run.sh"
echo "wrote benchmarks/RESULTS.md and benchmarks/results.png"
