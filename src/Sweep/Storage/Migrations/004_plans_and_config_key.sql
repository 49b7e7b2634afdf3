-- Sweep results schema, version 4: what each sweep planned, and a configuration key.

-- The runs an invocation of a sweep planned, in plan order, so a report can say what is still
-- missing without reading the sweep file again (which may have moved or changed).
CREATE TABLE sweep_plan (
    sweep_id INTEGER NOT NULL REFERENCES sweeps(sweep_id),
    position INTEGER NOT NULL,
    run_id   TEXT    NOT NULL,
    PRIMARY KEY (sweep_id, position)
);

-- The settings that vary across the sweep's runs, comma-separated in axis order.
ALTER TABLE sweeps ADD COLUMN varying_settings TEXT;

-- A hash of every training-relevant setting except the seed: runs with the same key are seeds of
-- one configuration. Filled for new runs by Sweep, for older rows when a writer opens the file.
ALTER TABLE runs ADD COLUMN config_key TEXT;
CREATE INDEX runs_by_config ON runs(config_key);

-- config_summary grouped by a fixed list of columns that predates nesterov, lr_schedule, step_size,
-- gamma, warmup_epochs, vgg_depth and vgg_width, so configurations differing only in those were
-- averaged as if they were seeds. It now groups by the configuration key.
DROP VIEW config_summary;
CREATE VIEW config_summary AS
SELECT config_key, dataset, model, optimizer, lr, batch_size, epochs, train_size, test_size, augment, momentum, weight_decay,
       json_extract(config_json, '$.nesterov') AS nesterov,
       json_extract(config_json, '$.lr_schedule') AS lr_schedule,
       json_extract(config_json, '$.step_size') AS step_size,
       json_extract(config_json, '$.gamma') AS gamma,
       json_extract(config_json, '$.warmup_epochs') AS warmup_epochs,
       json_extract(config_json, '$.vgg_depth') AS vgg_depth,
       json_extract(config_json, '$.vgg_width') AS vgg_width,
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
GROUP BY config_key;
