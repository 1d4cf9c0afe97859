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

    step("transaction create")
    tx = client.transaction.create({"mndtId": mndt_id, "message": "Invoice 2024-001", "amount": "50.00", "ref": "INV-1"})
    assert tx["id"] and tx["mndtId"] == mndt_id and tx["ref"] == "INV-1", tx

    step("collect")
    batch = client.transaction.batch_send(1001)
    assert batch.get("frstMsgId") or batch.get("rcurMsgId"), batch

    step("transaction feed after settlement")
    r = requests.post(SANDBOX + "/_sandbox/settle", timeout=10)
    assert r.status_code == 200, r.text
    txs = Transactions()
    client.transaction.feed(txs)
    assert [(t["id"], t["state"]) for t in txs.entries] == [(tx["id"], "PAID")], txs.entries

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
