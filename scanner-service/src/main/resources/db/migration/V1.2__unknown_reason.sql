-- Why an account is listed as UNKNOWN (listed for operators, never emailed): no authentication_type, or an email
-- value that is not one plain address.
ALTER TABLE account ADD COLUMN unknown_reason TEXT;
