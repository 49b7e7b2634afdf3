#!/usr/bin/env bash
# Packs what a GPU machine without .NET needs to run Sweep on its own PyTorch (SWEEP_LIBTORCH):
# the .NET runtime (dotnet, host/, shared/Microsoft.NETCore.App) and a Release build made with
# -p:TorchBackend=external (no libtorch of its own). Writes .gpu-pack/ (git-ignored), which the
# device tool carries:  run(command="bash benchmarks/gpu/run.sh", carry=[".gpu-pack"])
#   bash benchmarks/gpu/pack.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
pack=.gpu-pack
rm -rf "$pack" && mkdir -p "$pack"
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime=$(ls -d "$dotnet_root"/shared/Microsoft.NETCore.App/10.* | sort -V | tail -1)
echo "runtime: $runtime"
tar -C "$dotnet_root" -cJf "$pack/dotnet.tar.xz" dotnet host "shared/Microsoft.NETCore.App/$(basename "$runtime")"
# linux-x64 only: the other platforms' SkiaSharp and SQLite natives are dead weight there.
dotnet publish src/Sweep -c Release -r linux-x64 --self-contained false -p:TorchBackend=external \
  -o "$pack/app-build" -v q -nologo >/dev/null
if ls "$pack"/app-build/libtorch_cpu.so >/dev/null 2>&1; then echo "the build carries libtorch; TorchBackend=external did not apply" >&2; exit 1; fi
tar -C "$pack/app-build" -cJf "$pack/app.tar.xz" .
rm -rf "$pack/app-build"
du -ch "$pack"/*.tar.xz | tail -1
