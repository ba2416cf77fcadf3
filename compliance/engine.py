"""The local verification engine: compare a folder with a manifest, hash in parallel, check the license.

Nothing here touches the database: the run lifecycle (compliance.verification) and the
`verify_model` command both call `verify_folder` and store or print its outcomes.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace

from django.conf import settings

from compliance.hashing import Identity, ModelFolder, Scan, chunk_size_for, hash_file, identity_of
from compliance.hub import LicenseInfo, ManifestFile
from compliance.scanning import NOT_APPLICABLE, scan_file

OK, MISMATCH, MISSING, UNEXPECTED, REFUSED = "ok", "mismatch", "missing", "unexpected", "refused"


@dataclass(frozen=True)
class FileOutcome:
    """The result for one path: what the manifest expected and what the folder holds."""

    path: str
    status: str
    expected: str = ""
    actual: str = ""
    algorithm: str = ""
    size: int | None = None
    detail: str = ""
    format: str = ""
    scan: str = ""
    scan_detail: str = ""
    # The file's identity when it was hashed in this run (None when it was not read).
    identity: Identity | None = field(default=None, compare=False)
    # Set when the file was not read: its identity is unchanged since it was hashed at that time.
    trusted_since: dt.datetime | None = None

    def as_json(self) -> dict:
        """The `files[]` entry of verify_model --json; a file not scanned (absent, refused) is not-applicable."""
        data = asdict(self)
        for key in ("detail", "scan", "scan_detail", "identity", "trusted_since"):
            data.pop(key)
        data["format"] = self.format or None
        data["scan"] = {"verdict": self.scan or NOT_APPLICABLE, "detail": self.scan_detail or None}
        return data


@dataclass(frozen=True)
class LicenseVerdict:
    expected: str
    found: str
    ok: bool | None
    reason: str = ""


def license_check(found: LicenseInfo, *, declared: str | None, allowed: Iterable[str] | None = None) -> LicenseVerdict:
    """The Hub's license against the declared one and the offering's allow-list.

    An unknown license or a bare `other` never passes automatically: a person has to read it.
    `other` with a `license_name` (Meta's Llama 4 repos declare `license: other` and
    `license_name: llama4`) is compared by that name. With neither a declared license nor an
    allow-list there is nothing to check against (ok is None) unless the Hub's license is unknown
    or a bare `other`, which fails.
    """
    name = found.name.strip().lower()
    ids = [name if i.lower() == "other" and name else i.lower() for i in found.ids]
    expected = (declared or "").strip().lower()
    allow = {a.strip().lower() for a in allowed} if allowed is not None else None
    if not ids:
        return LicenseVerdict(expected, found.label, False, "the Hub states no license")
    if "other" in ids:
        return LicenseVerdict(expected, found.label, False, "license 'other' without a license_name needs human review")
    if not expected and allow is None:
        return LicenseVerdict(expected, found.label, None, "no expected license")
    if expected and any(i != expected for i in ids):
        return LicenseVerdict(expected, found.label, False, "the Hub's license differs from the declared one")
    if allow is not None and any(i not in allow for i in ids):
        return LicenseVerdict(expected, found.label, False, "the license is not on the offering's allow-list")
    return LicenseVerdict(expected, found.label, True)


def compare(scan: Scan, manifest: Iterable[ManifestFile]) -> tuple[list[FileOutcome], list[ManifestFile]]:
    """Outcomes decided without reading a byte (missing, unexpected, refused, wrong size) and what to hash."""
    outcomes: list[FileOutcome] = []
    to_hash: list[ManifestFile] = []
    expected_paths = set()
    for entry in manifest:
        expected_paths.add(entry.path)
        common = {"expected": entry.digest, "algorithm": entry.algorithm}
        local = scan.files.get(entry.path)
        if entry.path in scan.refused:
            outcomes.append(FileOutcome(entry.path, REFUSED, **common, detail=scan.refused[entry.path]))
        elif local is None:
            outcomes.append(FileOutcome(entry.path, MISSING, **common, size=entry.size))
        elif local.size != entry.size:
            detail = f"size {local.size}, expected {entry.size}"
            outcomes.append(FileOutcome(entry.path, MISMATCH, **common, size=local.size, detail=detail))
        else:
            to_hash.append(entry)
    for path, local in scan.files.items():
        if path not in expected_paths:
            outcomes.append(FileOutcome(path, UNEXPECTED, size=local.size))
    for path, reason in scan.refused.items():
        if path not in expected_paths:
            outcomes.append(FileOutcome(path, REFUSED, detail=reason))
    return outcomes, to_hash


@dataclass(frozen=True)
class KnownDigest:
    """A digest computed earlier for a path, with the file's identity at that time."""

    digest: str
    algorithm: str
    identity: Identity
    hashed_at: dt.datetime


