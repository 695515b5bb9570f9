-- Which refusal stopped a hand-over (HandOver.Refusal), so operators see them by reason; null for a migration whose
-- old account was not fully retired. Rows of before keep null.
ALTER TABLE reauth_failure ADD COLUMN refusal TEXT;
CREATE INDEX reauth_failure_account ON reauth_failure (account_id, occurred_at);
