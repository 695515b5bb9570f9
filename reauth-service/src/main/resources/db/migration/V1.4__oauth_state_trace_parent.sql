-- The account's trace the link carried (W3C traceparent), so the callback continues it.
ALTER TABLE oauth_state ADD COLUMN trace_parent TEXT;
