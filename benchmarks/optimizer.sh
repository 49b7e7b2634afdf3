#!/usr/bin/env bash
# The seed CNN's training step on this machine, in one run per thread count: the measured
# single-precision matrix-multiply throughput (the ceiling), whole-step throughput at batch 16, 64
# and 256 with TorchSharp's optim.Adam and with Sweep's in-place optimizer as a share of that
# ceiling, and the optimizer step alone for Adam, AdamW, SGD and SGD with Nesterov. Not a test.
#   bash benchmarks/optimizer.sh              THREADS="2" bash benchmarks/optimizer.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release benchmarks/StepBench -v q -nologo >/dev/null
for threads in ${THREADS:-2 1}; do
  if [ "$threads" = 2 ]; then batches="16 64 256"; else batches="16"; fi
  # shellcheck disable=SC2086
  dotnet benchmarks/StepBench/bin/Release/net10.0/StepBench.dll "$threads" $batches
  echo
done
