#!/usr/bin/env python3
"""A ScanForPay provider written from docs/provider-protocol.md alone, sharing no code with the gateway.

    python3 independent_provider.py <port> <partnerNo> <signKey> [slowSeconds=15] [waitingQueries=2]

Prints "listening <port>" once ready. The packaged gateway is checked against it (IndependentProviderIT):
signatures are computed here with hashlib over the raw text of the `request` member as received, and answers
are serialised by Python's json module (sorted keys, indented, `signature` first: not Jackson's layout), so
the gateway must verify the raw `response` text rather than a re-serialised tree. Field names and meanings
come from docs/provider-protocol.md, so a mistake the gateway and its own sandbox share (a field renamed, a status read
the wrong way) shows here.

Every request is checked, and logged to stdout as one JSON line
    {"path": ..., "partnerOrderNo": ..., "refundNo": ..., "verdict": "ok" | "<check>: <why>", "code": ..., "status": ...}
verdicts other than "ok": "bad-signature", "wrong-partner" (header partnerNo not ours; both answered code 12),
"invalid-header: <field>" (code 11), "invalid: <field>" (code 13; unknown body fields included).

    GET /_state/<partnerOrderNo>  ->  {"order": {...} | null, "payCalls": n, "queries": n,
                                       "refunds": {refundNo: {"amount", "status"}}, "notifies": [answer, ...]}

Pay scenarios, by the barcode's last two digits (any digits before them):

| ends | scenario |
|------|----------|
| 00 | paid at once (code 1, status 1); notified twice after the answer |
| 01 | declined: code 51, msg 余额不足 (non-ASCII); no order |
| 02 | waiting (status 0), then paid; not notified, so the gateway's queries settle it |
| 03 | waiting (status 0), then failed (status 2); not notified |
| 04 | slow: order paid on arrival, answer sent after slowSeconds (past the gateway's response timeout) |
| 05 | lost: the first pay gets HTTP 500 and creates nothing (queries: code 30); a re-sent pay is paid |
| 06 | paid, but the answer (claiming a decline) is signed with a wrong key: queries tell the truth |
| 07 | paid, but the answer (claiming a decline) names partnerNo 99999 in its header, signed with our key |
| 08 | paid, and 1000 of it already refunded through the merchant portal (the gateway does not know) |
| 09 | waiting, then paid and notified twice (notify and query race) |

A waiting order (02, 03, 09) settles once `waitingQueries` queries have been answered "waiting" (status 0), not
after a time: the gateway is then known to have queried it while it was waiting, and no timer races its queries.

Refunds (`/api/common/refund`): code 30 for an order that does not exist, 40 (order not paid), 41 (refundNo
used before), 42 (the refunds together would exceed the paid amount), each with its msg; else code 1 with
status 1 (done), or status 0 (processing) for a refundNo starting with "processing-": such a refund is done
here right after its answer is sent, which the gateway cannot learn (ScanForPay has no refund query and no refund
notify).
When the refunds reach the paid amount the order's status becomes 3 (refunded). Queries prefer `orderNo`.
"""
import hashlib
import hmac
import itertools
import json
import re
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, PARTNER_NO, SIGN_KEY = int(sys.argv[1]), sys.argv[2], sys.argv[3]
SLOW_SECONDS = float(sys.argv[4]) if len(sys.argv) > 4 else 15.0
WAITING_QUERIES = int(sys.argv[5]) if len(sys.argv) > 5 else 2
OTHER_PARTNER_NO = "99999"
WRONG_KEY = "not-the-partners-key"

