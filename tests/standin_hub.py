"""A stand-in for the Hugging Face Hub: a real threaded HTTP server on 127.0.0.1 that the real client talks to.

Tests publish commits of repos built from bytes (or, for benchmarks, from precomputed checksums),
and can queue failures (429 with Retry-After, 5xx, Hub error codes) or make the server hang.
It serves `model_info` (`/api/models/{repo}[/revision/{rev}]?blobs=true`), the paged tree listing
(`/api/models/{repo}/tree/{rev}`, with each file's `securityFileStatus` when `expand=True`, as
`list_repo_tree(..., expand=True)` asks), `/resolve/` headers and the telemetry endpoint.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

LFS_SUFFIXES = (".safetensors", ".bin", ".gguf", ".pt", ".pth", ".onnx", ".h5", ".msgpack")


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def lfs_pointer(sha256: str, size: int) -> bytes:
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


@dataclass(frozen=True)
class HubFile:
    """One file of a commit as the Hub describes it."""

    path: str
    size: int
    blob_id: str
    sha256: str | None = None

    @classmethod
    def from_bytes(cls, path: str, data: bytes, *, lfs: bool | None = None) -> HubFile:
        lfs = path.endswith(LFS_SUFFIXES) if lfs is None else lfs
        if not lfs:
            return cls(path, len(data), git_blob_sha1(data))
        sha256 = hashlib.sha256(data).hexdigest()
        return cls(path, len(data), git_blob_sha1(lfs_pointer(sha256, len(data))), sha256)

    @classmethod
    def from_file(cls, path: str, local: Path, *, lfs: bool | None = None) -> HubFile:
        """Checksums of a big local file, streamed (for benchmarks)."""
        lfs = path.endswith(LFS_SUFFIXES) if lfs is None else lfs
        size = local.stat().st_size
        hasher = hashlib.sha256() if lfs else hashlib.sha1(b"blob %d\0" % size)
        with local.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                hasher.update(chunk)
        if not lfs:
            return cls(path, size, hasher.hexdigest())
        sha256 = hasher.hexdigest()
        return cls(path, size, git_blob_sha1(lfs_pointer(sha256, size)), sha256)

    def sibling(self) -> dict:
        data = {"rfilename": self.path, "size": self.size, "blobId": self.blob_id}
        if self.sha256:
            data["lfs"] = {"sha256": self.sha256, "size": self.size, "pointerSize": 134}
        return data

    def tree_entry(self) -> dict:
        data = {"type": "file", "path": self.path, "size": self.size, "oid": self.blob_id}
        if self.sha256:
            data["lfs"] = {"oid": self.sha256, "size": self.size, "pointerSize": 134}
        return data


# The Hub's scan of a clean file, as securityFileStatus (tests give other statuses per path).
CLEAN_FILE_STATUS = {"status": "safe", "avScan": {"virusFound": False, "virusNames": None}, "pickleImportScan": None}


def pickle_scan_status(status: str, imports: list[tuple[str, str, str]]) -> dict:
    """A securityFileStatus with a pickle import scan: imports are (module, name, safety)."""
    levels = ["innocuous", "suspicious", "dangerous"]
    highest = max((levels.index(safety) for _m, _n, safety in imports), default=0)
    return {
        "status": status,
        "avScan": {"virusFound": False, "virusNames": None},
        "pickleImportScan": {
            "highestSafetyLevel": levels[highest],
            "imports": [{"module": m, "name": n, "safety": safety} for m, n, safety in imports],
        },
    }


@dataclass
class Commit:
    sha: str
    files: dict[str, HubFile]
    card_data: dict | None
    tags: list[str]
    security: dict[str, dict] = field(default_factory=dict)
    safetensors_total: int | None = None


@dataclass
class Repo:
    repo_id: str
    gated: str | bool = False
    disabled: bool = False
    private: bool = False
    commits: dict[str, Commit] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)


@dataclass
class Failure:
    status: int
    headers: dict[str, str]
    body: str = ""


class StandinHub:
    """The server and the repos it serves. Start with `start()`, stop with `stop()`; `url` is its endpoint."""

    def __init__(self, *, tree_page_size: int = 1000):
        self.repos: dict[str, Repo] = {}
        self.failures: list[Failure] = []
        self.requests: list[str] = []
        self.hang = False
        self.tree_page_size = tree_page_size
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._counter = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None

    # -- test-facing API -------------------------------------------------------------------------
    def publish(
        self,
        repo_id: str,
        files: dict[str, bytes] | list[HubFile],
        *,
        branch: str = "main",
        license: str | list[str] | None = "apache-2.0",  # noqa: A002 - the Hub's own field name
        license_name: str | None = None,
        card_data: dict | None = None,
        tags: list[str] | None = None,
        gated: str | bool | None = None,
        security: dict[str, dict] | None = None,
        safetensors_total: int | None = None,
    ) -> str:
        """Add a commit to a repo (created on first use) and move the branch to it; return the commit sha.

        `security` maps paths to the securityFileStatus the Hub reports for them (default: clean).
        `safetensors_total` makes the model info carry the Hub's safetensors metadata (its parameter count).
        """
        entries = files if isinstance(files, list) else [HubFile.from_bytes(p, d) for p, d in files.items()]
        if card_data is None:
            card_data = {}
            if license is not None:
                card_data["license"] = license
            if license_name:
                card_data["license_name"] = license_name
        with self._lock:
            repo = self.repos.setdefault(repo_id, Repo(repo_id))
            if gated is not None:
                repo.gated = gated
            sha = hashlib.sha1(f"{repo_id}:{next(self._counter)}:{uuid.uuid4()}".encode()).hexdigest()
            repo.commits[sha] = Commit(
                sha,
                {f.path: f for f in entries},
                card_data or None,
                list(tags or []),
                dict(security or {}),
                safetensors_total,
            )
            repo.refs[branch] = sha
        return sha

    def disable(self, repo_id: str) -> None:
        self.repos[repo_id].disabled = True

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        code: str = "",
        message: str = "",
        retry_after: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        headers = dict(headers or {})
        if code:
            headers["X-Error-Code"] = code
        if message:
            headers["X-Error-Message"] = message
        if retry_after:
            headers["Retry-After"] = retry_after
        with self._lock:
            self.failures += [Failure(status, headers, message or f"error {status}")] * times

    def reset(self) -> None:
        with self._lock:
            self.repos.clear()
            self.failures.clear()
            self.requests.clear()
            self.hang = False
            self.tree_page_size = 1000

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StandinHub:
        hub = self

        class Handler(_Handler):
            standin = hub

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        threading.Thread(target=self._server.serve_forever, name="standin-hub", daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    # -- request handling ------------------------------------------------------------------------
    def answer(self, method: str, raw_path: str) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.requests.append(f"{method} {raw_path}")
            failure = self.failures.pop(0) if self.failures else None
        if failure is not None:
            return _error(failure.status, failure.headers.get("X-Error-Code", ""), failure.body, failure.headers)
        split = urlsplit(raw_path)
        query = parse_qs(split.query)
        path = split.path
        if path == "/api/agent-harnesses":
            return _json({"standardEnvVars": [], "harnesses": {}})
        if path.startswith("/api/models/"):
            return self._api_models(path[len("/api/models/") :], query)
        parts = path.lstrip("/").split("/", 4)
        if len(parts) == 5 and parts[2] == "resolve":
            return self._resolve(f"{parts[0]}/{parts[1]}", unquote(parts[3]), unquote(parts[4]), method)
        return _error(404, "EntryNotFound", "Not found")

    def _repo_and_commit(self, repo_id: str, revision: str):
        repo = self.repos.get(repo_id)
        if repo is None or repo.private:
            return None, None, _error(401, "RepoNotFound", "Repository not found")
        if repo.disabled:
            return None, None, _error(403, "", "Access to this resource is disabled.")
        sha = repo.refs.get(revision) or (revision if revision in repo.commits else None)
        if sha is None:
            return repo, None, _error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
        return repo, repo.commits[sha], None

    def _api_models(self, rest: str, query: dict) -> tuple[int, dict[str, str], bytes]:
        segments = rest.split("/")
        repo_id = "/".join(segments[:2])
        tail = segments[2:]
        if not tail or tail[0] == "revision":
            revision = unquote("/".join(tail[1:])) if tail else "main"
            repo, commit, error = self._repo_and_commit(repo_id, revision)
            if error:
                return error
            blobs = query.get("blobs", ["false"])[0].lower() == "true"
            siblings = [f.sibling() if blobs else {"rfilename": f.path} for f in commit.files.values()]
            tags = list(commit.tags)
            return _json(
                {
                    "_id": uuid.uuid4().hex[:24],
                    "id": repo_id,
                    "modelId": repo_id,
                    "sha": commit.sha,
                    "private": repo.private,
                    "gated": repo.gated,
                    "disabled": repo.disabled,
                    "tags": tags,
                    "cardData": commit.card_data,
                    "siblings": siblings,
                }
                | (
                    {
                        "safetensors": {
                            "parameters": {"BF16": commit.safetensors_total},
                            "total": commit.safetensors_total,
                        }
                    }
                    if commit.safetensors_total
                    else {}
                )
            )
        if tail[0] == "tree":
            revision = unquote(tail[1]) if len(tail) > 1 else "main"
            repo, commit, error = self._repo_and_commit(repo_id, revision)
            if error:
                return error
            return self._tree(repo_id, revision, commit, query)
        return _error(404, "EntryNotFound", "Not found")

    def _tree(self, repo_id: str, revision: str, commit: Commit, query: dict):
        entries, folders = [], set()
        expand = query.get("expand", ["False"])[0].lower() == "true"
        for hub_file in sorted(commit.files.values(), key=lambda f: f.path):
            parts = hub_file.path.split("/")
            for depth in range(1, len(parts)):
                folders.add("/".join(parts[:depth]))
            entry = hub_file.tree_entry()
            if expand:
                entry["securityFileStatus"] = commit.security.get(hub_file.path, CLEAN_FILE_STATUS)
            entries.append(entry)
        entries += [{"type": "directory", "path": p, "oid": hashlib.sha1(p.encode()).hexdigest()} for p in folders]
        entries.sort(key=lambda e: e["path"])
        start = int(query.get("cursor", ["0"])[0])
        page = entries[start : start + self.tree_page_size]
        headers = {}
        if start + self.tree_page_size < len(entries):
            cursor = start + self.tree_page_size
            next_url = f"{self.url}/api/models/{repo_id}/tree/{quote(revision, safe='')}?recursive=true&cursor={cursor}"
            if expand:
                next_url += "&expand=true"
            headers["Link"] = f'<{next_url}>; rel="next"'
        return _json(page, headers)

    def _resolve(self, repo_id: str, revision: str, path: str, method: str):
        repo, commit, error = self._repo_and_commit(repo_id, revision)
        if error:
            return error
        if repo.gated:
            return _error(401, "GatedRepo", "Access to this model is restricted.")
        hub_file = commit.files.get(path)
        if hub_file is None:
            return _error(404, "EntryNotFound", "Entry not found")
        if method != "HEAD":
            return _error(501, "", "The stand-in serves file metadata, not file content.")
        headers = {
            "X-Repo-Commit": commit.sha,
            "ETag": f'"{hub_file.sha256 or hub_file.blob_id}"',
            "Content-Length": str(hub_file.size),
        }
        return 200, headers, b""


def _json(data, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/json", **(headers or {})}, json.dumps(data).encode()


def _error(status: int, code: str, message: str, extra: dict[str, str] | None = None):
    headers = {"Content-Type": "application/json", "X-Request-Id": f"Root=1-{uuid.uuid4().hex}", **(extra or {})}
    if code:
        headers["X-Error-Code"] = code
    headers.setdefault("X-Error-Message", message)
    return status, headers, json.dumps({"error": message}).encode()


class _Handler(BaseHTTPRequestHandler):
    standin: StandinHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - quiet during tests
        pass

    def _handle(self, method: str) -> None:
        if self.standin.hang:
            # Accept the connection and never answer, like a Hub stuck behind a broken proxy.
            while self.standin.hang and not self.standin._release.wait(0.05):
                pass
            self.close_connection = True
            return
        status, headers, body = self.standin.answer(method, self.path)
        self.send_response(status)
        for name, value in headers.items():
            if name != "Content-Length":
                self.send_header(name, value)
        self.send_header("Content-Length", headers.get("Content-Length", str(len(body))))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's naming
        self._handle("GET")

    def do_HEAD(self):  # noqa: N802
        self._handle("HEAD")
