-- Twikey connection per company, mandates and their history.

ALTER TABLE twikey_settings ADD COLUMN api_key_encrypted TEXT;
ALTER TABLE twikey_settings ADD COLUMN api_key_last4 TEXT;
ALTER TABLE twikey_settings ADD COLUMN b2c_ct INTEGER;
ALTER TABLE twikey_settings ADD COLUMN b2b_ct INTEGER;
ALTER TABLE twikey_settings ADD COLUMN prenotify INTEGER NOT NULL DEFAULT 0;
-- health shown on the connections page
ALTER TABLE twikey_settings ADD COLUMN last_login_at TEXT;
ALTER TABLE twikey_settings ADD COLUMN last_login_error TEXT;
ALTER TABLE twikey_settings ADD COLUMN last_webhook_at TEXT;
ALTER TABLE twikey_settings ADD COLUMN last_webhook_valid INTEGER;
ALTER TABLE twikey_settings ADD COLUMN last_test_webhook_at TEXT;
ALTER TABLE twikey_settings ADD COLUMN webhooks_rejected INTEGER NOT NULL DEFAULT 0;
ALTER TABLE twikey_settings ADD COLUMN last_sync_at TEXT;
ALTER TABLE twikey_settings ADD COLUMN last_sync_error TEXT;
-- feed positions (X-LAST), committed with the changes they produced
ALTER TABLE twikey_settings ADD COLUMN mandate_feed_position INTEGER;
ALTER TABLE twikey_settings ADD COLUMN transaction_feed_position INTEGER;

CREATE TABLE mandates (
    id            INTEGER PRIMARY KEY,
    company_id    INTEGER NOT NULL REFERENCES companies(id),
    customer_id   INTEGER REFERENCES customers(id),
    reference     TEXT NOT NULL,            -- Twikey MndtId
    template_id   INTEGER,                  -- ct
    scheme        TEXT NOT NULL DEFAULT 'CORE',
    state         TEXT NOT NULL CHECK (state IN ('prepared', 'signed', 'pending_bank', 'suspended', 'cancelled')),
    sign_url      TEXT,
    iban          TEXT,
    bic           TEXT,
    signed_at     TEXT,
    sign_method   TEXT,
    invited_at    TEXT,
    state_reason  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (company_id, reference)
);
CREATE INDEX mandates_customer ON mandates (company_id, customer_id, state);

-- What happened to a customer's mandates and why (the Twikey tab's history). Keyed by the
-- mandate reference, not the row, so the history outlives a deleted prepared mandate.
CREATE TABLE mandate_events (
    id                 INTEGER PRIMARY KEY,
    company_id         INTEGER NOT NULL REFERENCES companies(id),
    customer_id        INTEGER REFERENCES customers(id),
    mandate_reference  TEXT NOT NULL,
    at                 TEXT NOT NULL,
    kind               TEXT NOT NULL,
    detail             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mandate_events_customer ON mandate_events (company_id, customer_id, at);
