-- Companies (tenants), their users and sessions, and customers.

CREATE TABLE companies (
    id          INTEGER PRIMARY KEY,
    -- unguessable id used in public URLs (Twikey callback)
    public_id   TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    company_id     INTEGER NOT NULL REFERENCES companies(id),
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    language       TEXT NOT NULL DEFAULT 'en',
    created_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

-- Only a SHA-256 of the session token is stored: a leaked database opens no session.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins per e-mail, to slow down password guessing.
CREATE TABLE login_throttle (
    key              TEXT PRIMARY KEY,
    failures         INTEGER NOT NULL,
    last_failure_at  TEXT NOT NULL
);

CREATE TABLE customers (
    id            INTEGER PRIMARY KEY,
    company_id    INTEGER NOT NULL REFERENCES companies(id),
    number        TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('individual', 'company')),
    first_name    TEXT NOT NULL DEFAULT '',
    last_name     TEXT NOT NULL DEFAULT '',
    company_name  TEXT NOT NULL DEFAULT '',
    vat_number    TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT 'fr',
    street        TEXT NOT NULL DEFAULT '',
    postcode      TEXT NOT NULL DEFAULT '',
    city          TEXT NOT NULL DEFAULT '',
    country       TEXT NOT NULL DEFAULT 'BE',
    iban          TEXT NOT NULL DEFAULT '',
    display_name  TEXT NOT NULL,
    -- lower-cased name, e-mail, number, city and VAT: one portable LIKE serves search
    search_text   TEXT NOT NULL,
    archived_at   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (company_id, number)
);
CREATE INDEX customers_company_name ON customers (company_id, archived_at, display_name);
CREATE INDEX customers_company_created ON customers (company_id, created_at);

-- Per-company Twikey connection (configured by the Twikey issues; the switch exists from day one).
CREATE TABLE twikey_settings (
    company_id  INTEGER PRIMARY KEY REFERENCES companies(id),
    enabled     INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL
);
