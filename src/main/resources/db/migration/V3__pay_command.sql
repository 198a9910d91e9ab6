-- The pay command as received (JSON, barcode included), kept only while the payment is unresolved: the single
-- permitted re-send (after the provider reports code 30) needs it, and it is cleared once the payment is final
-- or UNKNOWN, so customer payment codes do not stay in the database.
ALTER TABLE payments ADD COLUMN pay_command text;
