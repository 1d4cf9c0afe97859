-- The customer list (active customers by name, the default) read in index order: PostgreSQL does
-- not take `archived_at IS NULL` as an equality, so (company_id, archived_at, display_name) made
-- it sort every active customer on each page; this partial index gives the order directly.
CREATE INDEX customers_active_name ON customers (company_id, display_name, id) WHERE archived_at IS NULL;
