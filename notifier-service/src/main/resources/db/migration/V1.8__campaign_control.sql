-- Campaign control: approval, pause, recipient domains (classification, include/exclude, rate), bounces.

-- The recipient's domain, which rates, policies, locales and counts go by.
ALTER TABLE recipient ADD COLUMN domain TEXT;
UPDATE recipient SET domain = lower(split_part(email, '@', 2));
ALTER TABLE recipient ALTER COLUMN domain SET NOT NULL;
CREATE INDEX recipient_domain ON recipient (domain);

-- Who approved emailing this account, and when; NULL while it awaits approval. Accounts detected before approvals
-- existed were being emailed already, so they count as approved.
ALTER TABLE recipient ADD COLUMN approved_at TIMESTAMPTZ;
ALTER TABLE recipient ADD COLUMN approved_by TEXT;
UPDATE recipient SET approved_at = detected_at, approved_by = 'before approvals';
CREATE INDEX recipient_awaiting ON recipient (domain) WHERE approved_at IS NULL AND state = 'OPEN';

-- HELD: intended but not to be sent until an operator decides (held_reason says why). BOUNCED: refused for good by
-- the receiving server (last_error holds its reply); never retried.
ALTER TABLE notification DROP CONSTRAINT notification_status_check;
ALTER TABLE notification ADD CONSTRAINT notification_status_check
    CHECK (status IN ('PENDING', 'HELD', 'SENDING', 'SENT', 'FAILED', 'BOUNCED', 'CANCELLED'));
ALTER TABLE notification ADD COLUMN held_reason TEXT;
CREATE INDEX notification_held ON notification (account_id) WHERE status = 'HELD';
CREATE INDEX notification_account ON notification (account_id);

-- Every approval an operator gave: who (the admin key's label), when, what, and how many accounts it released.
CREATE TABLE approval (
    id          UUID PRIMARY KEY,
    approved_by TEXT        NOT NULL,
    approved_at TIMESTAMPTZ NOT NULL,
    scope       TEXT        NOT NULL CHECK (scope IN ('ALL', 'DOMAIN', 'ACCOUNTS')),
    domain      TEXT,
    account_ids TEXT[],
    approved    INT         NOT NULL
);

-- The one switch that stops every send, shared by the replicas, kept across restarts.
CREATE TABLE campaign_control (
    id         BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
    paused     BOOLEAN NOT NULL,
    changed_by TEXT,
    changed_at TIMESTAMPTZ,
    reason     TEXT
);
INSERT INTO campaign_control (id, paused) VALUES (TRUE, FALSE);

-- Each recipient domain: whether it has a Microsoft tenant (PENDING until asked), and the operator's policy.
CREATE TABLE email_domain (
    domain         TEXT PRIMARY KEY,
    classification TEXT        NOT NULL CHECK (classification IN ('PENDING', 'EXCHANGE_ONLINE', 'ON_PREMISES', 'UNCLASSIFIED')),
    classified_at  TIMESTAMPTZ,
    classify_after TIMESTAMPTZ NOT NULL,
    lookup_error   TEXT,
    policy         TEXT CHECK (policy IN ('INCLUDE', 'EXCLUDE')),
    policy_by      TEXT,
    policy_at      TIMESTAMPTZ
);
CREATE INDEX email_domain_classify_after ON email_domain (classify_after);
INSERT INTO email_domain (domain, classification, classify_after)
    SELECT DISTINCT domain, 'PENDING', now() FROM recipient ON CONFLICT DO NOTHING;

-- Token buckets of the sending rate limits ('global', 'domain:<domain>'), shared by the replicas. Replaces the
-- per-minute window, which released a whole minute's budget at once.
CREATE TABLE rate_bucket (
    name        TEXT PRIMARY KEY,
    tokens      DOUBLE PRECISION NOT NULL,
    refilled_at TIMESTAMPTZ      NOT NULL
);
DROP TABLE send_window;