def trust_unchanged(
    folder: ModelFolder,
    scan: Scan,
    entries: list[ManifestFile],
    known: Mapping[str, KnownDigest],
    *,
    not_before: dt.datetime,
) -> tuple[list[FileOutcome], list[ManifestFile]]:
    """Split what compare() left to hash into files trusted from their identity and files to read.

    A file is trusted only when an earlier hash of it matched this manifest's digest with the same
    algorithm, was made at or after `not_before`, and the file's identity (device, inode, size,
    mtime, ctime), read from a descriptor opened as for hashing, is exactly the one it had then.
    """
    trusted: list[FileOutcome] = []
    to_hash: list[ManifestFile] = []
    for entry in entries:
        earlier = known.get(entry.path)
        if earlier is None or earlier.hashed_at < not_before:
            to_hash.append(entry)
            continue
        if (earlier.digest, earlier.algorithm) != (entry.digest, entry.algorithm):
            to_hash.append(entry)
            continue
        try:
            now = identity_of(folder.root, scan.files[entry.path].source)
        except OSError:
            now = None
        if now is None or now != earlier.identity:
            to_hash.append(entry)
            continue
        trusted.append(
            FileOutcome(
                entry.path, OK, entry.digest, entry.digest, entry.algorithm, entry.size, trusted_since=earlier.hashed_at
            )
        )
    return trusted, to_hash


def default_workers() -> int:
    """VERIFY_WORKERS, or (0, the default) the number of cores this process may run on."""
    if settings.VERIFY_WORKERS:
        return settings.VERIFY_WORKERS
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Cancelled(Exception):
    """Raised in a hashing thread once the run was given up (time limit, worker shutdown)."""


class Progress:
    """Bytes and files done, updated by the hashing threads and read by whoever reports progress."""

    def __init__(self, bytes_total: int, files_total: int, *, read_limit: int | None = None):
        self.bytes_total, self.files_total = bytes_total, files_total
        self.bytes_done = self.files_done = 0
        self.cancelled = threading.Event()
        self._lock = threading.Lock()
        # Bytes per second all threads together may read (0: no limit), so that verifying a large
        # model does not starve an agency's shared storage of its bandwidth.
        self.read_limit = settings.VERIFY_READ_BYTES_PER_SECOND if read_limit is None else read_limit
        self._started = time.monotonic()

    def add(self, nbytes: int = 0, nfiles: int = 0) -> None:
        if self.cancelled.is_set():
            raise Cancelled
        with self._lock:
            self.bytes_done += nbytes
            self.files_done += nfiles
            ahead = self.bytes_done / self.read_limit - (time.monotonic() - self._started) if self.read_limit else 0
        if ahead > 0:
            time.sleep(ahead)


