#!/usr/bin/env python3
"""Seeds the benchmark company with SQL, in a few big transactions.

    seed.py DB_PATH EMAIL [--customers 10000] [--invoices 100000] [--mandates 10000]
            [--subscriptions 10000] [--subscription-start 2026-12-01]

The company and its user must exist (bench/run.sh signs up through the server, which also ran
the migrations). Rows follow migrations/sqlite: dates 'YYYY-MM-DD', instants RFC 3339 UTC,
money in cents, quantities in thousandths, invoice numbers YYYY-NNNN from invoice_counters,
structured communications from the invoice id (mod 97), search_text as the repositories
write it. Deterministic (fixed random seed). Prints one line of counts and the time taken.
"""

import argparse
import datetime as dt
import random
import sqlite3
import sys
import time

FIRST = ["Anne", "Luc", "Sofie", "Julien", "Emma", "Nicolas", "Thomas", "Camille", "Lotte", "Pieter",
         "Marie", "Jan", "Elise", "Koen", "Nathalie", "Wout", "Chloé", "Bram", "Inès", "Maxime"]
LAST = ["Peeters", "Lambert", "Claes", "Dubois", "Willems", "Lemaire", "Jacobs", "Renard", "Maes",
        "Janssens", "Mertens", "Dupont", "Goossens", "Wouters", "De Smet", "Leroy", "Hermans", "Simon"]
FIRMS = ["Brasserie", "Bouw", "Atelier", "Fietsen", "Garage", "Boulangerie", "Drukkerij", "Cabinet",
         "Traiteur", "Schrijnwerkerij", "Pharmacie", "Consult"]
FORMS = ["SRL", "BV", "SA", "NV", "SC", "CV"]
CITIES = [("Gent", "9000", "nl"), ("Namur", "5000", "fr"), ("Leuven", "3000", "nl"), ("Liège", "4000", "fr"),
          ("Antwerpen", "2000", "nl"), ("Bruxelles", "1000", "fr"), ("Brugge", "8000", "nl"), ("Mons", "7000", "fr"),
          ("Hasselt", "3500", "nl"), ("Charleroi", "6000", "fr"), ("Kortrijk", "8500", "nl"), ("Arlon", "6700", "fr")]
STREETS = ["Veldstraat", "Rue de Fer", "Bondgenotenlaan", "Place Saint-Lambert", "Meir", "Rue Neuve",
           "Steenstraat", "Grand-Place", "Kerkstraat", "Avenue Louise", "Stationsstraat", "Rue Haute"]
ITEMS = [("Pain de campagne", 350, 6), ("Abonnement mensuel", 2500, 21), ("Consultance (heure)", 8500, 21),
         ("Croissants", 120, 6), ("Livraison", 750, 21), ("Maintenance", 4900, 21), ("Boeken", 1995, 6),
         ("Herstelling", 6500, 21), ("Verzekering", 3000, 0), ("Huur materiaal", 1500, 12)]


