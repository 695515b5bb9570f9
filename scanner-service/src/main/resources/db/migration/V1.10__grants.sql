-- Nylas v3: a grant's status (valid, invalid) and, for a grant migrated from v2, the v2 account id it had, so a campaign
-- started on v2 ids can follow the same people. Both null for v2 accounts.
ALTER TABLE account ADD COLUMN grant_status TEXT;
ALTER TABLE account ADD COLUMN v2_account_id TEXT;
CREATE INDEX account_v2_account_id ON account (v2_account_id) WHERE v2_account_id IS NOT NULL;
