"""A local HTTP server on 127.0.0.1 for remote sources in the tests.

It serves the stored remote documents under data/ (a request for PATH with
``?f=json`` reads ``data/PATH.json``, as ArcGIS REST does), documents a test
puts with `put`, and these faulty endpoints:

``/hang``       accepts the request and never answers
``/truncate``   announces 10,000 bytes, sends 100 and closes
``/garbage``    returns bytes that are neither JSON nor XML
``/big``        returns ``size`` bytes of JSON (query parameter)
``/multibyte``  sends Vietnamese JSON in chunks of one byte
``/redirect``   redirects to the ``to`` query parameter
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

DATA = Path(__file__).parent / "data"
CONTENT_TYPES = {".json": "application/json", ".ttl": "text/turtle", ".jsonld": "application/ld+json", ".csv": "text/csv; charset=utf-8", ".xml": "application/xml"}
MULTIBYTE_TEXT = "Quy hoạch tỉnh Đồng Nai – tầm nhìn đến năm 2050"


class Handler(BaseHTTPRequestHandler):
    server: "RemoteServer"

    def log_message(self, format, *args):
        pass

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        special = getattr(self, "_" + parts.path.strip("/"), None)
        if special and "/" not in parts.path.strip("/"):
            return special(query)
        if parts.path in self.server.documents:
            return self._send(200, *self.server.documents[parts.path])
        path = DATA / parts.path.lstrip("/")
        for candidate in (path.with_name(path.name + ".json") if query.get("f") == "json" else None, path):
            if candidate and candidate.is_file():
                return self._send(200, CONTENT_TYPES.get(candidate.suffix, "application/octet-stream"), candidate.read_bytes())
        self._send(404, "application/json", b'{"error": "not found"}')

    def _hang(self, query):
        self.server.stopping.wait(120)

    def _truncate(self, query):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "10000")
        self.end_headers()
        self.wfile.write(b'{"result": ' + b" " * 89)
        self.wfile.flush()
        self.close_connection = True

    def _garbage(self, query):
        self._send(200, "application/json", b"\x00\xff\xfe<<not json, not xml>>\x89PNG")

    def _big(self, query):
        size = int(query.get("size", "100000"))
        self._send(200, "application/json", b'{"pad": "' + b"x" * size + b'"}')

    def _multibyte(self, query):
        body = json.dumps({"title": MULTIBYTE_TEXT}, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for byte in body:
            self.wfile.write(b"1\r\n" + bytes([byte]) + b"\r\n")
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")

    def _redirect(self, query):
        self.send_response(302)
        self.send_header("Location", query["to"])
        self.send_header("Content-Length", "0")
        self.end_headers()


class RemoteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int):
        super().__init__(("127.0.0.1", port), Handler)
        self.documents: dict[str, tuple[str, bytes]] = {}
        self.stopping = threading.Event()
        self.url = f"http://127.0.0.1:{port}"

    def put(self, path: str, body: str | bytes, content_type: str = "application/json") -> str:
        """Serve BODY at PATH until the next put; return its URL."""
        self.documents[path] = (content_type, body.encode("utf-8") if isinstance(body, str) else body)
        return self.url + path

    def start(self) -> "RemoteServer":
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
        time.sleep(0.1)
