-- Sweep results schema, version 10: each run records the per-channel normalisation its images
-- were trained with (an image folder's is computed from its training split, so it is data, not a constant).

ALTER TABLE runs ADD COLUMN data_mean TEXT;  -- JSON array, one mean per channel on the 0-1 scale, e.g. [0.286]
ALTER TABLE runs ADD COLUMN data_std TEXT;   -- JSON array, one standard deviation per channel
