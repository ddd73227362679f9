"""A bounded HTTP load generator, run as its own process: N keep-alive connections to
127.0.0.1 posting one body until a request count or a time limit, then one JSON line.

    python bench/loadgen.py --port P --body FILE --header 'Name: value' --connections 8
        --seconds 2 --max-requests 20000 [--hub-secret S]

With ``--hub-secret`` every request is a distinct delivery, as a real sender's are: the
body's ``__N__`` marker becomes the request's number and the body is signed with
``X-Hub-Signature-256`` (a webhook deduplicates repeated bodies).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import threading
import time
from pathlib import Path

HOST = "127.0.0.1"  # never anywhere else


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--port", type=int, required=True)
    args.add_argument("--body", type=Path, required=True)
    args.add_argument("--header", action="append", default=[])
    args.add_argument("--connections", type=int, default=8)
    args.add_argument("--seconds", type=float, default=2.0)
    args.add_argument("--max-requests", type=int, default=20_000)
    args.add_argument("--hub-secret", default=None)
    options = args.parse_args()
    template = options.body.read_bytes()
    headers = dict(h.split(": ", 1) for h in options.header)
    lock = threading.Lock()
    counts = {"sent": 0, "ok": 0, "failed": 0}
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + min(options.seconds, 300.0)

    def take() -> int | None:
        """The number of the next request to send, or None when the run is over."""
        with lock:
            if counts["sent"] >= options.max_requests or time.monotonic() >= deadline:
                return None
            counts["sent"] += 1
            return counts["sent"]

    def delivery(number: int) -> tuple[bytes, dict[str, str]]:
        if options.hub_secret is None:
            return template, headers
        body = template.replace(b"__N__", str(number).encode())
        digest = hmac.new(options.hub_secret.encode(), body, hashlib.sha256).hexdigest()
        return body, {**headers, "X-Hub-Signature-256": f"sha256={digest}"}

    def worker() -> None:
        connection = http.client.HTTPConnection(HOST, options.port, timeout=30)
        while (number := take()) is not None:
            body, sent_headers = delivery(number)
            try:
                connection.request("POST", "/", body=body, headers=sent_headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(HOST, options.port, timeout=30)
                status = 0
            with lock:
                counts["ok" if status == 200 else "failed"] += 1
                statuses[status] = statuses.get(status, 0) + 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(options.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    result = {**counts, "seconds": elapsed, "rps": counts["ok"] / elapsed, "statuses": statuses}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
