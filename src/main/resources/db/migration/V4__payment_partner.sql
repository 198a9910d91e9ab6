-- The partner account (partnerNo) a payment was sent through. Its queries, its one permitted re-send and its
-- refunds go to that same account, whatever the store's mapping says later: asked through another account, the
-- provider would not know the order (code 30), and the pay would be sent again there. NULL on rows written before
-- this column; those follow the store's current mapping.
ALTER TABLE payments ADD COLUMN partner_no varchar(32);
