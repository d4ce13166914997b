-- Regular checks without a write per claim. Every grant has a fixed phase in [0, 1): its place
-- within the polling interval, spread evenly by id (golden-ratio spacing). Dispatchers claim
-- windows of time from the one dispatch_cursor row (a compare-and-set) and check the grants whose
-- phase falls in the window; no grant row is written to claim it. next_check_at now only holds
-- checks outside the regular slots: the first check, retries after failures, removal confirmations.
ALTER TABLE grants ADD COLUMN phase DOUBLE PRECISION;
-- In floating point on purpose: H2 rounds MOD of a decimal to whole numbers.
UPDATE grants SET phase = CAST(id AS DOUBLE PRECISION) * 0.6180339887498949
                        - FLOOR(CAST(id AS DOUBLE PRECISION) * 0.6180339887498949);
UPDATE grants SET next_check_at = NULL WHERE next_check_at IS NOT NULL AND status <> 'PENDING';
CREATE INDEX grants_phase ON grants (phase);

CREATE TABLE dispatch_cursor (
    id            INTEGER PRIMARY KEY,
    -- Every regular slot up to this time has been claimed by a dispatcher.
    checked_until TIMESTAMP WITH TIME ZONE
);

INSERT INTO dispatch_cursor (id, checked_until) VALUES (1, NULL);