LOCK = threading.Lock()
LOG_LOCK = threading.Lock()
ORDERS = {}          # partnerOrderNo -> order body as answered (status changes over time)
BY_ORDER_NO = {}     # orderNo -> partnerOrderNo
PAY_CALLS, QUERIES, REFUNDS, NOTIFIES = {}, {}, {}, {}
ORDER_NUMBERS = itertools.count(1)
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
FIELDS = {  # path -> {field: (required, check)}
    "/api/offline/pay": {"storeNo": (True, "text15"), "partnerOrderNo": (True, "text32"),
                         "barcode": (True, "digits20"), "orderAmount": (True, "amount"),
                         "orderTitle": (False, "text100"), "operatorId": (False, "text20"),
                         "terminalNo": (False, "text20"), "notifyUrl": (False, "text200")},
    "/api/common/payQuery": {"storeNo": (True, "text15"), "partnerOrderNo": (False, "text32"),
                             "orderNo": (False, "text32")},
    "/api/common/refund": {"partnerOrderNo": (True, "text32"), "refundNo": (True, "text32"),
                           "orderAmount": (True, "amount"), "operatorId": (False, "text20"),
                           "terminalNo": (False, "text20")},
}


def now():
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def sign(text, key=SIGN_KEY):
    return hashlib.sha256((text + key).encode("utf-8")).hexdigest()


def raw_member(text, name):
    """The exact text of the top-level member `name`, sliced out of the received document."""
    decoder, at = json.JSONDecoder(), 0
    at = re.compile(r'\{\s*').match(text).end()
    while True:
        key, at = decoder.raw_decode(text, at)
        at = re.compile(r'\s*:\s*').match(text, at).end()
        _, end = decoder.raw_decode(text, at)
        if key == name:
            return text[at:end]
        at = re.compile(r'\s*,?\s*').match(text, end).end()


def field_problem(value, check):
    if check == "amount":
        return None if type(value) is int and 0 < value <= 2**31 - 1 else "not a positive int"
    if not isinstance(value, str) or not value:
        return "not a non-empty string"
    if check == "digits20":
        return None if re.fullmatch(r"\d{1,20}", value) else "not up to 20 digits"
    limit = int(check[len("text"):])
    return None if len(value) <= limit else "longer than %d" % limit


def check_request(path, text, envelope):
    """None if the request is valid for this path, else (verdict, code)."""
    request = envelope.get("request")
    if not isinstance(request, dict) or not isinstance(request.get("header"), dict) \
            or not isinstance(request.get("body"), dict):
        return "invalid-header: envelope", 11
    signature = envelope.get("signature")
    if not isinstance(signature, str) or not hmac.compare_digest(
            sign(raw_member(text, "request")).encode(), signature.lower().encode()):
        return "bad-signature", 12
    header, body = request["header"], request["body"]
    if header.get("partnerNo") != PARTNER_NO:
        return "wrong-partner", 12
    if header.get("signType") != "SHA256":
        return "invalid-header: signType", 11
    if header.get("version") != "1.0":
        return "invalid-header: version", 11
    if not isinstance(header.get("requestTime"), str) or len(header["requestTime"]) > 25 \
            or not RFC3339.match(header["requestTime"]):
        return "invalid-header: requestTime", 11
    if not isinstance(header.get("reqMsgId"), str) or not 0 < len(header["reqMsgId"]) <= 32:
        return "invalid-header: reqMsgId", 11
    rules = FIELDS[path]
    for name in body:
        if name not in rules:
            return "invalid: unknown field %s" % name, 13
    for name, (required, check) in rules.items():
        if name not in body or body[name] is None:
            if required:
                return "invalid: %s missing" % name, 13
        elif field_problem(body[name], check):
            return "invalid: %s %s" % (name, field_problem(body[name], check)), 13
    if path == "/api/common/payQuery" and not (body.get("partnerOrderNo") or body.get("orderNo")):
        return "invalid: partnerOrderNo or orderNo missing", 13
    return None


def envelope_text(body, partner_no=PARTNER_NO, key=SIGN_KEY, msg_id=None):
    header = {"partnerNo": partner_no, "respTime": now(), "signType": "SHA256", "version": "1.0",
              "reqMsgId": msg_id or "%032x" % (time.time_ns())}
    response = json.dumps({"header": header, "body": body}, ensure_ascii=False, indent=1, sort_keys=True)
    return '{ "signature" : "%s",\n  "response" : %s }' % (sign(response, key), response)


