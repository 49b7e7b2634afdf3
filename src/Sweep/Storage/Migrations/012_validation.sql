-- Sweep results schema, version 12: a validation set to choose on, and the epoch it chooses.

-- Per epoch: the validation set's loss and accuracy (validation_size; NULL without one) and the
-- training images evaluated like the test set (evaluate_train; NULL otherwise).
ALTER TABLE epochs ADD COLUMN val_loss REAL;
ALTER TABLE epochs ADD COLUMN val_accuracy REAL;
ALTER TABLE epochs ADD COLUMN train_eval_loss REAL;
ALTER TABLE epochs ADD COLUMN train_eval_accuracy REAL;

-- Per run, when it has validation numbers: the epoch of its lowest validation loss (the earliest
-- on a tie) and the numbers there; best_test_* are reported, never chosen on.
ALTER TABLE runs ADD COLUMN best_epoch INTEGER;
ALTER TABLE runs ADD COLUMN best_val_loss REAL;
ALTER TABLE runs ADD COLUMN best_test_loss REAL;
ALTER TABLE runs ADD COLUMN best_test_accuracy REAL;
ALTER TABLE runs ADD COLUMN best_test_auc REAL;
