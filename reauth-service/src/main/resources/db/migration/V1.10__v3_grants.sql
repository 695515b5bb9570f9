-- Nylas v3. How a state's sign-in was started (hosted-v3, native; null before this column), so a callback is
-- finished by the method that began it.
ALTER TABLE oauth_state ADD COLUMN sign_in TEXT;

-- A grant made by v3's custom auth comes with no access token: the customer uses it with its API key.
ALTER TABLE migration ALTER COLUMN token_ciphertext DROP NOT NULL;
ALTER TABLE migration ALTER COLUMN token_key_id DROP NOT NULL;
-- The old account's provider and, for a v3 grant migrated from v2, its v2 account id, as AccountMigrated carries them.
ALTER TABLE migration ADD COLUMN previous_provider TEXT;
ALTER TABLE migration ADD COLUMN v2_account_id TEXT;
-- relink.reauth.old-grant=delete-after:<duration>: when the old grant is next due for deletion (null: kept), when it
-- was deleted (or found gone already), the attempts and the last failure.
ALTER TABLE migration ADD COLUMN old_grant_delete_at TIMESTAMPTZ;
ALTER TABLE migration ADD COLUMN old_grant_deleted_at TIMESTAMPTZ;
ALTER TABLE migration ADD COLUMN old_grant_outcome TEXT;
ALTER TABLE migration ADD COLUMN old_grant_attempts INT NOT NULL DEFAULT 0;
ALTER TABLE migration ADD COLUMN old_grant_last_error TEXT;
CREATE INDEX migration_old_grant_due ON migration (old_grant_delete_at) WHERE old_grant_delete_at IS NOT NULL AND old_grant_deleted_at IS NULL;
