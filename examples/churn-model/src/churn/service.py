"""The scoring service: `churn serve` answers over HTTP (Python's http.server, no framework).

    GET  /health  -> {"status": "ok", "environment": ..., "schema": ..., "trained_on": N, ...}
    POST /score   {"customers": [{"customer_id": 1, "tenure_months": 3, ...}, ...]}
                  -> {"scores": [{"customer_id": 1, "churn_probability": 0.71}, ...]}

One model per process, trained on the environment's labelled customers when the service
starts (or loaded from --model when that file exists), so each environment scores with a model
of its own data. SIGTERM stops it cleanly (it runs as PID 1 in its container).
"""

import json
import signal
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
from sklearn.pipeline import Pipeline

from churn import __version__, model
from churn.features import FEATURES, ID

MAX_BODY = 1 << 20  # 1 MiB of JSON is plenty for a batch


class ScoringService:
    """What the HTTP handler needs: a model and what to say about it."""

    def __init__(self, fitted: Pipeline, info: dict):
        self.model = fitted
        self.info = {"status": "ok", "version": __version__, **info}

    def score(self, payload: object) -> dict:
        if not isinstance(payload, dict) or not isinstance(payload.get("customers"), list):
            raise ValueError('expected {"customers": [...]}')
        rows = payload["customers"]
        if not rows:
            return {"scores": []}
        if not all(isinstance(r, dict) for r in rows):
            raise ValueError("every customer must be an object")
        frame = pd.DataFrame(rows)
        missing = [c for c in [ID, *FEATURES] if c not in frame.columns or frame[c].isna().any()]
        if missing:
            raise ValueError("missing columns: " + ", ".join(missing))
        try:
            frame[FEATURES] = frame[FEATURES].astype(float)
        except (TypeError, ValueError):
            raise ValueError("features must be numbers") from None
        scores = model.score(self.model, frame)
        return {"scores": [{ID: _plain(i), "churn_probability": float(p)}
                           for i, p in zip(scores[ID], scores["churn_probability"])]}


def _plain(value):
    """numpy scalars to JSON-able Python values."""
    return value.item() if hasattr(value, "item") else value


def _handler(service: ScoringService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = f"churn/{__version__}"

        def _reply(self, status: HTTPStatus, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802 (http.server's naming)
            if self.path == "/health":
                self._reply(HTTPStatus.OK, service.info)
            else:
                self._reply(HTTPStatus.NOT_FOUND, {"error": f"no such path: {self.path}"})

        def do_POST(self):  # noqa: N802
            if self.path != "/score":
                self._reply(HTTPStatus.NOT_FOUND, {"error": f"no such path: {self.path}"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_BODY:
                self._reply(HTTPStatus.BAD_REQUEST, {"error": "a JSON body up to 1 MiB, please"})
                return
            try:
                payload = json.loads(self.rfile.read(length))
                self._reply(HTTPStatus.OK, service.score(payload))
            except ValueError as error:  # json.JSONDecodeError is a ValueError
                self._reply(HTTPStatus.BAD_REQUEST, {"error": str(error)})

        def log_message(self, format, *args):  # noqa: A002 (the base class's name)
            print(f"{self.address_string()} {format % args}", flush=True)

    return Handler


def make_server(service: ScoringService, host: str = "0.0.0.0",  # nosec B104: a container
                port: int = 8080) -> ThreadingHTTPServer:
    """A server bound to host:port (port 0: any free port); serve_forever() runs it."""
    server = ThreadingHTTPServer((host, port), _handler(service))
    server.daemon_threads = True
    return server


def serve(service: ScoringService, host: str, port: int) -> None:
    """Serves until SIGTERM or SIGINT, then closes the socket and returns."""
    server = make_server(service, host, port)

    def stop(signum, _frame):
        print(f"churn serve: signal {signum}, stopping", flush=True)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"churn serve: listening on {host}:{server.server_address[1]} ({service.info})",
          flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
