-- A claimed state holds its account's hand-over while the code is exchanged, so a second device's callback is
-- refused before it exchanges a code of its own. The claim lapses at exchange_until if the service dies mid-exchange.
ALTER TABLE oauth_state ADD COLUMN exchange_until TIMESTAMPTZ;
-- Per-account lookups: the claim's lock, and the count of recent starts that limits how fast a link starts sign-ins.
CREATE INDEX oauth_state_account ON oauth_state (account_id, created_at);
-- The purge of expired states.
CREATE INDEX oauth_state_expiry ON oauth_state (expires_at);
