-- The console's lookups: accounts by the start of their email address, and migrations per day.
CREATE INDEX account_email_prefix ON account (lower(email) text_pattern_ops);
CREATE INDEX account_migrated_at ON account (migrated_at) WHERE migrated_at IS NOT NULL;
