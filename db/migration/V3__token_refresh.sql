-- Token refresh bookkeeping: when the grant's tokens were last refreshed (refresh tokens die after
-- 90 days unused, so grantwatch refreshes at least every tokens.keepAliveInterval), and whether the
-- grant.expiring warning for the 365-day limit has been sent.
ALTER TABLE grants ADD COLUMN last_refreshed_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE grants ADD COLUMN expiring_notified_at TIMESTAMP WITH TIME ZONE;
