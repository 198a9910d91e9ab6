-- Who holds a claim: the claiming exchange's id. A claimer whose work failed releases only its own claim, so one
-- that was overtaken (it stalled past the lease and another took the key over) cannot release the new claim and
-- let a third claimer repeat the work. NULL on claims made without an exchange, and on rows from before.
ALTER TABLE idempotent_keys ADD COLUMN claimed_by varchar(64);