def log(**line):
    # one write per line, one writer at a time: print() from several threads writes text and newline apart, and
    # two lines could interleave into one unreadable line and an empty one
    text = json.dumps(line, ensure_ascii=False) + "\n"
    with LOG_LOCK:
        sys.stdout.write(text)
        sys.stdout.flush()


def later(seconds, action):
    timer = threading.Timer(seconds, action)
    timer.daemon = True
    timer.start()


def notify(order_no, times):
    """Posts the signed result to the order's notifyUrl `times` times, recording each answer."""
    with LOCK:
        order, url = public(ORDERS[order_no]), ORDERS[order_no].get("_notifyUrl")
    if not url:
        return
    for _ in range(times):
        data = envelope_text(order).encode("utf-8")
        request = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Content-Type": "application/json; charset=UTF-8"})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                got = "%d %s" % (answer.status, answer.read().decode("utf-8", "replace"))
        except Exception as e:  # an HTTP error status or no answer: recorded, not retried
            got = "error %s" % e
        with LOCK:
            NOTIFIES.setdefault(order_no, []).append(got)


def public(order):
    return {k: v for k, v in order.items() if not k.startswith("_")}


class Provider(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        order_no = self.path[len("/_state/"):]
        with LOCK:
            state = {"order": public(ORDERS[order_no]) if order_no in ORDERS else None,
                     "payCalls": PAY_CALLS.get(order_no, 0), "queries": QUERIES.get(order_no, 0),
                     "refunds": {no: {"amount": r["amount"], "status": r["status"]}
                                 for no, r in REFUNDS.items() if r["order"] == order_no},
                     "notifies": NOTIFIES.get(order_no, [])}
        self.answer(200, json.dumps(state, ensure_ascii=False))

    def do_POST(self):
        text = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
        try:
            envelope = json.loads(text)
            problem = check_request(self.path, text, envelope) if self.path in FIELDS else ("invalid: path", 13)
        except (ValueError, AttributeError, TypeError) as e:
            envelope, problem = {}, ("invalid-header: not JSON (%s)" % e, 11)
        request = envelope.get("request") or {}
        body = request.get("body") if isinstance(request.get("body"), dict) else {}
        msg_id = (request.get("header") or {}).get("reqMsgId") if isinstance(request.get("header"), dict) else None
        line = {"path": self.path, "partnerOrderNo": body.get("partnerOrderNo"), "orderNo": body.get("orderNo"),
                "refundNo": body.get("refundNo"), "verdict": problem[0] if problem else "ok"}
        if problem:
            answer, after = {"code": problem[1], "msg": problem[0]}, None
        elif self.path == "/api/offline/pay":
            answer, after = self.pay(body)
        elif self.path == "/api/common/payQuery":
            answer, after = self.query(body)
        else:
            answer, after = self.refund(body)
        line.update(code=answer.get("code") if answer else None, status=answer.get("status") if answer else None)
        scenario = body.get("barcode", "")[-2:] if self.path == "/api/offline/pay" and not problem else ""
        line["answered"] = {None: "as recorded", "04": "late", "06": "decline, wrong key",
                            "07": "decline, partnerNo " + OTHER_PARTNER_NO}.get(scenario, "as recorded")
        log(**line)
        if answer is None:  # lost: nothing created, nothing readable
            self.answer(500, "internal error")
            return
        if scenario == "04":
            time.sleep(SLOW_SECONDS)
        if scenario == "06":
            self.answer(200, envelope_text({"code": 51, "msg": "余额不足"}, key=WRONG_KEY, msg_id=msg_id))
        elif scenario == "07":
            self.answer(200, envelope_text({"code": 51, "msg": "余额不足"}, partner_no=OTHER_PARTNER_NO, msg_id=msg_id))
        else:
            self.answer(200, envelope_text(answer, msg_id=msg_id))
        if after:
            after()

    def pay(self, body):
        """The answer (None: HTTP 500) and what to do once it is sent."""
        order_no, scenario = body["partnerOrderNo"], body["barcode"][-2:]
        with LOCK:
            PAY_CALLS[order_no] = PAY_CALLS.get(order_no, 0) + 1
            if order_no in ORDERS:
                return {"code": 20, "msg": "duplicate partnerOrderNo"}, None
            if scenario == "01":
                return {"code": 51, "msg": "余额不足"}, None
            if scenario == "05" and PAY_CALLS[order_no] == 1:
                return None, None
            status = 0 if scenario in ("02", "03", "09") else 1
            number = "PY%014d" % next(ORDER_NUMBERS)
            order = {"code": 1, "msg": "success", "orderNo": number, "partnerOrderNo": order_no,
                     "orderAmount": body["orderAmount"], "wallet": "Alipay", "status": status, "currency": "JPY",
                     "_notifyUrl": body.get("notifyUrl")}
            if status == 0:  # settled by the queries: the final status, notified or not, and how many waited
                order.update(_settlesTo=2 if scenario == "03" else 1, _notified=scenario == "09", _waited=0)
            if status == 1:
                order["payTime"] = now()
            ORDERS[order_no], BY_ORDER_NO[number] = order, order_no
            if scenario == "08":
                REFUNDS["portal-" + order_no] = {"order": order_no, "amount": 1000, "status": 1}
            answer = public(order)
        return answer, (lambda: later(0.2, lambda: notify(order_no, 2))) if scenario == "00" else None

    @staticmethod
    def query(body):
        """The answer, and what to do once it is sent."""
        with LOCK:
            # both given: the provider uses orderNo
            order_no = BY_ORDER_NO.get(body["orderNo"]) if body.get("orderNo") else body.get("partnerOrderNo")
            if order_no not in ORDERS:
                return {"code": 30, "msg": "订单不存在"}, None
            QUERIES[order_no] = QUERIES.get(order_no, 0) + 1
            order = ORDERS[order_no]
            answer = public(order)
            if order["status"] == 0 and "_settlesTo" in order:
                order["_waited"] += 1
                if order["_waited"] >= WAITING_QUERIES:  # this was the last "waiting": the next query sees it final
                    order["status"] = order["_settlesTo"]
                    if order["status"] == 1:
                        order["payTime"] = now()
                    if order["_notified"]:
                        return answer, lambda: later(0, lambda: notify(order_no, 2))
            return answer, None

    def refund(self, body):
        order_no, refund_no, amount = body["partnerOrderNo"], body["refundNo"], body["orderAmount"]
        with LOCK:
            order = ORDERS.get(order_no)
            if order is None:
                return {"code": 30, "msg": "订单不存在"}, None
            if order["status"] not in (1, 3):
                return {"code": 40, "msg": "订单未支付"}, None
            if refund_no in REFUNDS:
                return {"code": 41, "msg": "退款单号重复"}, None
            taken = sum(r["amount"] for r in REFUNDS.values() if r["order"] == order_no and r["status"] != 2)
            if taken + amount > order["orderAmount"]:
                return {"code": 42, "msg": "退款金额超过可退金额"}, None
            processing = refund_no.startswith("processing-")
            REFUNDS[refund_no] = {"order": order_no, "amount": amount, "status": 0 if processing else 1}
            if taken + amount == order["orderAmount"]:
                order["status"] = 3
            answer = {"code": 1, "msg": "success", "orderAmount": amount, "status": REFUNDS[refund_no]["status"],
                      "currency": "JPY"}
        # answered processing, the refund is then done here: the gateway cannot learn it
        return answer, (lambda: REFUNDS[refund_no].update(status=1)) if processing else None

    def answer(self, status, text):
        out = text.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)
        except OSError:  # the caller gave up waiting (a slow answer): its loss
            pass

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", PORT), Provider)
    server.daemon_threads = True
    print("listening %d" % server.server_address[1], flush=True)
    server.serve_forever()
