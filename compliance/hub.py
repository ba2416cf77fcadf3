"""The one client of the Hugging Face Hub: model metadata, per-file manifest, license and gating at a commit.

It wraps the real `huggingface_hub.HfApi` and turns its errors into our own domain errors. The
library does not retry `model_info` and has no default timeout, so this module passes an explicit
timeout on every call and retries the transient failures (429, 5xx, timeouts) with a bounded
backoff that honours `Retry-After`. Services receive a `HubClient`; tests point it at the stand-in Hub.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from huggingface_hub.errors import HfHubHTTPError

# huggingface_hub (and its HTTP stack) is imported by the functions that talk to the Hub, not here: the
# engine and commands use this module's data classes, and verify_model --help or --manifest, or a process
# that verifies from a stored manifest, should not spend half a second importing a client it never uses.

logger = logging.getLogger(__name__)

REPO_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$")
REVISION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,199}$")
COMMIT_RE = re.compile(r"^[0-9a-f]{40}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class HubError(Exception):
    """Anything that kept us from reading a repo's metadata on the Hub."""

    transient = False

    def __init__(self, message: str, *, request_id: str = ""):
        super().__init__(message)
        self.message = message
        self.request_id = request_id


class InvalidRepoId(HubError):
    pass


class RepoNotFound(HubError):
    pass


class RevisionNotFound(HubError):
    pass


class GatedOrDisabled(HubError):
    pass


class RateLimited(HubError):
    transient = True

    def __init__(self, message: str, *, request_id: str = "", retry_after: float | None = None):
        super().__init__(message, request_id=request_id)
        self.retry_after = retry_after


class HubUnavailable(HubError):
    transient = True


class HubTimeout(HubError):
    transient = True


@dataclass(frozen=True)
class ManifestFile:
    """One file of a repo at a commit. LFS files carry the sha256 of their content, others their git blob sha1."""

    path: str
    size: int
    sha256: str = ""
    git_sha1: str = ""

    @property
    def is_lfs(self) -> bool:
        return bool(self.sha256)

    @property
    def algorithm(self) -> str:
        return "sha256" if self.is_lfs else "git-sha1"

    @property
    def digest(self) -> str:
        return self.sha256 if self.is_lfs else self.git_sha1


@dataclass(frozen=True)
class LicenseInfo:
    """A repo's license as the Hub states it: ids from the card (or the `license:` tag), and the name for `other`."""

    ids: tuple[str, ...] = ()
    name: str = ""
    link: str = ""

    @property
    def label(self) -> str:
        """One readable string: `apache-2.0`, `mit+apache-2.0`, `other:acme-license` or `unknown`."""
        if not self.ids:
            return "unknown"
        return "+".join(f"other:{self.name}" if i == "other" and self.name else i for i in self.ids)


@dataclass(frozen=True)
class HubModel:
    """What verification needs of one repo at one revision: the commit it resolved to and its files."""

    repo_id: str
    revision: str
    commit: str
    files: tuple[ManifestFile, ...]
    license: LicenseInfo
    gated: str = ""
    private: bool = False
    disabled: bool = False
    # The exact parameter count, from the Hub's safetensors metadata at this commit, when it publishes one.
    parameter_count: int | None = None


def _safetensors_total(info) -> int | None:
    total = getattr(getattr(info, "safetensors", None), "total", None)
    return total if isinstance(total, int) and total > 0 else None


def validate_repo_id(repo_id: str) -> str:
    """Refuse anything but `namespace/name` before it reaches a URL (no `..`, slashes, query strings)."""
    if not isinstance(repo_id, str) or not REPO_ID_RE.fullmatch(repo_id) or ".." in repo_id:
        raise InvalidRepoId(f"Not a Hugging Face repo id: {repo_id!r}.")
    return repo_id


def validate_revision(revision: str) -> str:
    if not isinstance(revision, str) or not REVISION_RE.fullmatch(revision) or ".." in revision:
        raise RevisionNotFound(f"Not a valid revision: {revision!r}.")
    return revision


