-- The trace of the change that wrote the event (W3C traceparent), so the relay publishes it in that trace.
ALTER TABLE outbox_event ADD COLUMN trace_parent TEXT;
