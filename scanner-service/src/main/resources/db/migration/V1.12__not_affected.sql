-- NOT_AFFECTED: the notifier will not email the account's user, since its mailbox needs no migrating (an on-premises
-- Exchange keeps EWS); not_affected_reason says why (AccountNotAffected). Listed for operators, and still scanned: an
-- account an operator includes later is emailed and moves on to NOTIFIED.
ALTER TABLE account DROP CONSTRAINT account_status_check;
ALTER TABLE account ADD CONSTRAINT account_status_check
    CHECK (status IN ('DETECTED', 'NOTIFIED', 'NOT_AFFECTED', 'MIGRATED', 'RESOLVED', 'UNKNOWN'));
ALTER TABLE account ADD COLUMN not_affected_reason TEXT;
