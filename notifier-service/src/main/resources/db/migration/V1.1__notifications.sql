-- The notifier's record: who must be emailed, and every email it intends, sent or gave up on.

CREATE TABLE recipient (
    account_id  TEXT PRIMARY KEY,
    email       TEXT        NOT NULL,
    provider    TEXT,
    state       TEXT        NOT NULL CHECK (state IN ('OPEN', 'MIGRATED', 'RESOLVED')),
    detected_at TIMESTAMPTZ NOT NULL,
    closed_at   TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- One row per intended email. The unique key makes a replayed AccountDetected a no-op: an account gets
-- one initial email, one of each reminder, one confirmation.
CREATE TABLE notification (
    id            UUID PRIMARY KEY,
    account_id    TEXT        NOT NULL REFERENCES recipient (account_id),
    kind          TEXT        NOT NULL CHECK (kind IN ('INITIAL', 'REMINDER', 'CONFIRMATION')),
    attempt       INT         NOT NULL,
    status        TEXT        NOT NULL CHECK (status IN ('PENDING', 'SENDING', 'SENT', 'FAILED', 'CANCELLED')),
    due_at        TIMESTAMPTZ NOT NULL,
    tries         INT         NOT NULL DEFAULT 0,
    sending_since TIMESTAMPTZ,
    last_error    TEXT,
    message_id    TEXT,
    sent_at       TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (account_id, kind, attempt)
);
CREATE INDEX notification_due ON notification (due_at) WHERE status = 'PENDING';
CREATE INDEX notification_sending ON notification (sending_since) WHERE status = 'SENDING';
CREATE INDEX notification_failed ON notification (created_at) WHERE status = 'FAILED';

-- Emails sent per minute across all replicas, for the sending rate limit.
CREATE TABLE send_window (
    window_start TIMESTAMPTZ PRIMARY KEY,
    sent         INT NOT NULL
);
