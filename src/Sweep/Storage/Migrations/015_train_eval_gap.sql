-- Sweep results schema, version 15: the training images' loss evaluated at the end of the last
-- epoch (evaluate_train), for a generalisation gap between two evaluations rather than against the
-- running mean of the training loss during the epoch. NULL without evaluate_train.
ALTER TABLE runs ADD COLUMN final_train_eval_loss REAL;
