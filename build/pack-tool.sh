#!/usr/bin/env bash
# Builds Sweep as a .NET tool package into artifacts/ (git-ignored), then:
#   dotnet tool install --global Sweep --add-source artifacts      # 'sweep' on PATH (~/.dotnet/tools)
#   dotnet tool update  --global Sweep --add-source artifacts      # after pulling a newer version
# The package carries the CPU libtorch for linux-x64 (about 200 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet pack src/Sweep -c Release -o artifacts -v q -nologo
ls -la artifacts/*.nupkg
