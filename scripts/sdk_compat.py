"""Drives twikey-sandbox with Twikey's official Python SDK (twikey-api-python).

Usage: sdk_compat.py http://127.0.0.1:PORT   (exits non-zero on the first failure)
"""

import http.server
import sys
import threading
import time
from urllib.parse import unquote

import requests
import twikey
from twikey.client import TwikeyError
from twikey.document import DocumentFeed
from twikey.transaction import TransactionFeed
from twikey.webhook import Webhook

API_KEY = "sandbox-api-key"
SANDBOX = sys.argv[1].rstrip("/")
received = []  # (raw query, X-Signature)


class Hook(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        query = self.path.split("?", 1)[1] if "?" in self.path else ""
        received.append((query, self.headers.get("X-Signature")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def start_receiver():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return "http://127.0.0.1:%d/twikey/webhook" % server.server_address[1]


def wait_for(predicate, what, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def step(name):
    print("- " + name, flush=True)


def side_door(path, body):
    r = requests.post(SANDBOX + path, json=body, timeout=10)
    assert r.status_code == 200, (path, r.status_code, r.text)
    return r.json()


class Mandates(DocumentFeed):
    def __init__(self):
        self.new, self.updated, self.cancelled, self.positions = [], [], [], []

    def start(self, position, number_of_updates):
        self.positions.append(position)

    def new_document(self, doc, evt_time):
        self.new.append(doc)

    def updated_document(self, original_doc_number, doc, reason, evt_time):
        self.updated.append((original_doc_number, reason["Rsn"]))

    def cancelled_document(self, doc_number, reason, evt_time):
        self.cancelled.append((doc_number, reason["Rsn"]))


class Transactions(TransactionFeed):
    def __init__(self):
        self.entries = []

    def transaction(self, transaction):
        self.entries.append(transaction)


def main():
    step("webhook URL saved on the Settings -> API page")
    hook_url = start_receiver()
    r = requests.post(SANDBOX + "/settings/api", data={"apiKey": API_KEY, "webhookUrl": hook_url}, timeout=10)
    assert r.status_code == 200, r.text

    client = twikey.TwikeyClient(API_KEY, base_url=SANDBOX + "/creditor", user_agent="encaisse-sdk-compat")

    step("login")
    client.refresh_token_if_required()
    assert client.api_token, "no token"
    assert client.merchant_id, "no merchant id"
    try:
        twikey.TwikeyClient("wrong-key", base_url=SANDBOX + "/creditor").refresh_token_if_required()
        raise AssertionError("a wrong key must be refused")
    except TwikeyError as e:
        assert e.get_code() == "err_no_login", e

    step("invite")
    invite = client.document.create({
        "ct": 1001, "l": "fr", "email": "jeanne@example.be", "firstname": "Jeanne",
        "lastname": "Dupont", "customerNumber": "CUST-1", "address": "Rue Haute 1",
        "city": "Bruxelles", "zip": "1000", "country": "BE", "sendInvite": "true",
    })
    mndt_id = invite["mndtId"]
    assert invite["url"].startswith(SANDBOX + "/sign/"), invite

    step("sign on the signing page")
    page = requests.get(invite["url"], timeout=10).text
    assert 'for="iban"' in page and ">Sign</button>" in page
    r = requests.post(invite["url"], data={"iban": "BE68539007547034"}, timeout=10)
    assert r.status_code == 200, r.text

    step("mandate feed")
    feed = Mandates()
    client.document.feed(feed)
    assert [d["MndtId"] for d in feed.new] == [mndt_id], feed.new
    assert feed.new[0]["Dbtr"]["CtctDtls"]["Othr"] == "CUST-1"
    first_position = feed.positions[0]

    step("mandate update and feed resumed from a position")
    client.document.update({"mndtId": mndt_id, "firstName": "Jeanne-Marie"})
    resumed = Mandates()
    client.document.feed(resumed, start_position=first_position)
    assert resumed.updated and resumed.updated[0][0] == mndt_id, resumed.updated

    step("profile without automatic sending, one re-offer of insufficient funds (side door)")
    options = side_door("/_sandbox/templates", {"api_key": API_KEY, "ct": 1001, "auto_send": False, "reoffers": 1})
    assert options[0]["id"] == 1001 and options[0]["auto_send"] is False and options[0]["reoffers"] == 1, options

    step("transaction create")
    tx = client.transaction.create({"mndtId": mndt_id, "message": "Invoice 2024-001", "amount": "50.00", "ref": "INV-1"})
    assert tx["id"] and tx["mndtId"] == mndt_id and tx["ref"] == "INV-1", tx
    short = client.transaction.create({"mndtId": mndt_id, "message": "Invoice 2024-002", "amount": "8.00", "ref": "INV-2"})
    assert short["amount"] == 8.0, short

    step("a reused Idempotency-Key is refused with 409 err_duplicate_ref")
    # The SDK has no idempotency parameter: the same call by hand, with the SDK's session.
    def create_keyed(amount):
        headers = dict(client.headers(), **{"Idempotency-Key": "sdk-compat-inv-3"})
        data = {"mndtId": mndt_id, "message": "Invoice 2024-003", "amount": amount, "ref": "INV-3"}
        return requests.post(SANDBOX + "/creditor/transaction", data=data, headers=headers, timeout=10)

    first = create_keyed("40.00")
    assert first.status_code == 200 and "ApiErrorCode" not in first.headers, first.text
    keyed = first.json()["Entries"][0]
    for amount in ("40.00", "41.00"):
        again = create_keyed(amount)
        assert again.status_code == 409, (again.status_code, again.text)
        assert again.headers.get("ApiErrorCode") == "err_duplicate_ref", again.headers
        assert again.json()["code"] == "err_duplicate_ref", again.text
    detail = requests.get(SANDBOX + "/creditor/transaction/detail", params={"ref": "INV-3"}, headers=client.headers(), timeout=10)
    assert [t["id"] for t in detail.json()["Entries"]] == [keyed["id"]], detail.text

    step("not sent to the bank: no outcome")
    r = requests.post(SANDBOX + "/_sandbox/settle", timeout=10)
    assert r.status_code == 200, r.text
    nothing = Transactions()
    client.transaction.feed(nothing)
    assert nothing.entries == [], nothing.entries

    step("collect")
    batch = client.transaction.batch_send(1001)
    assert batch.get("frstMsgId") or batch.get("rcurMsgId"), batch

    step("transaction feed after settlement: the 8 euro failure is not final")
    r = requests.post(SANDBOX + "/_sandbox/settle", timeout=10)
    assert r.status_code == 200, r.text
    txs = Transactions()
    client.transaction.feed(txs)
    outcome = {t["id"]: (t["state"], t["final"], t.get("bkerror")) for t in txs.entries}
    assert outcome == {
        tx["id"]: ("PAID", True, None),
        short["id"]: ("ERROR", False, "AM04"),
        keyed["id"]: ("PAID", True, None),
    }, txs.entries

    step("the re-offer is paid: final")
    r = requests.post(SANDBOX + "/_sandbox/settle", timeout=10)
    assert r.status_code == 200, r.text
    reoffer = Transactions()
    client.transaction.feed(reoffer)
    assert [(t["id"], t["state"], t["final"]) for t in reoffer.entries] == [(short["id"], "PAID", True)], reoffer.entries

    step("errors")
    try:
        client.document.cancel("NOPE", "gone")
        raise AssertionError("cancelling an unknown mandate must fail")
    except TwikeyError as e:
        assert e.get_code() == "err_no_contract", e
    client.document.cancel(mndt_id, "customer left")
    cancelled = Mandates()
    client.document.feed(cancelled)
    assert cancelled.cancelled == [(mndt_id, "customer left")], cancelled.cancelled

    step("webhooks verified with the SDK")
    wait_for(lambda: any(q.startswith("type=payment") for q, _ in received), "payment webhook")
    wait_for(lambda: any("event=Cancel" in q for q, _ in received), "cancel webhook")
    assert any(q == "type=contract&mandateNumber=%s&event=Sign&state=SIGNED" % mndt_id for q, _ in received), received
    for query, signature in received:
        assert Webhook.verify_signature(unquote(query), signature, API_KEY), (query, signature)
        assert not Webhook.verify_signature(unquote(query), signature, "another-key")

    step("e-mails")
    mails = requests.get(SANDBOX + "/_sandbox/emails", timeout=10).json()
    assert [m["kind"] for m in mails] == ["invitation", "cancellation"], mails

    print("all SDK checks passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("FAILED: %r" % (e,), file=sys.stderr)
        sys.exit(1)
    except TwikeyError as e:
        print("FAILED with Twikey error: %s" % e, file=sys.stderr)
        sys.exit(1)
