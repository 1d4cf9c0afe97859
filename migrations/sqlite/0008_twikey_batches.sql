-- Twikey as it really is (collection batches, one account per company, enhanced security).

-- The Twikey account (merchant id, from the login) a company is connected to: one company each.
ALTER TABLE twikey_settings ADD COLUMN merchant_id TEXT;
CREATE UNIQUE INDEX twikey_settings_one_company_per_account ON twikey_settings (merchant_id) WHERE merchant_id IS NOT NULL;
-- Private key of an API key with "enhanced security" (login with a one-time password), sealed like the API key.
ALTER TABLE twikey_settings ADD COLUMN private_key_encrypted TEXT;
-- Who sends open transactions to the bank: 1 = Encaisse, one batch per contract and day;
-- 0 = the Twikey profile's automatic sending.
ALTER TABLE twikey_settings ADD COLUMN batch_sending INTEGER NOT NULL DEFAULT 1;

-- One `POST /collect` per company, contract (template) and day, claimed before the call.
CREATE TABLE collection_batches (
    id              INTEGER PRIMARY KEY,
    company_id      INTEGER NOT NULL REFERENCES companies(id),
    template_id     INTEGER NOT NULL,
    day             TEXT NOT NULL,              -- Brussels date the batch belongs to
    state           TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'empty', 'failed')),
    prenotify       INTEGER NOT NULL DEFAULT 0,
    collection_date TEXT,                       -- colltndt asked for (none: earliest)
    message_ids     TEXT,                       -- frstMsgId / rcurMsgId
    error           TEXT,
    until_ms        INTEGER NOT NULL,           -- only transactions created before this were included
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (company_id, template_id, day)
);
ALTER TABLE collections ADD COLUMN batch_id INTEGER REFERENCES collection_batches(id);
CREATE INDEX collections_unbatched ON collections (company_id) WHERE state = 'open' AND batch_id IS NULL;
