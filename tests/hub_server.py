"""A real HTTP server on 127.0.0.1 that answers the Hub requests the model installer makes.

It imitates what huggingface_hub calls: ``GET /api/models/<repo>/revision/<rev>?blobs=true``
(model info with each file's size, git blob id and, for LFS files, the sha256 and pointer
size) and ``GET /<repo>/resolve/<rev>/<path>`` with ``Range`` requests, ``X-Repo-Commit``,
``ETag`` / ``X-Linked-Etag`` / ``X-Linked-Size`` headers and the Hub's ``X-Error-Code`` on
errors. Tests change what it serves (damaged bytes, a missing file, a dropped connection, a
gated repository) and read its request log.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

SMALL = "depth-anything/Depth-Anything-V2-Small-hf"
SAM = "ybelkada/segment-anything"
SAM_FILE = "checkpoints/sam_vit_b_01ec64.pth"
LFS = (".safetensors", ".pth", ".bin")  # stored in LFS, as the Hub's .gitattributes does


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Repo:
    files: dict[str, bytes]
    commit: str = "0123456789abcdef0123456789abcdef01234567"
    gated_token: str | None = None  # a token the gated repository accepts
    served: dict[str, bytes] = field(default_factory=dict)  # bytes served instead (damage)
    drop_after: dict[str, int] = field(default_factory=dict)  # close once after N body bytes
    missing: set[str] = field(default_factory=set)  # listed by the API, 404 when fetched
    #: send N body bytes, then wait for the event before the rest (a slow network)
    hold_after: dict[str, tuple[int, threading.Event]] = field(default_factory=dict)

    def sibling(self, path: str) -> dict[str, object]:
        data = self.files[path]
        out: dict[str, object] = {"rfilename": path, "size": len(data), "blobId": git_blob_id(data)}
        if path.endswith(LFS):
            out["lfs"] = {
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "pointerSize": 134,
            }
        return out


class FakeHub:
    """``repos`` by id; ``log`` holds ``(method, path, Range header)`` of every request."""

    def __init__(self) -> None:
        self.repos: dict[str, Repo] = {}
        self.log: list[tuple[str, str, str | None]] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            # one request per connection: each handler thread ends with its answer, so
            # server_close() can join them all (no thread outlives the test)
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: object) -> None:  # quiet
                return None

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                hub.log.append(("GET", self.path, self.headers.get("Range")))
                hub.handle(self)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                return None  # a client that hangs up early (the installer's cancel) is no news

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.block_on_close = True  # server_close() joins the handler threads
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeHub:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def downloads(self, path: str) -> list[str | None]:
        """The Range header of each download request of a file (None: from the start)."""
        return [r for m, p, r in self.log if m == "GET" and "/resolve/" in p and p.endswith(path)]

    # -- answers ---------------------------------------------------------------------------

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        path = unquote(urlsplit(h.path).path)
        info = re.fullmatch(r"/api/models/([^/]+/[^/]+)/revision/([^/]+)", path)
        if info:
            repo = self.repos.get(info.group(1))
            if repo is None:
                return self.error(h, 404, "RepoNotFound")
            if info.group(2) not in ("main", repo.commit):
                return self.error(h, 404, "RevisionNotFound")
            body = {
                "id": info.group(1),
                "sha": repo.commit,
                "siblings": [repo.sibling(p) for p in sorted(repo.files)],
            }
            return self.send(
                h, 200, json.dumps(body).encode(), {"Content-Type": "application/json"}
            )
        resolve = re.fullmatch(r"/([^/]+/[^/]+)/resolve/([^/]+)/(.+)", path)
        if not resolve:
            return self.error(h, 404, "RepoNotFound")
        repo = self.repos.get(resolve.group(1))
        if repo is None:
            return self.error(h, 404, "RepoNotFound")
        if repo.gated_token and h.headers.get("Authorization") != f"Bearer {repo.gated_token}":
            return self.error(h, 401, "GatedRepo")
        name = resolve.group(3)
        if (
            name not in repo.files
            or name in repo.missing
            or resolve.group(2)
            not in (
                "main",
                repo.commit,
            )
        ):
            return self.error(h, 404, "EntryNotFound", repo.commit)
        data = repo.served.get(name, repo.files[name])
        sib = repo.sibling(name)
        etag = sib["lfs"]["sha256"] if "lfs" in sib else sib["blobId"]  # type: ignore[index]
        headers = {"X-Repo-Commit": repo.commit, "ETag": f'"{etag}"', "Accept-Ranges": "bytes"}
        start = 0
        status = 200
        ranged = re.fullmatch(r"bytes=(\d+)-", h.headers.get("Range", "") or "")
        if ranged:
            start = int(ranged.group(1))
            status = 206
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        body = data[start:]
        drop = repo.drop_after.pop(name, None)
        if drop is not None:  # send the headers of the whole body, then hang up mid-way
            h.send_response(status)
            for k, v in {**headers, "Content-Length": str(len(body))}.items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(body[:drop])
            h.wfile.flush()
            h.close_connection = True
            return None
        hold = repo.hold_after.pop(name, None)
        if hold is not None:
            h.send_response(status)
            for k, v in {**headers, "Content-Length": str(len(body))}.items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(body[: hold[0]])
            h.wfile.flush()
            hold[1].wait(timeout=60)
            h.wfile.write(body[hold[0] :])
            return None
        return self.send(h, status, body, headers)

    @staticmethod
    def send(h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]) -> None:
        h.send_response(status)
        for k, v in {**headers, "Content-Length": str(len(body))}.items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)

    def error(self, h: BaseHTTPRequestHandler, status: int, code: str, commit: str = "") -> None:
        headers = {"X-Error-Code": code, "X-Error-Message": code}
        if commit:
            headers["X-Repo-Commit"] = commit
        self.send(h, status, b"{}", {**headers, "Content-Type": "application/json"})


def no_partial_install(models: Path, name: str) -> bool:
    """Nothing of ``name`` is installed: no folder, and no manifest anywhere."""
    return not (models / name).exists() and not list(models.rglob("levitor-model.json"))