def rfc3339(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def structured_communication(invoice_id: int) -> str:
    base = invoice_id % 10_000_000_000
    check = base % 97 or 97
    d = f"{base:010}{check:02}"
    return f"+++{d[:3]}/{d[3:7]}/{d[7:]}+++"


def round_half_away(num: int, den: int) -> int:
    """num/den rounded to the nearest integer, halves away from zero."""
    q, r = divmod(abs(num), den)
    if 2 * r >= den:
        q += 1
    return q if num >= 0 else -q


def belgian_iban(rng: random.Random) -> str:
    bank = rng.randrange(10**10)
    check_nat = bank % 97 or 97
    bban = f"{bank:010}{check_nat:02}"
    # ISO 13616 check digits: BBAN + "BE00" as digits (B=11, E=14)
    n = int(bban + "111400")
    check = 98 - n % 97
    return f"BE{check:02}{bban}"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("db")
    p.add_argument("email")
    p.add_argument("--customers", type=int, default=10_000)
    p.add_argument("--invoices", type=int, default=100_000)
    p.add_argument("--mandates", type=int, default=10_000)
    p.add_argument("--subscriptions", type=int, default=10_000)
    p.add_argument("--subscription-start", default="2026-12-01")
    a = p.parse_args()
    rng = random.Random(8)
    started = time.monotonic()

    con = sqlite3.connect(a.db, timeout=30, isolation_level=None)
    con.execute("PRAGMA busy_timeout = 30000")
    con.execute("PRAGMA synchronous = NORMAL")
    row = con.execute("SELECT company_id FROM users WHERE lower(email) = lower(?)", (a.email,)).fetchone()
    if row is None:
        print(f"seed: no user {a.email}", file=sys.stderr)
        return 1
    company = row[0]
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    today = now.date()

    def next_id(table: str) -> int:
        return (con.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]) + 1

    # ---- customers -------------------------------------------------------------------------
    con.execute("BEGIN IMMEDIATE")
    cid0 = next_id("customers")
    customers = []  # (id, number, display_name, kind)
    rows = []
    for i in range(a.customers):
        cid = cid0 + i
        number = f"C{i + 1:05}"
        city, postcode, lang = rng.choice(CITIES)
        street = f"{rng.choice(STREETS)} {rng.randint(1, 250)}"
        created = rfc3339(now - dt.timedelta(days=700 - i * 700 // max(a.customers, 1), seconds=rng.randrange(86400)))
        if rng.random() < 0.8:
            kind, first, last, firm, vat = "individual", rng.choice(FIRST), rng.choice(LAST), "", ""
            name = f"{first} {last}"
            email = f"{first.lower()}.{last.lower().replace(' ', '')}{i}@example.be"
        else:
            kind, first, last = "company", "", ""
            firm = f"{rng.choice(FIRMS)} {rng.choice(LAST)} {rng.choice(FORMS)}"
            base = rng.randrange(10**6, 10**7)  # enterprise number 0NNNNNNN + 97 - (it mod 97)
            vat = f"BE0{base}{97 - base % 97:02}"
            name = firm
            email = f"facturation{i}@{firm.split()[0].lower()}.be"
        iban = belgian_iban(rng) if rng.random() < 0.6 else ""
        search = " ".join([name, email, number, city, vat]).lower()
        archived = rfc3339(now - dt.timedelta(days=rng.randint(1, 90))) if rng.random() < 0.02 else None
        rows.append((cid, company, number, kind, first, last, firm, vat, email, f"+32 4{rng.randrange(10**8):08}",
                     lang, street, postcode, city, "BE", iban, name, search, archived, created, created))
        customers.append((cid, number, name, kind))
    con.executemany(
        "INSERT INTO customers (id, company_id, number, kind, first_name, last_name, company_name, vat_number, email,"
        " phone, language, street, postcode, city, country, iban, display_name, search_text, archived_at, created_at,"
        " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    con.execute("COMMIT")

    # ---- invoices, lines, events, payments -------------------------------------------------
    con.execute("BEGIN IMMEDIATE")
    iid0 = next_id("invoices")
    start = dt.date(today.year - 1, 1, 1)
    span = (today - start).days
    # issue dates ascending so numbers follow dates within a year
    dates = sorted(start + dt.timedelta(days=rng.randrange(span)) for _ in range(a.invoices))
    counters = {}
    inv, lines, events, payments = [], [], [], []
    for n, issue in enumerate(dates):
        iid = iid0 + n
        cid, _number, name, _kind = customers[rng.randrange(len(customers))] if customers else (None, "", "", "")
        term = rng.choice([14, 30, 30, 30, 60])
        due = issue + dt.timedelta(days=term)
        r = rng.random()
        status = "draft" if (r < 0.03 and issue > today - dt.timedelta(days=30)) else \
            "cancelled" if r < 0.06 else "paid" if (due < today and r < 0.85) or r < 0.45 else "open"
        excl = vat = 0
        by_rate = {}
        for pos in range(rng.choice([1, 1, 2, 3])):
            desc, price, rate = rng.choice(ITEMS)
            qty = rng.choice([1000, 1000, 2000, 500, 1500, 12000])
            amount = round_half_away(qty * price, 1000)
            lines.append((iid, pos, desc, qty, price, rate, amount))
            by_rate[rate] = by_rate.get(rate, 0) + amount
            excl += amount
        for rate, base in by_rate.items():
            vat += round_half_away(base * rate, 100)
        incl = excl + vat
        created_t = dt.datetime.combine(issue, dt.time(9, 0), dt.timezone.utc) + dt.timedelta(seconds=rng.randrange(28800))
        created = rfc3339(created_t)
        number = None
        if status != "draft":
            seq = counters.get(issue.year, 0) + 1
            counters[issue.year] = seq
            number = f"{issue.year}-{seq:04}"
        search = f" {name}".lower()  # a draft's, as insert_draft writes it
        if number:
            search = f"{number} {search}"  # issue_in prefixes the number
        paid = incl if status == "paid" else 0
        cancel = "Doublon / dubbel" if status == "cancelled" else None
        inv.append((iid, company, cid, number, status, issue.isoformat(), term, due.isoformat(),
                    structured_communication(iid), excl, vat, incl, paid, cancel, search, created, created))
        events.append((company, iid, created, "created", "{}"))
        if number:
            events.append((company, iid, created, "issued", f'{{"number":"{number}"}}'))
        if status == "paid":
            paid_on = min(today, due - dt.timedelta(days=rng.randrange(term)))
            pt = rfc3339(dt.datetime.combine(paid_on, dt.time(12, 0), dt.timezone.utc))
            payments.append((company, iid, paid_on.isoformat(), incl, rng.choice(["bank_transfer", "bank_transfer", "cash"]), None, pt))
            events.append((company, iid, pt, "payment_recorded", f'{{"amount_cents":{incl},"paid_on":"{paid_on}"}}'))
            events.append((company, iid, pt, "paid", "{}"))
        elif status == "cancelled":
            events.append((company, iid, created, "cancelled", '{"reason":"Doublon / dubbel"}'))
    con.executemany(
        "INSERT INTO invoices (id, company_id, customer_id, number, status, issue_date, payment_term_days, due_date,"
        " structured_communication, total_excl_cents, vat_cents, total_incl_cents, paid_cents, cancel_reason,"
        " search_text, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", inv)
    con.executemany(
        "INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit_price_cents, vat_rate,"
        " amount_cents) VALUES (?,?,?,?,?,?,?)", lines)
    con.executemany("INSERT INTO invoice_events (company_id, invoice_id, at, kind, details) VALUES (?,?,?,?,?)", events)
    con.executemany(
        "INSERT INTO payments (company_id, invoice_id, paid_on, amount_cents, method, external_ref, created_at)"
        " VALUES (?,?,?,?,?,?,?)", payments)
    for year, last in counters.items():
        con.execute(
            "INSERT INTO invoice_counters (company_id, year, last_number) VALUES (?,?,?)"
            " ON CONFLICT (company_id, year) DO UPDATE SET last_number = MAX(last_number, excluded.last_number)",
            (company, year, last))
    con.execute("COMMIT")

    # ---- mandates (one per customer for the first N) and their history ---------------------
    con.execute("BEGIN IMMEDIATE")
    mandates, mevents = [], []
    for i in range(min(a.mandates, len(customers))):
        cid, number, _name, kind = customers[i]
        r = rng.random()
        state = "signed" if r < 0.75 else "prepared" if r < 0.85 else "cancelled" if r < 0.92 else \
            "suspended" if r < 0.96 else "pending_bank"
        b2b = kind == "company"
        ref = f"ENCB{i + 1:06}"
        created = rfc3339(now - dt.timedelta(days=rng.randint(1, 600)))
        signed = state != "prepared"
        mandates.append((company, cid, ref, 1002 if b2b else 1001, "B2B" if b2b else "CORE", state,
                         None if signed else f"http://127.0.0.1/sign/{ref.lower()}",
                         belgian_iban(rng) if signed else None, "KREDBEBB" if signed else None,
                         created if signed else None, "sms" if signed else None, created,
                         "uncollectable|user" if state == "suspended" else None, created, created))
        mevents.append((company, cid, ref, created, "prepared", ""))
        if signed:
            mevents.append((company, cid, ref, created, "signed", ""))
        if state in ("cancelled", "suspended"):
            mevents.append((company, cid, ref, created, state, ""))
    con.executemany(
        "INSERT INTO mandates (company_id, customer_id, reference, template_id, scheme, state, sign_url, iban, bic,"
        " signed_at, sign_method, invited_at, state_reason, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", mandates)
    con.executemany(
        "INSERT INTO mandate_events (company_id, customer_id, mandate_reference, at, kind, detail) VALUES (?,?,?,?,?,?)",
        mevents)
    con.execute("COMMIT")

    # ---- subscriptions, all due on --subscription-start (the scheduler bench) ---------------
    con.execute("BEGIN IMMEDIATE")
    sid0 = next_id("subscriptions")
    sub_start = a.subscription_start
    subs, slines = [], []
    for i in range(a.subscriptions):
        sid = sid0 + i
        cid = customers[i % len(customers)][0]
        created = rfc3339(now)
        subs.append((sid, company, cid, 1, sub_start, None, 0, sub_start, "active", 30, 1 if i % 2 else 0, 0,
                     created, created))
        for pos in range(1 + i % 2):
            desc, price, rate = ITEMS[(i + pos) % len(ITEMS)]
            slines.append((sid, pos, desc, 1000, price, rate))
    con.executemany(
        "INSERT INTO subscriptions (id, company_id, customer_id, every_months, start_date, end_date, next_period,"
        " next_period_start, status, payment_term_days, send_email, collect_with_twikey, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", subs)
    con.executemany(
        "INSERT INTO subscription_lines (subscription_id, position, description, quantity_milli, unit_price_cents,"
        " vat_rate) VALUES (?,?,?,?,?,?)", slines)
    con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(PASSIVE)")  # leave the data in the main file, as in steady state
    con.close()

    print(f"seeded company {company}: {len(customers)} customers, {len(inv)} invoices ({len(lines)} lines, "
          f"{len(events)} events, {len(payments)} payments), {len(mandates)} mandates, {len(subs)} subscriptions "
          f"in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
