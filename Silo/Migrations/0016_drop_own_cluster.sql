-- The cluster runs on Orleans' membership table (0014) and its grain directory; the tables of our own
-- membership and tenant leases (0005) have had no reader or writer since, so they go. The storage fence
-- that the leases backed is each row's version (ETag): a stale activation's write is refused by it.
DROP TABLE IF EXISTS tenant_leases;
DROP TABLE IF EXISTS silos;
