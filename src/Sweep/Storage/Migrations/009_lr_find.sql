-- Sweep results schema, version 9: LR range tests (the lr-find command), one per batch size.

CREATE TABLE lr_finds (
    lr_find_id             INTEGER PRIMARY KEY,
    sweep_name             TEXT NOT NULL,
    batch_size             INTEGER NOT NULL,
    config_json            TEXT NOT NULL,     -- the settings it trained with (lr is the start)
    started_at             TEXT NOT NULL,
    start_lr               REAL NOT NULL,
    end_lr                 REAL NOT NULL,
    steps                  INTEGER NOT NULL,  -- planned mini-batches
    stopped_early          INTEGER NOT NULL,  -- 1: the smoothed loss passed 4 × its minimum (or was not a number)
    suggested_lr_steepest  REAL,              -- steepest descent of the smoothed loss
    suggested_lr_min_tenth REAL               -- the smoothed loss's minimum ÷ 10
);

CREATE TABLE lr_find_points (
    lr_find_id    INTEGER NOT NULL REFERENCES lr_finds(lr_find_id) ON DELETE CASCADE,
    step          INTEGER NOT NULL CHECK (step >= 1),
    lr            REAL NOT NULL,
    loss          REAL,                       -- NULL when not a number
    smoothed_loss REAL,
    PRIMARY KEY (lr_find_id, step)
);
