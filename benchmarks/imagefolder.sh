#!/usr/bin/env bash
# Decode-and-cache speed of dataset: imagefolder: 10,000 PNGs (32×32 RGB, 10 classes, written by
# Pillow) decoded by the first sweep, read from the cache by the second. Needs Debian's python3-pil.
# Usage: benchmarks/imagefolder.sh [images] [side]
set -euo pipefail
cd "$(dirname "$0")/.."
images=${1:-10000}
side=${2:-32}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$work/images" "$images" "$side" <<'PY'
import os, random, sys
from PIL import Image
root, count, side = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(0)
for i in range(count):
    split = "test" if (i // 10) % 5 == 0 else "train"
    d = os.path.join(root, split, f"class{i % 10}")
    os.makedirs(d, exist_ok=True)
    Image.frombytes("RGB", (side, side), random.randbytes(side * side * 3)).save(os.path.join(d, f"{i:05d}.png"))
PY
printf 'name: decode-bench\ndataset: imagefolder\ndata_dir: images\nepochs: 1\ntrain_size: 64\ntest_size: 64\nthreads: 1\ngrid:\n  lr: [0.001]\n' > "$work/s.yaml"
dotnet build src/Sweep -c Release -v q -nologo >/dev/null
run() { /usr/bin/time -f "  wall %e s" dotnet src/Sweep/bin/Release/net10.0/sweep.dll sweep "$work/s.yaml" --no-report --db "$work/$1.db" 2>&1 | grep -E "image folder|wall|error"; }
echo "$images PNGs of ${side}×${side}, $(nproc) cores"
echo "first sweep (decodes and writes the cache):"; run first
echo "second sweep (reads the cache):"; run second
