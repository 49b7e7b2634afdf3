-- Sweep results schema, version 5: test ROC AUC (Kandel & Castelli's metric).

-- Macro one-vs-rest ROC AUC over the whole test set from the softmax scores (the binary AUC for
-- two classes), as scikit-learn's roc_auc_score computes it. NULL for epochs recorded before.
ALTER TABLE epochs ADD COLUMN test_auc REAL;
ALTER TABLE runs ADD COLUMN final_test_auc REAL;

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
       avg(final_test_auc) AS mean_final_test_auc,
       sqrt(max(avg(final_test_auc * final_test_auc) - avg(final_test_auc) * avg(final_test_auc), 0)
            * count(final_test_auc) / max(count(final_test_auc) - 1, 1)) AS std_final_test_auc,
       group_concat(seed) AS seed_list
FROM runs
WHERE status = 'completed'
GROUP BY config_key;
