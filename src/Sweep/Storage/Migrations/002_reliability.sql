-- Sweep results schema, version 2: every setting as a column, resume bookkeeping, seed statistics.

ALTER TABLE runs ADD COLUMN final_relu INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN device TEXT;               -- as requested: auto, cpu or cuda
ALTER TABLE runs ADD COLUMN threads INTEGER;           -- as requested: 0 = one per core
ALTER TABLE runs ADD COLUMN deterministic INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN divergence_factor REAL;
ALTER TABLE runs ADD COLUMN data_dir TEXT;
ALTER TABLE runs ADD COLUMN resumed_from_epoch INTEGER; -- the last checkpointed epoch a restart continued from
ALTER TABLE runs ADD COLUMN used_device TEXT;          -- what the run actually trained on
ALTER TABLE runs ADD COLUMN used_threads INTEGER;

CREATE INDEX runs_by_status ON runs(status);

-- With repeats: one row per configuration (every setting but the seed), mean and standard
-- deviation of the final metrics over the seeds that finished.
CREATE VIEW config_summary AS
SELECT dataset, model, optimizer, lr, batch_size, epochs, train_size, test_size, augment, momentum, weight_decay,
       count(*) AS seeds,
       avg(final_test_loss) AS mean_final_test_loss,
       sqrt(max(avg(final_test_loss * final_test_loss) - avg(final_test_loss) * avg(final_test_loss), 0)
            * count(*) / max(count(*) - 1, 1)) AS std_final_test_loss,
       avg(final_test_accuracy) AS mean_final_test_accuracy,
       sqrt(max(avg(final_test_accuracy * final_test_accuracy) - avg(final_test_accuracy) * avg(final_test_accuracy), 0)
            * count(*) / max(count(*) - 1, 1)) AS std_final_test_accuracy,
       group_concat(seed) AS seed_list
FROM runs
WHERE status = 'completed'
GROUP BY dataset, model, optimizer, lr, batch_size, epochs, train_size, test_size, augment, momentum, weight_decay;
