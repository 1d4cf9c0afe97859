-- A message being delivered is claimed until this instant, so two deliveries (two servers, or
-- a scheduler tick overlapping a "Send") never send it twice; a crashed delivery's claim expires.
ALTER TABLE outbox ADD COLUMN claimed_until TEXT;
