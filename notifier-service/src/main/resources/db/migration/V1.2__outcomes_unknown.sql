-- Exchanges whose outcome was unknown (timed out or broken after connecting): each may have delivered the email,
-- so each may explain one repeat. Operators and tests compare repeats against it.
ALTER TABLE notification ADD COLUMN outcomes_unknown INT NOT NULL DEFAULT 0;
