-- Keys of work that must happen once across all gateway instances (e.g. a result published for a notification).
-- One row per (repository, key). A key is CLAIMED while someone does the work and DONE once the work is
-- confirmed. A claim older than the configured lease is taken as abandoned (its claimer crashed) and can be
-- claimed again; a DONE key is never claimed again until retention purges it.
CREATE TABLE idempotent_keys (
    repository_name  varchar(64)  NOT NULL,
    idempotency_key  varchar(512) NOT NULL,
    state            varchar(8)   NOT NULL CHECK (state IN ('CLAIMED', 'DONE')),
    claimed_at       timestamptz  NOT NULL,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT idempotent_keys_pk PRIMARY KEY (repository_name, idempotency_key)
);

-- The purge deletes one repository's keys older than the retention: a range scan instead of a full scan.
CREATE INDEX idempotent_keys_purge_idx ON idempotent_keys (repository_name, created_at);
