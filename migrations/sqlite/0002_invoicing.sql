-- Invoicing: invoices and their lines, numbering counters, payments, the invoice timeline,
-- the mail outbox, and subscriptions (recurring invoices).
-- Money is INTEGER cents, quantities INTEGER thousandths, dates TEXT 'YYYY-MM-DD',
-- instants TEXT (RFC 3339 UTC).

-- One row per company and year: the last number issued. Incremented in the issuing
-- transaction, so numbers have neither gaps nor duplicates.
CREATE TABLE invoice_counters (
    company_id   INTEGER NOT NULL REFERENCES companies(id),
    year         INTEGER NOT NULL,
    last_number  INTEGER NOT NULL,
    PRIMARY KEY (company_id, year)
);

CREATE TABLE subscriptions (
    id                   INTEGER PRIMARY KEY,
    company_id           INTEGER NOT NULL REFERENCES companies(id),
    customer_id          INTEGER NOT NULL REFERENCES customers(id),
    every_months         INTEGER NOT NULL CHECK (every_months IN (1, 3, 12)),
    start_date           TEXT NOT NULL,
    end_date             TEXT,
    -- index of the next period to invoice (period k starts at start_date + k * every_months)
    next_period          INTEGER NOT NULL DEFAULT 0,
    -- start of that period, kept in step with next_period (what the scheduler looks up)
    next_period_start    TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('active', 'paused', 'ended')),
    payment_term_days    INTEGER NOT NULL DEFAULT 30,
    send_email           INTEGER NOT NULL DEFAULT 0,
    -- stored here; the Twikey module gives it effect
    collect_with_twikey  INTEGER NOT NULL DEFAULT 0,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX subscriptions_due ON subscriptions (status, next_period_start);
CREATE INDEX subscriptions_company ON subscriptions (company_id, customer_id);

CREATE TABLE subscription_lines (
    id                INTEGER PRIMARY KEY,
    subscription_id   INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    description       TEXT NOT NULL,
    quantity_milli    INTEGER NOT NULL,
    unit_price_cents  INTEGER NOT NULL,
    vat_rate          INTEGER NOT NULL CHECK (vat_rate IN (0, 6, 12, 21))
);
CREATE INDEX subscription_lines_subscription ON subscription_lines (subscription_id, position);

CREATE TABLE invoices (
    id                        INTEGER PRIMARY KEY,
    company_id                INTEGER NOT NULL REFERENCES companies(id),
    customer_id               INTEGER NOT NULL REFERENCES customers(id),
    -- assigned when issued: 2026-0001
    number                    TEXT,
    status                    TEXT NOT NULL CHECK (status IN ('draft', 'open', 'paid', 'cancelled')),
    issue_date                TEXT NOT NULL,
    payment_term_days         INTEGER NOT NULL,
    due_date                  TEXT NOT NULL,
    structured_communication  TEXT NOT NULL,
    total_excl_cents          INTEGER NOT NULL DEFAULT 0,
    vat_cents                 INTEGER NOT NULL DEFAULT 0,
    total_incl_cents          INTEGER NOT NULL DEFAULT 0,
    -- sum of the payments (kept in the payment's transaction); open amount = total - paid
    paid_cents                INTEGER NOT NULL DEFAULT 0,
    cancel_reason             TEXT,
    subscription_id           INTEGER REFERENCES subscriptions(id),
    period_start              TEXT,
    -- lower-cased number and customer name: one portable LIKE serves search
    search_text               TEXT NOT NULL DEFAULT '',
    created_at                TEXT NOT NULL,
    updated_at                TEXT NOT NULL,
    UNIQUE (company_id, number),
    -- exactly one invoice per subscription and period (NULLs, for one-off invoices, never clash)
    UNIQUE (subscription_id, period_start)
);
CREATE INDEX invoices_company_issue ON invoices (company_id, issue_date, id);
CREATE INDEX invoices_company_status_due ON invoices (company_id, status, due_date);
CREATE INDEX invoices_company_customer ON invoices (company_id, customer_id, issue_date);

CREATE TABLE invoice_lines (
    id                INTEGER PRIMARY KEY,
    invoice_id        INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    description       TEXT NOT NULL,
    quantity_milli    INTEGER NOT NULL,
    unit_price_cents  INTEGER NOT NULL,
    vat_rate          INTEGER NOT NULL CHECK (vat_rate IN (0, 6, 12, 21)),
    amount_cents      INTEGER NOT NULL
);
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id, position);

-- method: bank_transfer, cash, other; later modules add their own (direct_debit).
-- external_ref links a payment to what caused it elsewhere (a Twikey collection), once.
CREATE TABLE payments (
    id            INTEGER PRIMARY KEY,
    company_id    INTEGER NOT NULL REFERENCES companies(id),
    invoice_id    INTEGER NOT NULL REFERENCES invoices(id),
    paid_on       TEXT NOT NULL,
    amount_cents  INTEGER NOT NULL,
    method        TEXT NOT NULL,
    external_ref  TEXT,
    created_at    TEXT NOT NULL
);
CREATE INDEX payments_invoice ON payments (invoice_id, paid_on);
CREATE INDEX payments_company_paid_on ON payments (company_id, paid_on);
CREATE UNIQUE INDEX payments_external_ref ON payments (company_id, method, external_ref) WHERE external_ref IS NOT NULL;

-- The invoice timeline: every change to an invoice with its time and cause.
-- kind: created, issued, sent, payment_recorded, paid, cancelled, ... (later: twikey_*).
-- details: a JSON object whose keys depend on the kind.
CREATE TABLE invoice_events (
    id          INTEGER PRIMARY KEY,
    company_id  INTEGER NOT NULL REFERENCES companies(id),
    invoice_id  INTEGER NOT NULL REFERENCES invoices(id),
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    details     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX invoice_events_invoice ON invoice_events (invoice_id, at, id);

-- Every e-mail Encaisse sends. Queued in the transaction that decides to send; delivered by
-- SMTP when configured (status sent / failed), otherwise kept here (status stored) and shown
-- on the Outbox page, so nothing is silently lost.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    company_id  INTEGER NOT NULL REFERENCES companies(id),
    invoice_id  INTEGER REFERENCES invoices(id),
    to_email    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'stored', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
);
CREATE INDEX outbox_company ON outbox (company_id, id);
CREATE INDEX outbox_queued ON outbox (status) WHERE status = 'queued';
