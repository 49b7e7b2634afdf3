-- Sweep results schema, version 8: runs of a TorchScript model record the file they trained.

ALTER TABLE runs ADD COLUMN model_file TEXT;    -- absolute path of the TorchScript file (model: torchscript), else NULL
ALTER TABLE runs ADD COLUMN model_sha256 TEXT;  -- its SHA-256, part of the run's identity
