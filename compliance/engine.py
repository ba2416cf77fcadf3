"""The local verification engine: compare a folder with a manifest, hash in parallel, check the license.

Nothing here touches the database: the run lifecycle (compliance.verification) and the
`verify_model` command both call `verify_folder` and store or print its outcomes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass

from django.conf import settings

from compliance.hashing import ModelFolder, Scan, hash_file
from compliance.hub import LicenseInfo, ManifestFile

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

    def as_json(self) -> dict:
        data = asdict(self)
        data.pop("detail")
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

    def one(entry: ManifestFile) -> FileOutcome:
        local = scan.files[entry.path]
        digest = hash_file(
            folder.root, local.source, algorithm=entry.algorithm, expected_size=entry.size, on_bytes=progress.add
        )
        progress.add(nfiles=1)
        status = OK if digest.hexdigest == entry.digest and not digest.detail else MISMATCH
        return FileOutcome(
            entry.path, status, entry.digest, digest.hexdigest, entry.algorithm, digest.size, digest.detail
        )

    outcomes = []
    pool = ThreadPoolExecutor(max_workers=max(1, workers or settings.VERIFY_WORKERS))
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
    outcomes.sort(key=lambda o: o.path)
    return FolderReport(outcomes=outcomes, seconds=time.monotonic() - started, bytes_hashed=progress.bytes_done)
