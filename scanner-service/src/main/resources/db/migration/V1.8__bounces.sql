-- When the notifier last reported that the user's mail server refused the email for good (AccountBounced), and its
-- reply: the funnel counts bounced accounts, and operators see why.
ALTER TABLE account ADD COLUMN bounced_at TIMESTAMPTZ;
ALTER TABLE account ADD COLUMN bounce_reply TEXT;
