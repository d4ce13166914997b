-- Set when a check found sites missing and a second check is due to confirm it before any
-- site.revoked is written (polling.removalConfirmDelay); cleared by the next check.
ALTER TABLE grants ADD COLUMN removal_pending_at TIMESTAMP WITH TIME ZONE;
