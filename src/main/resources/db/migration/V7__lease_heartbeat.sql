-- Crash safety (issue 8): leases are short and kept alive by a heartbeat; this is when the current holder took the
-- job, so a worker that hangs for longer than docpipe.lease.max-hold-seconds loses it.
ALTER TABLE jobs ADD COLUMN leased_at timestamptz;