def hash_all(
    folder: ModelFolder,
    scan: Scan,
    entries: list[ManifestFile],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    on_tick: Callable[[Progress], None] | None = None,
    tick_seconds: float = 0.5,
) -> list[FileOutcome]:
    """Hash the files in parallel threads (hashlib releases the GIL), largest first, calling on_tick as it goes."""
    progress = progress or Progress(sum(e.size for e in entries), len(entries))
    ordered = sorted(entries, key=lambda e: e.size, reverse=True)
    workers = max(1, workers or default_workers())
    chunk_size = chunk_size_for(workers)
    # Fewer files than threads (one or two huge files): a free core reads ahead for each hashing thread.
    read_ahead = len(ordered) < workers

    def one(entry: ManifestFile) -> FileOutcome:
        local = scan.files[entry.path]
        digest = hash_file(
            folder.root,
            local.source,
            algorithm=entry.algorithm,
            expected_size=entry.size,
            on_bytes=progress.add,
            chunk_size=chunk_size,
            read_ahead=read_ahead,
        )
        progress.add(nfiles=1)
        status = OK if digest.hexdigest == entry.digest and not digest.detail else MISMATCH
        return FileOutcome(
            entry.path,
            status,
            entry.digest,
            digest.hexdigest,
            entry.algorithm,
            digest.size,
            digest.detail,
            identity=digest.identity,
        )

    outcomes = []
    pool = ThreadPoolExecutor(max_workers=min(workers, max(1, len(ordered))))
    try:
        pending = {pool.submit(_guarded, one, entry) for entry in ordered}
        while pending:
            done, pending = wait(pending, timeout=tick_seconds, return_when=FIRST_EXCEPTION)
            outcomes.extend(future.result() for future in done)
            if on_tick:
                on_tick(progress)
    except BaseException:
        # A soft time limit (or any error) lands here: stop the threads at their next chunk, don't wait.
        progress.cancelled.set()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    if on_tick:
        on_tick(progress)
    return outcomes


def _guarded(func, entry: ManifestFile) -> FileOutcome:
    """A file that cannot be opened safely (swapped for a link, vanished) is refused, never followed."""
    try:
        return func(entry)
    except OSError as error:
        return FileOutcome(
            entry.path, REFUSED, entry.digest, "", entry.algorithm, None, f"cannot open: {error.strerror}"
        )


SCANNED_STATUSES = (OK, MISMATCH, UNEXPECTED)


def scan_outcomes(folder: ModelFolder, scan: Scan, outcomes: list[FileOutcome]) -> list[FileOutcome]:
    """Each present file's format and scan verdict (compliance.scanning reads headers, never loads a file)."""
    if not settings.VERIFY_SCAN_FILES:
        return outcomes
    scanned = []
    for outcome in outcomes:
        local = scan.files.get(outcome.path)
        if outcome.status in SCANNED_STATUSES and local is not None:
            found = scan_file(folder.root, local.source, path=outcome.path)
            outcome = replace(outcome, format=found.format, scan=found.verdict, scan_detail=found.detail)
        scanned.append(outcome)
    return scanned


@dataclass
class FolderReport:
    outcomes: list[FileOutcome]
    seconds: float
    bytes_hashed: int

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def summary(self) -> dict[str, int]:
        """Refused paths count as mismatches when the manifest expects them, as unexpected otherwise."""
        counts = {OK: 0, MISMATCH: 0, MISSING: 0, UNEXPECTED: 0}
        for outcome in self.outcomes:
            if outcome.status == REFUSED:
                counts[MISMATCH if outcome.expected else UNEXPECTED] += 1
            else:
                counts[outcome.status] += 1
        return counts

    @property
    def all_ok(self) -> bool:
        return all(o.status == OK for o in self.outcomes)


def verify_folder(
    folder: ModelFolder,
    scan: Scan,
    manifest: Iterable[ManifestFile],
    *,
    workers: int | None = None,
    on_tick: Callable[[Progress], None] | None = None,
) -> FolderReport:
    """Compare, then hash what needs hashing; outcomes sorted by path."""
    started = time.monotonic()
    outcomes, to_hash = compare(scan, manifest)
    progress = Progress(sum(e.size for e in to_hash), len(to_hash))
    outcomes += hash_all(folder, scan, to_hash, workers=workers, progress=progress, on_tick=on_tick)
    outcomes = scan_outcomes(folder, scan, outcomes)
    outcomes.sort(key=lambda o: o.path)
    return FolderReport(outcomes=outcomes, seconds=time.monotonic() - started, bytes_hashed=progress.bytes_done)
