-- A refresh no longer holds the grant's row lock (and a pooled connection) while Atlassian answers:
-- it claims a lease in a short transaction, calls the token endpoint with no connection held, and
-- stores the rotated tokens only if its lease and the token version it started from still hold.
-- refresh_lease_by is the claim's own random id; the lease outlives the request timeout, so a node
-- that dies holding it delays that grant's refresh by at most the lease.
ALTER TABLE grants ADD COLUMN refresh_lease_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE grants ADD COLUMN refresh_lease_by VARCHAR(64);