def license_from(card_data, tags) -> LicenseInfo:
    """The card's `license` (a string or a list), else the `license:<id>` tags; `license_name` for `other`."""
    raw = getattr(card_data, "license", None) if card_data is not None else None
    if isinstance(raw, str):
        ids = [raw]
    elif isinstance(raw, list | tuple):
        ids = [str(item) for item in raw if item]
    else:
        ids = [tag.split(":", 1)[1] for tag in (tags or []) if isinstance(tag, str) and tag.startswith("license:")]
    ids = [i.strip().lower() for i in ids if i and i.strip()]
    return LicenseInfo(
        ids=tuple(dict.fromkeys(ids)),
        name=str(getattr(card_data, "license_name", None) or ""),
        link=str(getattr(card_data, "license_link", None) or ""),
    )


def manifest_from_siblings(siblings) -> tuple[ManifestFile, ...]:
    files = []
    for sibling in siblings or []:
        lfs_sha = (getattr(sibling.lfs, "sha256", "") or "").lower() if sibling.lfs else ""
        if sibling.size is None or (not lfs_sha and not sibling.blob_id):
            raise HubError(f"The Hub sent no checksum for {sibling.rfilename!r}.")
        if lfs_sha and not SHA256_RE.fullmatch(lfs_sha):
            raise HubError(f"The Hub sent a malformed sha256 for {sibling.rfilename!r}.")
        files.append(
            ManifestFile(
                path=sibling.rfilename,
                size=int(sibling.size),
                sha256=lfs_sha,
                git_sha1="" if lfs_sha else sibling.blob_id.lower(),
            )
        )
    return tuple(sorted(files, key=lambda f: f.path))


def _request_id(error: HfHubHTTPError) -> str:
    response = getattr(error, "response", None)
    return (response.headers.get("X-Request-Id", "") if response is not None else "") or ""


def _retry_after(response) -> float | None:
    from huggingface_hub.utils import parse_ratelimit_headers

    value = response.headers.get("Retry-After") if response is not None else None
    if value and value.strip().isdigit():
        return float(value.strip())
    info = parse_ratelimit_headers(response.headers) if response is not None else None
    return float(info.reset_in_seconds) if info else None


