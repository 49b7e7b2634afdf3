-- Sweep results schema, version 3: runs trained in a fused pack.

-- The pack a run was trained in (a hash of its members' run ids), NULL when it trained alone.
ALTER TABLE runs ADD COLUMN fused_pack TEXT;
-- The seed of the batch order and augmentation it saw: its own seed alone; in a pack, the pack's
-- (all members share the same batches: common random numbers).
ALTER TABLE runs ADD COLUMN data_seed INTEGER;

CREATE INDEX runs_by_pack ON runs(fused_pack);
