-- The payment ledger: one row per partnerOrderNo, so a repeated PAY is recognised on any instance and never paid
-- twice, and unresolved payments are queried until the provider says how they ended. Rows are never deleted.
CREATE TABLE payments (
    partner_order_no     varchar(32)  PRIMARY KEY,
    store_no             varchar(15),
    order_amount         integer      NOT NULL CHECK (order_amount > 0),
    -- SHA-256 hex of the barcode: a repeat is compared without storing the customer's payment code
    barcode_fingerprint  char(64)     NOT NULL,
    state                varchar(16)  NOT NULL CHECK (state IN
                             ('PAYING', 'PENDING', 'CHECKING', 'UNKNOWN', 'SUCCESS', 'FAILED', 'REFUNDED')),
    provider_order_no    varchar(32),
    pay_attempts         integer      NOT NULL DEFAULT 1,
    queries              integer      NOT NULL DEFAULT 0,
    last_reason          varchar(200),
    -- the final result as published (JSON), republished for a repeated command
    final_result         text,
    refunded_amount      bigint       NOT NULL DEFAULT 0,
    -- when the resolver queries the provider next; NULL: nothing to do
    next_check_at        timestamptz,
    deadline_at          timestamptz  NOT NULL,
    sweep_until          timestamptz  NOT NULL,
    created_at           timestamptz  NOT NULL DEFAULT now(),
    updated_at           timestamptz  NOT NULL DEFAULT now()
);

-- The resolver's claim scans only the scheduled rows, earliest first.
CREATE INDEX payments_next_check_idx ON payments (next_check_at) WHERE next_check_at IS NOT NULL;

-- The metrics count the unresolved rows by state.
CREATE INDEX payments_unresolved_idx ON payments (state)
    WHERE state IN ('PENDING', 'CHECKING', 'UNKNOWN', 'PAYING');

-- One row per refundNo. No foreign key: an order paid through another system can be refunded too (the provider
-- checks it).
CREATE TABLE refunds (
    refund_no         varchar(32)  PRIMARY KEY,
    partner_order_no  varchar(32)  NOT NULL,
    amount            integer      NOT NULL CHECK (amount > 0),
    state             varchar(16)  NOT NULL CHECK (state IN ('REFUNDING', 'PENDING', 'UNKNOWN', 'SUCCESS', 'FAILED')),
    final_result      text,
    created_at        timestamptz  NOT NULL DEFAULT now(),
    updated_at        timestamptz  NOT NULL DEFAULT now()
);

-- A refund is checked against the other refunds of its order.
CREATE INDEX refunds_order_idx ON refunds (partner_order_no);
