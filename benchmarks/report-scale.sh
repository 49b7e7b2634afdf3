#!/usr/bin/env bash
# Times `report` on a large results database: 40 learning rates × 8 batch sizes × 15 seeds
# (4,800 runs) × 50 epochs, made from one real run of a tiny sweep (so the schema and the stored
# settings are genuine) by copying its rows with other settings and synthetic metrics.
#   bash benchmarks/report-scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
dotnet build src/Sweep -v quiet -nologo >/dev/null
sweep="dotnet src/Sweep/bin/Debug/net10.0/sweep.dll"
printf 'name: scale\ntrain_size: 100\ntest_size: 50\nepochs: 1\ngrid:\n  lr: [0.001]\n' > "$work/s.yaml"
$sweep sweep "$work/s.yaml" --db "$work/results.db" --no-report >/dev/null
/usr/bin/python3 - "$work/results.db" <<'PY'
import json, math, random, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.row_factory = sqlite3.Row
template = dict(db.execute("SELECT * FROM runs").fetchone())
epoch = dict(db.execute("SELECT * FROM epochs").fetchone())
sweep_id = template["sweep_id"]
db.execute("DELETE FROM epochs"); db.execute("DELETE FROM sweep_runs"); db.execute("DELETE FROM sweep_plan"); db.execute("DELETE FROM runs")
random.seed(0)
position = 0
for i in range(40):
    lr = 10 ** (-5 + 4 * i / 39)
    for batch in (8, 16, 32, 64, 128, 256, 512, 1024):
        for seed in range(15):
            run_id = f"{i:02d}{batch:04d}{seed:02d}xx"[:12]
            config = json.loads(template["config_json"]); config.update(lr=lr, batch_size=batch, seed=seed, epochs=50)
            loss = abs(math.log10(lr) + 3) / 3 + batch / 2000 + random.gauss(0, 0.02) + 0.3
            row = dict(template, run_id=run_id, lr=lr, batch_size=batch, seed=seed, epochs=50, config_json=json.dumps(config),
                       final_test_loss=loss, final_train_loss=loss - 0.1, final_test_accuracy=1 - loss / 3, final_test_auc=1 - loss / 10)
            db.execute(f"INSERT INTO runs ({','.join(row)}) VALUES ({','.join('?' * len(row))})", list(row.values()))
            db.executemany(f"INSERT INTO epochs ({','.join(epoch)}) VALUES ({','.join('?' * len(epoch))})",
                           [list(dict(epoch, run_id=run_id, epoch=e, train_loss=loss + 1 / e, test_loss=loss + 1.1 / e, test_auc=1 - loss / 10).values()) for e in range(1, 51)])
            db.execute("INSERT INTO sweep_runs (sweep_id, run_id) VALUES (?, ?)", (sweep_id, run_id))
            db.execute("INSERT INTO sweep_plan (sweep_id, position, run_id) VALUES (?, ?, ?)", (sweep_id, position + 1, run_id)); position += 1
db.commit()
print(db.execute("SELECT count(*) FROM runs").fetchone()[0], "runs,", db.execute("SELECT count(*) FROM epochs").fetchone()[0], "epochs")
PY
start=$(date +%s.%N)
$sweep report --db "$work/results.db" --out "$work/report" | head -1
end=$(date +%s.%N)
echo "report: $(echo "$end - $start" | bc) s (wall, including process start)"
ls "$work/report"/*.png | wc -l | xargs echo "figures:"
echo "report folder: $work/report"
