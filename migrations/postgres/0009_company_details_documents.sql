-- The legal identity a company's invoices carry (Belgian mandatory mentions), one row per company.
CREATE TABLE company_details (
    company_id         BIGINT PRIMARY KEY REFERENCES companies(id),
    legal_name         TEXT NOT NULL,
    street             TEXT NOT NULL,
    postcode           TEXT NOT NULL,
    city               TEXT NOT NULL,
    country            TEXT NOT NULL DEFAULT 'BE',
    enterprise_number  TEXT NOT NULL,            -- KBO/BCE, 10 digits
    vat_number         TEXT,                     -- BE + enterprise number; NULL under the small-business exemption
    small_business     BOOLEAN NOT NULL DEFAULT FALSE, -- art. 56bis: no VAT, the legal mention instead
    iban               TEXT NOT NULL,
    bic                TEXT NOT NULL,
    email              TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    website            TEXT NOT NULL DEFAULT '',
    logo_mime          TEXT,
    logo               BYTEA,
    payment_term_days  BIGINT NOT NULL DEFAULT 30,
    footer             TEXT NOT NULL DEFAULT '',
    updated_at         TIMESTAMPTZ NOT NULL
);

-- What an invoice needs of a company customer, and the buyer's own reference.
ALTER TABLE customers ADD COLUMN enterprise_number TEXT NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN buyer_reference TEXT NOT NULL DEFAULT '';

-- The legal document of an issued invoice, frozen at issue (seller and buyer as they were),
-- so its PDF and e-invoice are the same every time they are made.
CREATE TABLE invoice_documents (
    invoice_id  BIGINT PRIMARY KEY REFERENCES invoices(id),
    company_id  BIGINT NOT NULL REFERENCES companies(id),
    document    TEXT NOT NULL,                  -- JSON of domain::document::Document
    created_at  TIMESTAMPTZ NOT NULL
);
