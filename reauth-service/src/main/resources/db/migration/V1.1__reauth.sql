-- One-time OAuth states: stored as hashes, bound to the browser by a cookie (also hashed), used once.
CREATE TABLE oauth_state (
    state_hash  TEXT PRIMARY KEY,
    cookie_hash TEXT        NOT NULL,
    account_id  TEXT        NOT NULL,
    email       TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);

-- Migrated accounts and their new access token, encrypted (AES-GCM, the account id as associated data).
CREATE TABLE migration (
    account_id          TEXT PRIMARY KEY,
    new_account_id      TEXT        NOT NULL,
    email               TEXT        NOT NULL,
    provider            TEXT        NOT NULL,
    token_ciphertext    BYTEA       NOT NULL,
    previous_cancelled  BOOLEAN     NOT NULL,
    migrated_at         TIMESTAMPTZ NOT NULL
);

-- Hand-overs that failed after the user signed in, for operators. Never a code or a token.
CREATE TABLE reauth_failure (
    id          UUID PRIMARY KEY,
    account_id  TEXT        NOT NULL,
    reason      TEXT        NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL
);
