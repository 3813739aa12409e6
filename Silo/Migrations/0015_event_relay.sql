-- One tenant's writes no longer queue behind each other for event numbers.
--
-- Before: every write that carried an event locked its tenant's event_sequences row until commit, so a
-- tenant committed one event-carrying change at a time. Now a write appends its events unnumbered
-- (seq NULL, a global identity id); the tenant's event relay numbers them once they have committed.
-- The relay locks the tenant's row in event_positions, then, in a statement with a fresh snapshot,
-- gives the next positions to the committed unnumbered events in id order and moves the row on, all
-- in one transaction. So:
--   * an event is numbered only once its transaction has committed (it is invisible before);
--   * a transaction that commits late is numbered by the next round (it is still unnumbered), never skipped;
--   * relay rounds of a tenant run one at a time under the row lock, each starting from the last one's
--     committed end, so positions have no gaps and readers that read "after p" in position order see a
--     prefix that only grows.
-- Only the relay writes event_positions; writers never touch it.

ALTER TABLE event_sequences RENAME TO event_positions;

ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ALTER COLUMN seq DROP NOT NULL;
ALTER TABLE events ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id);

-- Readers: a tenant's events after a position, in order.
CREATE UNIQUE INDEX events_position ON events (tenant_id, seq);

-- The relay: a tenant's events not yet numbered, in append order (small: they are numbered within moments).
CREATE INDEX events_unnumbered ON events (tenant_id, id) WHERE seq IS NULL;

-- Record timelines read the audit log; nothing reads events by entity, and each index is paid for twice per event
-- (the append and the numbering).
DROP INDEX events_entity;
