-- Collections: one row per attempt to debit an invoice through Twikey.
--
-- Exactly once: the row and its idempotency key are written BEFORE Twikey is called, a retry
-- reuses the key, and at most one collection per invoice is running (partial unique index).

CREATE TABLE collections (
    id                INTEGER PRIMARY KEY,
    company_id        INTEGER NOT NULL REFERENCES companies(id),
    invoice_id        INTEGER NOT NULL REFERENCES invoices(id),
    mandate_reference TEXT NOT NULL,
    reference         TEXT NOT NULL,            -- our reference, Twikey's `ref`
    idempotency_key   TEXT NOT NULL UNIQUE,
    amount_cents      INTEGER NOT NULL CHECK (amount_cents > 0),
    attempt           INTEGER NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('requested', 'open', 'paid', 'failed')),
    twikey_id         INTEGER,
    prenotify         INTEGER NOT NULL DEFAULT 0,
    collection_date   TEXT,                     -- requested collection date (reqcolldt)
    reason_code       TEXT,                     -- SEPA R-code of a failure or reversal
    reason_message    TEXT,
    reversed          INTEGER NOT NULL DEFAULT 0,
    retry_at          TEXT,                     -- automatic retry planned for this failure
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (company_id, reference)
);
CREATE UNIQUE INDEX collections_one_running ON collections (invoice_id) WHERE state IN ('requested', 'open');
CREATE INDEX collections_invoice ON collections (company_id, invoice_id, id);
CREATE INDEX collections_retry ON collections (retry_at) WHERE retry_at IS NOT NULL;

-- Automatic retries of failed collections (off by default).
ALTER TABLE twikey_settings ADD COLUMN retry_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE twikey_settings ADD COLUMN retry_after_days INTEGER NOT NULL DEFAULT 5;
ALTER TABLE twikey_settings ADD COLUMN retry_max INTEGER NOT NULL DEFAULT 2;
