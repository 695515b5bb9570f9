-- The language a domain's users get their emails in (a supported tag); NULL: relink.notify.locale.
ALTER TABLE email_domain ADD COLUMN locale TEXT;
