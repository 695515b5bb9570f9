-- Shared by every Relink service: the transactional outbox and the record of processed events.

-- Events written in the same transaction as the change they describe; the relay publishes them
-- in id order and marks them sent after the broker's acknowledgement.
-- Ids come from a sequence in blocks of 50, so a transaction's events are inserted in one batch.
CREATE SEQUENCE outbox_event_seq INCREMENT BY 50;
CREATE TABLE outbox_event (
    id           BIGINT PRIMARY KEY DEFAULT nextval('outbox_event_seq'),
    event_id     UUID        NOT NULL UNIQUE,
    topic        TEXT        NOT NULL,
    message_key  TEXT        NOT NULL,
    ce_type      TEXT        NOT NULL,
    occurred_at  TIMESTAMPTZ NOT NULL,
    payload      BYTEA       NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at      TIMESTAMPTZ,
    attempts     INT         NOT NULL DEFAULT 0,
    last_error   TEXT
);
CREATE INDEX outbox_event_unsent ON outbox_event (id) WHERE sent_at IS NULL;

-- Idempotent consumers insert the event id in the same transaction as their effect.
CREATE TABLE processed_event (
    consumer     TEXT        NOT NULL,
    event_id     UUID        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
