-- The trace of the event that intended the email (W3C traceparent): the send, the AccountNotified it announces and
-- the next reminder continue it.
ALTER TABLE notification ADD COLUMN trace_parent TEXT;
