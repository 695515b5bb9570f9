-- Native mode: the PKCE verifier of the state's sign-in, encrypted (AES-GCM, the state's hash as associated data).
ALTER TABLE oauth_state ADD COLUMN code_verifier bytea;
