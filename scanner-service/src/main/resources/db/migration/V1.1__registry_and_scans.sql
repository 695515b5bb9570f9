-- The scanner's registry of affected accounts and the record of its scans.

CREATE TABLE scan (
    id                UUID PRIMARY KEY,
    status            TEXT        NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED', 'INCOMPLETE')),
    trigger           TEXT        NOT NULL,
    started_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ,
    heartbeat_at      TIMESTAMPTZ NOT NULL,
    owner             TEXT        NOT NULL,
    page_size         INT         NOT NULL,
    pages_read        BIGINT      NOT NULL DEFAULT 0,
    accounts_seen     BIGINT      NOT NULL DEFAULT 0,
    affected          BIGINT      NOT NULL DEFAULT 0,
    unknown           BIGINT      NOT NULL DEFAULT 0,
    newly_detected    BIGINT      NOT NULL DEFAULT 0,
    resolved          BIGINT      NOT NULL DEFAULT 0,
    retries           BIGINT      NOT NULL DEFAULT 0,
    resumed           INT         NOT NULL DEFAULT 0,
    failure_reason    TEXT,
    checkpoint_offset BIGINT,
    checkpoint_ids    TEXT
);
-- At most one scan runs at a time, whichever replica started it.
CREATE UNIQUE INDEX scan_one_running ON scan ((true)) WHERE status = 'RUNNING';
CREATE INDEX scan_started ON scan (started_at DESC);

CREATE TABLE account (
    account_id          TEXT PRIMARY KEY,
    email               TEXT        NOT NULL,
    provider            TEXT        NOT NULL,
    sync_state          TEXT,
    billing_state       TEXT,
    authentication_type TEXT,
    status              TEXT        NOT NULL CHECK (status IN ('DETECTED', 'NOTIFIED', 'MIGRATED', 'RESOLVED', 'UNKNOWN')),
    first_seen_at       TIMESTAMPTZ NOT NULL,
    last_seen_at        TIMESTAMPTZ NOT NULL,
    detected_scan_id    UUID,
    last_scan_id        UUID,
    notifications       INT         NOT NULL DEFAULT 0,
    last_notified_at    TIMESTAMPTZ,
    migrated_at         TIMESTAMPTZ,
    new_account_id      TEXT,
    resolved_at         TIMESTAMPTZ,
    resolution          TEXT,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX account_status ON account (status);
CREATE INDEX account_detected_scan ON account (detected_scan_id);
