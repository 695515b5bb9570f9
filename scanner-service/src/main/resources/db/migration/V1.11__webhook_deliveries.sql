-- Nylas v3 webhook notifications about grants, each recorded once by its notification id (Nylas delivers at least
-- once), then applied by reading the grant as it is now, so repeats and reordering change nothing.
CREATE TABLE webhook_delivery (
    id              TEXT PRIMARY KEY,
    type            TEXT        NOT NULL,
    grant_id        TEXT        NOT NULL,
    received_at     TIMESTAMPTZ NOT NULL,
    status          TEXT        NOT NULL CHECK (status IN ('PENDING', 'DONE', 'FAILED')),
    attempts        INT         NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    processed_at    TIMESTAMPTZ,
    outcome         TEXT,
    last_error      TEXT
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX webhook_delivery_received ON webhook_delivery (received_at DESC);
