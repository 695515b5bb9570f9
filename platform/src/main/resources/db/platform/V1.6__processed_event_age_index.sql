-- Processed event ids are forgotten after relink.inbox.retention: the purge finds them by age.
CREATE INDEX processed_event_processed_at ON processed_event (processed_at);
