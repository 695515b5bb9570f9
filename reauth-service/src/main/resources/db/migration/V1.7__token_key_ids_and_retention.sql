-- Token keys get ids so they can be rotated; what was sealed before was sealed with relink.token.encryption-key, id 0.
ALTER TABLE migration ADD COLUMN token_key_id TEXT;
UPDATE migration SET token_key_id = '0';
ALTER TABLE migration ALTER COLUMN token_key_id SET NOT NULL;
ALTER TABLE oauth_state ADD COLUMN code_verifier_key_id TEXT;
UPDATE oauth_state SET code_verifier_key_id = '0' WHERE code_verifier IS NOT NULL;

-- A token is deleted relink.reauth.token-retention after its migration; the row stays, saying when.
ALTER TABLE migration ALTER COLUMN token_ciphertext DROP NOT NULL;
ALTER TABLE migration ADD COLUMN token_purged_at TIMESTAMPTZ;
CREATE INDEX migration_token_to_purge ON migration (migrated_at) WHERE token_ciphertext IS NOT NULL;
CREATE INDEX reauth_failure_occurred_at ON reauth_failure (occurred_at);
