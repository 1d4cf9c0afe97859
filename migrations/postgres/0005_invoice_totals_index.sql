-- The invoice list shows totals of the whole filtered set: a covering index serves the sums.
CREATE INDEX invoices_company_status_amounts ON invoices (company_id, status) INCLUDE (total_incl_cents, paid_cents);
