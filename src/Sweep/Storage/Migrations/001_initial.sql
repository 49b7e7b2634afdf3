-- Sweep results schema, version 1.
-- One row per sweep invocation's file, per run (a configuration), per finished epoch.

CREATE TABLE sweeps (
    sweep_id      INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    file_path     TEXT NOT NULL,
    file_contents TEXT NOT NULL,
    started_at    TEXT NOT NULL,          -- ISO 8601, UTC
    finished_at   TEXT                    -- NULL while running or when it stopped early
);

-- Where and with what each invocation ran: the blog's "same settings, different losses on two
-- machines" question starts here.
CREATE TABLE environments (
    environment_id     INTEGER PRIMARY KEY,
    sweep_id           INTEGER NOT NULL REFERENCES sweeps(sweep_id),
    recorded_at        TEXT NOT NULL,
    host               TEXT NOT NULL,
    os                 TEXT NOT NULL,
    cpu_model          TEXT,
    gpu_name           TEXT,
    device             TEXT NOT NULL,
    thread_count       INTEGER NOT NULL,
    torch_version      TEXT NOT NULL,
    torchsharp_version TEXT NOT NULL,
    dotnet_version     TEXT NOT NULL,
    git_commit         TEXT
);

CREATE TABLE runs (
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
    status              TEXT NOT NULL CHECK (status IN ('running', 'completed', 'diverged', 'failed', 'interrupted')),
    started_at          TEXT NOT NULL,
    finished_at         TEXT,
    final_train_loss    REAL,
    final_test_loss     REAL,
    final_test_accuracy REAL,
    diverged_at_epoch   INTEGER,
    error               TEXT
);
CREATE INDEX runs_by_sweep ON runs(sweep_id);
CREATE INDEX runs_by_grid ON runs(dataset, model, batch_size, lr);

-- Which runs each sweep asked for (a run can belong to several sweeps that share it).
CREATE TABLE sweep_runs (
    sweep_id INTEGER NOT NULL REFERENCES sweeps(sweep_id),
    run_id   TEXT NOT NULL REFERENCES runs(run_id),
    PRIMARY KEY (sweep_id, run_id)
);

CREATE TABLE epochs (
    run_id            TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    epoch             INTEGER NOT NULL CHECK (epoch >= 1),
    -- Losses are NULL when they were not a number (NaN, a diverged run); SQLite cannot store NaN.
    train_loss        REAL,                -- mean over every batch of the epoch
    last_batch_loss   REAL,                -- what the blog printed
    test_loss         REAL,
    test_accuracy     REAL NOT NULL,       -- 0..1 over the whole test set
    learning_rate     REAL NOT NULL,
    seconds           REAL NOT NULL,       -- wall-clock training time of the epoch
    images_per_second REAL NOT NULL,
    PRIMARY KEY (run_id, epoch)
);

-- One row per run with its settings and final metrics.
CREATE VIEW run_summary AS
SELECT r.run_id, r.status, r.dataset, r.model, r.optimizer, r.lr, r.batch_size, r.epochs, r.seed,
       r.train_size, r.augment, r.final_train_loss, r.final_test_loss, r.final_test_accuracy,
       r.diverged_at_epoch, r.error, s.name AS sweep_name, r.started_at, r.finished_at
FROM runs r JOIN sweeps s ON s.sweep_id = r.sweep_id;

-- Per-epoch curves next to the settings that produced them.
CREATE VIEW epoch_curves AS
SELECT e.run_id, r.dataset, r.model, r.optimizer, r.lr, r.batch_size, r.seed, r.status,
       e.epoch, e.train_loss, e.last_batch_loss, e.test_loss, e.test_accuracy, e.learning_rate,
       e.seconds, e.images_per_second
FROM epochs e JOIN runs r ON r.run_id = e.run_id;
