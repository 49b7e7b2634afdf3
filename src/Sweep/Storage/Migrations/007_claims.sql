-- Sweep results schema, version 7: several workers share one database. A worker claims a run
-- before training it and refreshes the heartbeat while it trains; a claim whose heartbeat is
-- older than the lease (or whose process is gone, on the same host) is taken over.

ALTER TABLE runs ADD COLUMN claim_host TEXT;     -- host name of the worker training the run; NULL when nobody holds it
ALTER TABLE runs ADD COLUMN claim_pid INTEGER;   -- that worker's process id
ALTER TABLE runs ADD COLUMN claim_token TEXT;    -- unique per worker process (pids repeat across hosts and reboots)
ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;   -- ISO 8601, UTC; refreshed every quarter lease while it trains
