-- Sweep results schema, version 13: steps to a target (target_metric, target_value, target_every).

-- The optimizer steps and training images a run took to first reach its target; NULL when it has
-- no target or never reached it within its epochs (such runs are listed by the report, never dropped).
ALTER TABLE runs ADD COLUMN target_steps INTEGER;
ALTER TABLE runs ADD COLUMN target_examples INTEGER;
