-- Sweep results schema, version 14: gradient noise scales (the noise-scale command).

-- One measurement of B_simple = tr(Σ) / |G|² (McCandlish et al. 2018) for a model state of a sweep:
-- at initialisation ('init', the configuration's seed) or a run's saved final weights ('final').
CREATE TABLE noise_scales (
    sweep_name    TEXT NOT NULL,
    run_id        TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('init', 'final')),
    small_batch   INTEGER NOT NULL,
    big_batch     INTEGER NOT NULL,
    repeats       INTEGER NOT NULL,
    g_squared     REAL,              -- |G|², unbiased estimate
    trace_sigma   REAL,              -- tr(Σ), unbiased estimate
    b_simple      REAL,              -- tr(Σ) / |G|²
    measured_at   TEXT NOT NULL,
    PRIMARY KEY (sweep_name, run_id, state, measured_at)
);