def translate(error: Exception, repo_id: str, revision: str) -> HubError:
    """Map a huggingface_hub or transport error to our domain error (the order matters: subclasses first)."""
    import httpx2
    from huggingface_hub.errors import (
        DisabledRepoError,
        GatedRepoError,
        HfHubHTTPError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    where = f"{repo_id}@{revision}"
    if isinstance(error, RevisionNotFoundError):
        return RevisionNotFound(f"Revision not found on the Hub: {where}.", request_id=_request_id(error))
    if isinstance(error, GatedRepoError | DisabledRepoError):
        return GatedOrDisabled(
            f"The Hub refuses access to {repo_id} (gated or disabled).", request_id=_request_id(error)
        )
    if isinstance(error, RepositoryNotFoundError):
        return RepoNotFound(f"Repository not found on the Hub: {repo_id}.", request_id=_request_id(error))
    if isinstance(error, HfHubHTTPError):
        response = error.response
        status = response.status_code if response is not None else 0
        request_id = _request_id(error)
        if status == 429:
            return RateLimited(
                f"The Hub is rate limiting us ({where}).", request_id=request_id, retry_after=_retry_after(response)
            )
        if status == 408 or status >= 500:
            return HubUnavailable(f"The Hub answered {status} for {where}.", request_id=request_id)
        return HubError(f"The Hub answered {status} for {where}.", request_id=request_id)
    if isinstance(error, httpx2.TimeoutException):
        return HubTimeout(f"The Hub did not answer in time for {where}.")
    if isinstance(error, httpx2.TransportError | OfflineModeIsEnabled | ConnectionError):
        return HubUnavailable(f"The Hub cannot be reached for {where}: {error}.")
    return HubError(f"Unexpected answer from the Hub for {where}: {error}.")


class HubClient:
    """Reads model metadata from the Hub (or any endpoint speaking its API), with timeouts and retries."""

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        max_wait: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.endpoint = (endpoint or settings.HF_ENDPOINT).rstrip("/")
        self.timeout = float(timeout if timeout is not None else settings.HF_TIMEOUT_SECONDS)
        self.retries = retries if retries is not None else settings.HF_RETRIES
        self.backoff = backoff if backoff is not None else settings.HF_RETRY_BACKOFF_MS / 1000
        self.max_wait = max_wait if max_wait is not None else float(settings.HF_RETRY_MAX_WAIT_SECONDS)
        self.sleep = sleep
        from huggingface_hub import HfApi

        self.api = HfApi(endpoint=self.endpoint, token=token if token is not None else settings.HF_TOKEN)

    def model(self, repo_id: str, *, revision: str = "main") -> HubModel:
        """The repo at `revision`: the commit it resolved to, the per-file manifest, the license and gating."""
        validate_repo_id(repo_id)
        validate_revision(revision)
        info = self._with_retries(
            lambda: self.api.model_info(repo_id, revision=revision, files_metadata=True, timeout=self.timeout),
            repo_id,
            revision,
        )
        commit = (info.sha or "").lower()
        if not COMMIT_RE.fullmatch(commit):
            raise HubError(f"The Hub sent no commit sha for {repo_id}@{revision}.")
        if info.disabled:
            raise GatedOrDisabled(f"The repo {repo_id} is disabled on the Hub.")
        return HubModel(
            repo_id=repo_id,
            revision=revision,
            commit=commit,
            files=manifest_from_siblings(info.siblings),
            license=license_from(info.card_data, info.tags),
            gated=info.gated if isinstance(info.gated, str) else "",
            private=bool(info.private),
            disabled=bool(info.disabled),
            parameter_count=_safetensors_total(info),
        )

    def file_security(self, repo_id: str, *, commit: str) -> dict[str, dict]:
        """The Hub's own scan of each file at a commit (`securityFileStatus` of the expanded tree listing).

        Only files the Hub reports on appear; each maps to its status, whether its antivirus found
        a virus, and the highest safety level and dangerous imports of its pickle import scan.
        """
        validate_repo_id(repo_id)
        validate_revision(commit)
        entries = self._with_retries(
            lambda: list(self.api.list_repo_tree(repo_id, revision=commit, recursive=True, expand=True)),
            repo_id,
            commit,
        )
        statuses = {}
        for entry in entries:
            security = getattr(entry, "security", None)
            if security is None:
                continue
            pickle_scan = security.pickle_import_scan or {}
            statuses[entry.path] = {
                "status": str(security.status),
                "virus_found": (security.av_scan or {}).get("virusFound"),
                "pickle": pickle_scan.get("highestSafetyLevel"),
                "dangerous_imports": sorted(
                    f"{i.get('module')}.{i.get('name')}"
                    for i in pickle_scan.get("imports") or []
                    if i.get("safety") == "dangerous"
                ),
            }
        return statuses

    def _with_retries(self, call, repo_id: str, revision: str):
        attempt = 0
        while True:
            try:
                return call()
            except Exception as raw:  # every failure becomes a domain error
                error = translate(raw, repo_id, revision)
                if not error.transient or attempt >= self.retries:
                    raise error from raw
                wait = self._wait_for(error, attempt)
                if wait is None:
                    raise error from raw
                logger.warning("Hub call failed (%s); retry %d in %.2fs", error.message, attempt + 1, wait)
                self.sleep(wait)
                attempt += 1

    def _wait_for(self, error: HubError, attempt: int) -> float | None:
        """Exponential backoff, or the server's Retry-After when longer; None when that exceeds our bound."""
        wait = self.backoff * (2**attempt)
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            if retry_after > self.max_wait:
                return None
            wait = max(wait, retry_after)
        return min(wait, self.max_wait)
