#!/usr/bin/env python3
"""Helpers for bench/run.sh (Python standard library only; 127.0.0.1 only).

    helpers.py free-port
    helpers.py sign QUERY KEY                       upper-case hex HMAC-SHA256 (Twikey's X-Signature)
    helpers.py wrk FILE                             wrk --latency output -> "rps p50_ms p99_ms requests bad"
    helpers.py mandates SANDBOX DB COMPANY N SECS   sign N mandates in twikey-sandbox (one per customer)
    helpers.py transactions SANDBOX DB COMPANY N SECS
                                                    N collections: rows here, transactions there, settled
    helpers.py sync-wait mandates|transactions WEBHOOK_URL KEY DB COMPANY N SECS
                                                    send one signed webhook, time the sync of N feed events
    helpers.py perf-rows FILE [LOAD]                results rows from end2end/perf's JSON lines
"""

import hashlib
import hmac
import http.client
import re
import socket
import sqlite3
import sys
import time
import urllib.parse


def local(url: str) -> urllib.parse.SplitResult:
    u = urllib.parse.urlsplit(url)
    if u.hostname != "127.0.0.1":
        sys.exit(f"refusing a non-local address: {url}")
    return u


def sign(query: str, key: str) -> str:
    return hmac.new(key.encode(), query.encode(), hashlib.sha256).hexdigest().upper()


