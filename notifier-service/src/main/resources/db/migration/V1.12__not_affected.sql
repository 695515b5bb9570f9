-- When AccountNotAffected was published for an initial email held ON_PREMISES: each such user is reported to the
-- registry once, however the email came to be held (when intended, claimed, or reconsidered after a change).
ALTER TABLE notification ADD COLUMN not_affected_reported_at TIMESTAMPTZ;
CREATE INDEX notification_not_affected_unreported ON notification (created_at)
    WHERE status = 'HELD' AND held_reason = 'ON_PREMISES' AND kind = 'INITIAL' AND not_affected_reported_at IS NULL;
