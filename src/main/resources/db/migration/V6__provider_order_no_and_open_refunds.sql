-- ScanForPay documents its orderNo as up to 32 characters, but a provider that sends a longer one must not make every
-- later change of the payment fail (the answer itself is bounded in size before it is read).
ALTER TABLE payments ALTER COLUMN provider_order_no TYPE text;

-- Refunds still open (the call in flight, or answered "processing"): the deadline sweep finds those older than the
-- refund deadline without scanning the finished ones.
CREATE INDEX refunds_open_idx ON refunds (created_at) WHERE state IN ('REFUNDING', 'PENDING');
