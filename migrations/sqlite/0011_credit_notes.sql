-- Credit notes: an issued invoice is never edited; a credit note corrects it (in full or in
-- part). Their own gapless number series per company and year.
CREATE TABLE credit_notes (
    id               INTEGER PRIMARY KEY,
    company_id       INTEGER NOT NULL REFERENCES companies(id),
    invoice_id       INTEGER NOT NULL REFERENCES invoices(id),
    number           TEXT NOT NULL,
    issue_date       TEXT NOT NULL,
    -- lowers_amount_due | refunded_by_hand
    settlement       TEXT NOT NULL CHECK (settlement IN ('lowers_amount_due', 'refunded_by_hand', 'refunded_by_twikey')),
    total_excl_cents INTEGER NOT NULL,
    vat_cents        INTEGER NOT NULL,
    total_incl_cents INTEGER NOT NULL,
    document         TEXT NOT NULL,             -- JSON of domain::document::Document, frozen at issue
    created_at       TEXT NOT NULL,
    UNIQUE (company_id, number)
);
CREATE INDEX credit_notes_invoice ON credit_notes (company_id, invoice_id);
CREATE TABLE credit_note_counters (
    company_id  INTEGER NOT NULL REFERENCES companies(id),
    year        INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (company_id, year)
);
