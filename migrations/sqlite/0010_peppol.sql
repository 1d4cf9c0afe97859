-- Peppol delivery of issued documents through the company's access point (Twikey).
--
-- Exactly once: the row is written in the issuing transaction with the document's stable id
-- (`document_uuid`, Twikey's X-INVOICE-ID), claimed with a lease by one delivery at a time,
-- retried with backoff; `action_sent_at` says the delivery was asked for, so a retry after a
-- lost answer first asks the access point whether it was done.
CREATE TABLE peppol_deliveries (
    id                INTEGER PRIMARY KEY,
    company_id        INTEGER NOT NULL REFERENCES companies(id),
    invoice_id        INTEGER NOT NULL REFERENCES invoices(id),
    credit_note_id    INTEGER,                  -- a credit note of that invoice; NULL: the invoice itself
    customer_id       INTEGER NOT NULL REFERENCES customers(id),
    enterprise_number TEXT NOT NULL,            -- the buyer's Peppol id (scheme 0208), 10 digits
    access_point      TEXT NOT NULL,            -- 'twikey'
    document_uuid     TEXT NOT NULL UNIQUE,     -- the document's id at the access point (X-INVOICE-ID)
    state             TEXT NOT NULL CHECK (state IN ('queued', 'uploaded', 'delivered', 'failed', 'not_reachable')),
    remote_id         TEXT,                     -- the access point's id of the uploaded document
    contract          TEXT,                     -- the mandate sent with it (X-CONTRACT), when collected by direct debit
    action_sent_at    TEXT,                     -- the delivery was asked for (its answer may have been lost)
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   TEXT NOT NULL,
    claimed_until     TEXT,
    last_error        TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    delivered_at      TEXT
);
-- One delivery per document: the invoice, and each of its credit notes.
CREATE UNIQUE INDEX peppol_deliveries_document ON peppol_deliveries (invoice_id, COALESCE(credit_note_id, 0));
CREATE INDEX peppol_deliveries_due ON peppol_deliveries (next_attempt_at) WHERE state IN ('queued', 'uploaded');
CREATE INDEX peppol_deliveries_company ON peppol_deliveries (company_id, state);

-- Whether a customer can receive over Peppol, as last looked up (per customer and number).
CREATE TABLE peppol_receivers (
    company_id        INTEGER NOT NULL REFERENCES companies(id),
    customer_id       INTEGER NOT NULL REFERENCES customers(id),
    enterprise_number TEXT NOT NULL,
    can_receive       INTEGER NOT NULL,
    checked_at        TEXT NOT NULL,
    PRIMARY KEY (company_id, customer_id)
);
