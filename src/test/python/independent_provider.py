#!/usr/bin/env python3
"""A minimal ScanForPay provider written from PROTOCOL.md alone, sharing no code with the gateway.

The packaged gateway is checked against it (PackagedGatewayIT): signatures are computed here with
hashlib on the raw text of the `request` member as received, and responses are serialised by Python's
json module (different spacing and key order than the gateway's Jackson), so the gateway must verify the
raw `response` text rather than a re-serialised tree.

    python3 independent_provider.py <port> <partnerNo> <signKey>

Prints "listening <port>" once ready. Barcodes ending in 1 are declined (code 51); others are paid.
Every request it received is logged to stdout as one line: "<path> <partnerOrderNo> <verdict>".
"""
import hashlib
import hmac
import json
import sys
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, PARTNER_NO, SIGN_KEY = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ORDERS = {}


def sign(raw_text):
    return hashlib.sha256((raw_text + SIGN_KEY).encode("utf-8")).hexdigest()


def raw_member(text, name):
    """The exact text of the top-level member `name`, sliced out of the received document."""
    decoder = json.JSONDecoder()
    key = '"%s"' % name
    at = text.index(key) + len(key)
    at = text.index(":", at) + 1
    while text[at] in " \t\r\n":
        at += 1
    _, end = decoder.raw_decode(text, at)
    return text[at:end]


class Provider(BaseHTTPRequestHandler):

    def do_POST(self):
        text = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
        envelope = json.loads(text)
        request = envelope["request"]
        body = request["body"]
        signed_ok = hmac.compare_digest(sign(raw_member(text, "request")), envelope.get("signature", "").lower())
        if not signed_ok:
            answer = {"code": 12, "msg": "signature error"}
        elif self.path == "/api/offline/pay":
            answer = self.pay(body)
        elif self.path == "/api/common/payQuery":
            answer = ORDERS.get(body.get("partnerOrderNo"), {"code": 30, "msg": "order does not exist"})
        else:
            answer = {"code": 40, "msg": "unsupported"}
        print("%s %s %s" % (self.path, body.get("partnerOrderNo"), "signed" if signed_ok else "bad-signature"),
              flush=True)
        response = {"header": {"version": "1.0", "signType": "SHA256", "partnerNo": PARTNER_NO,
                               "respTime": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                               "reqMsgId": request["header"]["reqMsgId"]},
                    "body": answer}
        response_text = json.dumps(response, ensure_ascii=False, indent=1)
        out = ('{ "signature" : "%s",\n  "response" : %s }' % (sign(response_text), response_text)).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    @staticmethod
    def pay(body):
        order_no = body["partnerOrderNo"]
        if order_no in ORDERS:
            return {"code": 20, "msg": "duplicate partnerOrderNo"}
        if body["barcode"].endswith("1"):
            return {"code": 51, "msg": "余额不足"}
        ORDERS[order_no] = {"code": 1, "msg": "success", "orderNo": "PY" + str(len(ORDERS) + 1).zfill(14),
                            "partnerOrderNo": order_no, "orderAmount": body["orderAmount"], "wallet": "Alipay",
                            "status": 1, "currency": "JPY",
                            "payTime": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        return ORDERS[order_no]

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", PORT), Provider)
    print("listening %d" % server.server_address[1], flush=True)
    server.serve_forever()
