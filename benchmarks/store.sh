#!/usr/bin/env bash
# What the results store costs, without training: claims, epoch writes and the report's read,
# with 1, 2 and 4 workers, on a SQLite file and on a PostgreSQL server (a throwaway cluster of
# Debian's postgresql on a free loopback port, fsync on as a real server has it); then a
# 10,000-run sweep on each. Usage: bash benchmarks/store.sh [runs] [epochs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-400}
epochs=${2:-5}
dotnet build -c Release benchmarks/StoreBench -v q -nologo >/dev/null
bench() { dotnet benchmarks/StoreBench/bin/Release/net10.0/StoreBench.dll "$@"; }

bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/sweep-store-bench.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$work"
as_pg "$bin/initdb" -D "$work/data" -U sweep --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w -o "-p $port -k $work -c listen_addresses=127.0.0.1" start >/dev/null
trap 'as_pg "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null; rm -rf "$work"' EXIT
fresh() { as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U sweep "$1"; echo "postgresql://sweep@127.0.0.1:$port/$1"; }

echo "# $(date -u +%Y-%m-%d) $(nproc) cores; $runs runs x $epochs epochs per measurement"
for workers in 1 2 4; do
  file="$work/sqlite-$workers.db"
  bench "$file" "$workers" "$runs" "$epochs"
  bench "$(fresh "workers$workers")" "$workers" "$runs" "$epochs"
done
echo "# a 10,000-run sweep, 10 epochs each, one worker"
bench "$work/big.db" 1 10000 10
echo "sqlite file: $(du -k "$work/big.db" | cut -f1) KiB"
bench "$(fresh big)" 1 10000 10
echo "postgresql database: $(as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U sweep -d big -Atc "SELECT pg_database_size(current_database()) / 1024") KiB"
