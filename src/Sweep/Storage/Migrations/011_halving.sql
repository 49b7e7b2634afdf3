-- Sweep results schema, version 11: successive halving.
-- runs.status may be 'pruned' (a run stopped at a rung; its checkpoint is kept, so the same file
-- without halving continues it), with pruned_at_epoch; SQLite cannot change a CHECK in place, so
-- the table is rebuilt as SQLite's ALTER TABLE page describes: the views over it are dropped, the
-- rows copied into a table with the new CHECK, and the views and indexes made again unchanged.

DROP VIEW run_summary;
DROP VIEW epoch_curves;
DROP VIEW config_summary;

CREATE TABLE runs_v11 (
    run_id              TEXT PRIMARY KEY,      -- stable hash of the configuration
    sweep_id            INTEGER NOT NULL REFERENCES sweeps(sweep_id),  -- the sweep that last trained it
    environment_id      INTEGER REFERENCES environments(environment_id),
    dataset             TEXT NOT NULL,
    model               TEXT NOT NULL,
    optimizer           TEXT NOT NULL,
    lr                  REAL NOT NULL,
    batch_size          INTEGER NOT NULL,
    epochs              INTEGER NOT NULL,      -- planned epochs
    seed                INTEGER NOT NULL,
    train_size          INTEGER,               -- NULL: the whole training set
    test_size           INTEGER,
    augment             INTEGER NOT NULL,
    momentum            REAL NOT NULL,
    weight_decay        REAL NOT NULL,
    config_json         TEXT NOT NULL,         -- every setting, including device and threads
    status              TEXT NOT NULL CHECK (status IN ('running', 'completed', 'diverged', 'failed', 'interrupted', 'pruned')),
    started_at          TEXT NOT NULL,
    finished_at         TEXT,
    final_train_loss    REAL,
    final_test_loss     REAL,
    final_test_accuracy REAL,
    diverged_at_epoch   INTEGER,
    error               TEXT,
    -- added by migrations 002-010
    final_relu INTEGER NOT NULL DEFAULT 0,
    device TEXT,
    threads INTEGER,
    deterministic INTEGER NOT NULL DEFAULT 0,
    divergence_factor REAL,
    data_dir TEXT,
    resumed_from_epoch INTEGER,
    used_device TEXT,
    used_threads INTEGER,
    fused_pack TEXT,
    data_seed INTEGER,
    config_key TEXT,
    final_test_auc REAL,
    claim_host TEXT,
    claim_pid INTEGER,
    claim_token TEXT,
    heartbeat_at TEXT,
    model_file TEXT,
    model_sha256 TEXT,
    data_mean TEXT,
    data_std TEXT,
    pruned_at_epoch     INTEGER                -- successive halving stopped the run after this epoch (status 'pruned')
);

INSERT INTO runs_v11 SELECT *, NULL FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v11 RENAME TO runs;

CREATE INDEX runs_by_config ON runs(config_key);
CREATE INDEX runs_by_grid ON runs(dataset, model, batch_size, lr);
CREATE INDEX runs_by_pack ON runs(fused_pack);
CREATE INDEX runs_by_status ON runs(status);
CREATE INDEX runs_by_sweep ON runs(sweep_id);

CREATE VIEW run_summary AS
SELECT r.run_id, r.status, r.dataset, r.model, r.optimizer, r.lr, r.batch_size, r.epochs, r.seed,
       r.train_size, r.augment, r.final_train_loss, r.final_test_loss, r.final_test_accuracy,
       r.diverged_at_epoch, r.error, s.name AS sweep_name, r.started_at, r.finished_at
FROM runs r JOIN sweeps s ON s.sweep_id = r.sweep_id;

CREATE VIEW epoch_curves AS
SELECT e.run_id, r.dataset, r.model, r.optimizer, r.lr, r.batch_size, r.seed, r.status,
       e.epoch, e.train_loss, e.last_batch_loss, e.test_loss, e.test_accuracy, e.learning_rate,
       e.seconds, e.images_per_second
FROM epochs e JOIN runs r ON r.run_id = e.run_id;

CREATE VIEW config_summary AS
SELECT config_key, dataset, model, optimizer, lr, batch_size, epochs, train_size, test_size, augment, momentum, weight_decay,
       json_extract(config_json, '$.nesterov') AS nesterov,
       json_extract(config_json, '$.lr_schedule') AS lr_schedule,
       json_extract(config_json, '$.step_size') AS step_size,
       json_extract(config_json, '$.gamma') AS gamma,
       json_extract(config_json, '$.warmup_epochs') AS warmup_epochs,
       json_extract(config_json, '$.vgg_depth') AS vgg_depth,
       json_extract(config_json, '$.vgg_width') AS vgg_width,
       count(*) AS seeds,
       avg(final_test_loss) AS mean_final_test_loss,
       sqrt(max(avg(final_test_loss * final_test_loss) - avg(final_test_loss) * avg(final_test_loss), 0)
            * count(*) / max(count(*) - 1, 1)) AS std_final_test_loss,
       avg(final_test_accuracy) AS mean_final_test_accuracy,
       sqrt(max(avg(final_test_accuracy * final_test_accuracy) - avg(final_test_accuracy) * avg(final_test_accuracy), 0)
            * count(*) / max(count(*) - 1, 1)) AS std_final_test_accuracy,
       avg(final_test_auc) AS mean_final_test_auc,
       sqrt(max(avg(final_test_auc * final_test_auc) - avg(final_test_auc) * avg(final_test_auc), 0)
            * count(final_test_auc) / max(count(final_test_auc) - 1, 1)) AS std_final_test_auc,
       group_concat(seed) AS seed_list
FROM runs
WHERE status = 'completed'
GROUP BY config_key;

-- One row per run and rung: the metric at the rung's epoch, the configuration's mean over seeds,
-- its rank in its group and whether it went on. halving_key names the plan and halving settings the
-- decision belongs to, so the same file decides once and a resumed sweep reads its decisions back.
CREATE TABLE halving_decisions (
    halving_key         TEXT NOT NULL,
    run_id              TEXT NOT NULL,
    rung_epoch          INTEGER NOT NULL CHECK (rung_epoch >= 1),
    metric              TEXT NOT NULL,          -- test_loss, test_accuracy or test_auc
    value               REAL,                   -- NULL: the run diverged or failed before the rung
    configuration_mean  REAL,                   -- mean over the configuration's seeds; NULL when one has no value
    group_name          TEXT NOT NULL,          -- the 'within' settings' values, '' for one group
    rank                INTEGER NOT NULL,       -- 1: best configuration of its group
    kept                INTEGER NOT NULL,       -- 1: trains on; 0: stopped here
    decided_at          TEXT NOT NULL,
    PRIMARY KEY (halving_key, run_id, rung_epoch)
);