def to_ms(v: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", v)
    if not m:
        return float("nan")
    n, unit = float(m.group(1)), m.group(2)
    return n * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(path: str) -> str:
    text = open(path).read()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    total = re.search(r"(\d+) requests in", text)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    return " ".join([
        rps.group(1) if rps else "nan",
        f"{to_ms(p50.group(1)):.2f}" if p50 else "nan",
        f"{to_ms(p99.group(1)):.2f}" if p99 else "nan",
        total.group(1) if total else "0",
        str((int(bad.group(1)) if bad else 0) + errors),
    ])


def form_post(conn: http.client.HTTPConnection, path: str, fields: dict, headers: dict):
    body = urllib.parse.urlencode(fields)
    conn.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded", **headers})
    r = conn.getresponse()
    return r, r.read()


def sandbox_login(conn: http.client.HTTPConnection) -> str:
    """The session token of the sandbox's default API key."""
    r, body = form_post(conn, "/creditor", {"apiToken": "sandbox-api-key"}, {})
    token = r.getheader("Authorization")
    if r.status != 200 or not token:
        sys.exit(f"sandbox login failed: {r.status} {body[:200]!r}")
    return token


def mandates(sandbox: str, db: str, company: int, n: int, secs: float) -> int:
    """Signs one mandate per customer (CORE for individuals, B2B for companies) until n or secs."""
    u = local(sandbox)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    customers = con.execute(
        "SELECT number, kind, first_name, last_name, company_name, email, language, vat_number FROM customers"
        " WHERE company_id = ? ORDER BY id LIMIT ?", (company, n)).fetchall()
    con.close()
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    token = sandbox_login(conn)
    started, done = time.monotonic(), 0
    for i, (number, kind, first, last, firm, email, lang, vat) in enumerate(customers):
        if time.monotonic() - started > secs:
            break
        b2b = kind == "company"
        fields = {"ct": "1002" if b2b else "1001", "method": "sms", "iban": "BE68539007547034", "bic": "KREDBEBB",
                  "customerNumber": number, "email": email, "l": lang}
        if b2b:
            fields.update({"companyName": firm, "vatno": vat})
        else:
            fields.update({"firstname": first, "lastname": last})
        r, body = form_post(conn, "/creditor/sign", fields, {"Authorization": token})
        if r.status != 200:
            sys.exit(f"sandbox sign #{i} failed: {r.status} {body[:200]!r}")
        done += 1
    took = time.monotonic() - started
    print(f"{done} {took:.2f}")
    return 0


# What the sync of each feed changes, counted: new feed mandates, and the settled bench collections.
FEEDS = {
    "mandates": ("type=contract&mandateNumber=ENCB000001&event=Sign&state=SIGNED",
                 "SELECT COUNT(*) FROM mandates WHERE company_id = ? AND reference NOT LIKE 'ENCB%'"),
    "transactions": ("type=payment&event=Paid",
                     "SELECT COUNT(*) FROM collections WHERE company_id = ? AND idempotency_key LIKE 'bench-%' AND state <> 'open'"),
}


def sync_wait(feed: str, webhook: str, key: str, db: str, company: int, n: int, secs: float) -> int:
    """Sends one signed webhook for `feed` and waits until the sync applied n more of its
    changes and recorded its end. Prints "seconds_to_apply seconds_to_end applied error"."""
    query, count_sql = FEEDS[feed]
    u = local(webhook)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    count = lambda: con.execute(count_sql, (company,)).fetchone()[0]
    last_sync = lambda: con.execute(
        "SELECT last_sync_at, last_sync_error FROM twikey_settings WHERE company_id = ?", (company,)).fetchone()
    base = count()
    before = last_sync()[0]
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    started = time.monotonic()
    conn.request("GET", f"{u.path}?{query}", headers={"X-Signature": sign(query, key)})
    r = conn.getresponse()
    r.read()
    if r.status != 204:
        sys.exit(f"webhook answered {r.status}")
    applied_at = None
    while time.monotonic() - started < secs:
        applied = count() - base
        if applied_at is None and applied >= n:
            applied_at = time.monotonic() - started
        at, error = last_sync()
        if applied_at is not None and at != before:
            print(f"{applied_at:.2f} {time.monotonic() - started:.2f} {applied} {error or '-'}")
            return 0
        time.sleep(0.02)
    at, error = last_sync()
    print(f"nan nan {count() - base} {(error or 'timeout').replace(' ', '_')}")
    return 1


def transactions(sandbox: str, db: str, company: int, n: int, secs: float) -> int:
    """Collections as Encaisse starts them, n at once: for n open invoices, a collection row in
    the database (state open, its reference) and the transaction in the sandbox on a signed
    mandate, then the sandbox settles them all (paid, or failed by its settlement table), so the
    transaction feed holds n entries. Prints "made seconds"."""
    u = local(sandbox)
    con = sqlite3.connect(db, timeout=30)
    refs = [r[0] for r in con.execute(
        "SELECT reference FROM mandates WHERE company_id = ? AND state = 'signed' AND reference NOT LIKE 'ENCB%' ORDER BY id",
        (company,)).fetchall()]
    invoices = con.execute(
        "SELECT id, number, total_incl_cents - paid_cents FROM invoices i WHERE company_id = ? AND status = 'open'"
        " AND total_incl_cents > paid_cents AND NOT EXISTS (SELECT 1 FROM collections c WHERE c.invoice_id = i.id)"
        " ORDER BY id LIMIT ?", (company, n)).fetchall()
    if not refs:
        sys.exit("no signed mandate to collect on")
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    token = sandbox_login(conn)
    started, done, rows = time.monotonic(), 0, []
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    for i, (invoice, number, cents) in enumerate(invoices):
        if time.monotonic() - started > secs:
            break
        mandate, reference = refs[i % len(refs)], f"{number}-1"
        fields = {"mndtId": mandate, "message": f"Invoice {number}", "amount": f"{cents // 100}.{cents % 100:02d}", "ref": reference}
        r, body = form_post(conn, "/creditor/transaction", fields, {"Authorization": token})
        if r.status != 200:
            sys.exit(f"sandbox transaction #{i} failed: {r.status} {body[:200]!r}")
        rows.append((company, invoice, mandate, reference, f"bench-{reference}", cents, now, now))
        done += 1
    con.executemany(
        "INSERT INTO collections (company_id, invoice_id, mandate_reference, reference, idempotency_key, amount_cents,"
        " attempt, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, 'open', ?, ?)", rows)
    con.commit()
    con.close()
    settle = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    settle.request("POST", "/_sandbox/settle")
    r = settle.getresponse()
    r.read()
    if r.status != 200:
        sys.exit(f"settle answered {r.status}")
    print(f"{done} {time.monotonic() - started:.2f}")
    return 0


def perf_rows(path: str, load: str) -> None:
    """Rows (metric, value, target, met, load; US-separated) from end2end/perf's JSON lines."""
    import json

    wasm = None
    for line in open(path):
        r = json.loads(line)
        samples = ", ".join(str(s) for s in r["samples_ms"])
        print(f"first page interactive {r['path']} (navigation start → hydrated), median of {r['runs']} cold loads"
              f"\x1f{r['hydrated_median_ms']} ms (min {r['hydrated_min_ms']}, max {r['hydrated_max_ms']}; "
              f"DOMContentLoaded {r['dcl_median_ms']} ms, wasm fetched {r['wasm_fetched_median_ms']} ms; all: {samples})"
              f"\x1f\x1f\x1f{load}")
        wasm = wasm or r
    if wasm:
        print(f"wasm client over HTTP (Resource Timing): transferred / decoded"
              f"\x1f{wasm['wasm_transfer_bytes'] // 1024} KB / {wasm['wasm_decoded_bytes'] // 1024} KB "
              f"(JS glue {wasm['js_transfer_bytes'] // 1024} KB transferred)\x1f\x1f\x1f")


def main(argv: list) -> int:
    cmd, args = argv[1], argv[2:]
    if cmd == "free-port":
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])
        s.close()
    elif cmd == "sign":
        print(sign(args[0], args[1]))
    elif cmd == "wrk":
        print(parse_wrk(args[0]))
    elif cmd == "mandates":
        return mandates(args[0], args[1], int(args[2]), int(args[3]), float(args[4]))
    elif cmd == "perf-rows":
        perf_rows(args[0], args[1] if len(args) > 1 else "")
    elif cmd == "transactions":
        return transactions(args[0], args[1], int(args[2]), int(args[3]), float(args[4]))
    elif cmd == "sync-wait":
        return sync_wait(args[0], args[1], args[2], args[3], int(args[4]), int(args[5]), float(args[6]))
    else:
        sys.exit(f"unknown command {cmd}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
