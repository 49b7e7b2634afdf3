-- Sweep results schema, version 6: the reference table a sweep is compared with.

-- The CSV named by 'reference' in the sweep file, as it was when the sweep started, so the report
-- compares with exactly what the sweep was run against, without the file.
ALTER TABLE sweeps ADD COLUMN reference_path TEXT;
ALTER TABLE sweeps ADD COLUMN reference_csv TEXT;
