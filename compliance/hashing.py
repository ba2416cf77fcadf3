"""Reading a model folder safely: confinement to MODEL_ROOTS, a walk that never follows links blindly, hashing.

Every file is opened from the model root's directory descriptor one path component at a time with
O_NOFOLLOW (so a component swapped for a symlink after the walk fails to open instead of escaping),
with O_NONBLOCK (so a FIFO never blocks), and is read only when fstat says it is a regular file.
Files are only hashed, never parsed or deserialized.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

# Reads of 1 MiB into a reused buffer, the kernel told the reads are sequential (its read-ahead does the large
# disk reads). Measured here: 8 MiB chunks cost 9 % more CPU per byte than 1 MiB (the chunk no longer stays in the
# core's cache between the copy from the page cache and the hashing); 128 KiB to 1 MiB are alike.
CHUNK_SIZE = 1024 * 1024
MIN_CHUNK_SIZE = 64 * 1024
# All read buffers of one verification together stay under this, whatever the number of threads.
READ_BUFFER_BUDGET = 64 * 1024 * 1024
IGNORED_DIRS = {".git"}
IGNORED_PREFIXES = (".cache/huggingface/",)
COMMIT_RE = re.compile(r"^[0-9a-f]{40}$")


class FolderRefused(Exception):
    """The folder cannot be verified: outside MODEL_ROOTS, not a folder, or an absurd tree."""


@dataclass(frozen=True)
class ModelFolder:
    """A folder to verify, confined to one model root.

    `rel` is the folder relative to `root`; `link_boundary` is where symlinks may point (the folder
    itself, or the `models--ns--name` repo folder for a Hugging Face cache snapshot).
    """

    root: Path
    rel: str
    link_boundary: Path

    @property
    def path(self) -> Path:
        return self.root / self.rel if self.rel else self.root


@dataclass(frozen=True)
class LocalFile:
    """A file found in the folder: its path in the repo, where to open it below the root, and its size."""

    path: str
    source: str
    size: int


@dataclass
class Scan:
    files: dict[str, LocalFile] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)


def _canonical_roots(allowed: list[Path] | None = None) -> list[Path]:
    roots = []
    for root in settings.MODEL_ROOTS if allowed is None else allowed:
        try:
            roots.append(Path(root).resolve(strict=True))
        except OSError:
            continue
    return roots


def confine(
    path: str | os.PathLike,
    *,
    repo_id: str = "",
    commit: str = "",
    revision: str = "",
    roots: list[Path] | None = None,
) -> ModelFolder:
    """Resolve a folder given by a user and refuse it unless it lies under one of MODEL_ROOTS (or of `roots`,
    the deployment's agency's own roots, when given).

    A Hugging Face cache folder is accepted too: the cache itself, `models--ns--name`, or one of its
    `snapshots/<commit>` folders; the snapshot to verify is picked from the commit or revision.
    """
    raw = os.fspath(path)
    if not raw or "\x00" in raw:
        raise FolderRefused("The folder path is empty or contains a NUL byte.")
    if not os.path.isabs(raw):
        raise FolderRefused("The folder path must be absolute.")
    try:
        resolved = Path(raw).resolve(strict=True)
    except (OSError, RuntimeError) as error:
        raise FolderRefused(f"The folder does not exist or cannot be resolved: {raw}.") from error
    root = next((r for r in _canonical_roots(roots) if resolved.is_relative_to(r)), None)
    if root is None:
        raise FolderRefused(f"The folder is outside the allowed model roots: {raw}.")
    if not resolved.is_dir():
        raise FolderRefused(f"Not a folder: {raw}.")
    folder, boundary = _hf_cache_snapshot(resolved, repo_id=repo_id, commit=commit, revision=revision)
    if not folder.is_relative_to(root) or not boundary.is_relative_to(root):
        raise FolderRefused(f"The folder is outside the allowed model roots: {raw}.")
    rel = folder.relative_to(root).as_posix()
    return ModelFolder(root=root, rel="" if rel == "." else rel, link_boundary=boundary)


def _hf_cache_snapshot(folder: Path, *, repo_id: str, commit: str, revision: str) -> tuple[Path, Path]:
    """The snapshot folder to verify and the boundary its symlinks must stay inside."""
    if repo_id:
        repo_dir = folder / ("models--" + repo_id.replace("/", "--"))
        if repo_dir.is_dir() and not repo_dir.is_symlink():
            folder = repo_dir
    if folder.parent.name == "snapshots" and folder.parent.parent.name.startswith("models--"):
        return folder, folder.parent.parent
    if not (folder.name.startswith("models--") and (folder / "snapshots").is_dir()):
        return folder, folder
    wanted = commit if COMMIT_RE.fullmatch(commit or "") else ""
    if not wanted and revision:
        if COMMIT_RE.fullmatch(revision):
            wanted = revision
        elif re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}", revision):
            ref = folder / "refs" / revision
            if ref.is_file() and not ref.is_symlink():
                wanted = ref.read_text(encoding="utf-8").strip()
    if not COMMIT_RE.fullmatch(wanted):
        raise FolderRefused("Cannot tell which snapshot of the Hugging Face cache folder to verify.")
    snapshot = folder / "snapshots" / wanted
    if not snapshot.is_dir() or snapshot.is_symlink():
        raise FolderRefused(f"The cache folder has no snapshot {wanted}.")
    return snapshot, folder


def open_beneath(root: Path, rel: str, *, directory: bool = False) -> int:
    """Open `rel` below `root` without following any symlink on the way; return the descriptor."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    parts = [p for p in rel.split("/") if p]
    try:
        for index, part in enumerate(parts):
            if part in (".", ".."):
                raise OSError(f"refusing path component {part!r}")
            last = index == len(parts) - 1
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
            if not last or directory:
                flags |= os.O_DIRECTORY
            next_fd = os.open(part, flags, dir_fd=fd)
            os.close(fd)
            fd = next_fd
        return fd
    except BaseException:
        os.close(fd)
        raise


def scan(folder: ModelFolder, *, max_files: int | None = None, max_depth: int | None = None) -> Scan:
    """List the folder's files without reading them. Specials and escaping links are refused, not followed.

    Raises FolderRefused when the tree has more files or levels than the configured limits.
    """
    max_files = max_files or settings.VERIFY_MAX_FILES
    max_depth = max_depth or settings.VERIFY_MAX_DEPTH
    result = Scan()
    top_fd = open_beneath(folder.root, folder.rel, directory=True)
    try:
        for dirpath, dirnames, filenames, dirfd in os.fwalk(".", follow_symlinks=False, dir_fd=top_fd):
            prefix = "" if dirpath == "." else dirpath[2:] + "/"
            if prefix.count("/") >= max_depth:
                raise FolderRefused(f"The folder is nested deeper than {max_depth} levels.")
            for name in list(dirnames):
                info = os.stat(name, dir_fd=dirfd, follow_symlinks=False)
                if stat.S_ISLNK(info.st_mode):
                    dirnames.remove(name)
                    result.refused[prefix + name] = "symbolic link to a folder"
                elif (prefix + name) in IGNORED_DIRS or (prefix + name + "/").startswith(IGNORED_PREFIXES):
                    dirnames.remove(name)
            for name in filenames:
                _classify(folder, prefix + name, name, dirfd, result)
                if len(result.files) + len(result.refused) > max_files:
                    raise FolderRefused(f"The folder holds more than {max_files} files.")
    finally:
        os.close(top_fd)
    return result


def _classify(folder: ModelFolder, path: str, name: str, dirfd: int, result: Scan) -> None:
    if path.startswith(IGNORED_PREFIXES):
        return
    info = os.stat(name, dir_fd=dirfd, follow_symlinks=False)
    source = f"{folder.rel}/{path}" if folder.rel else path
    if stat.S_ISREG(info.st_mode):
        result.files[path] = LocalFile(path=path, source=source, size=info.st_size)
    elif stat.S_ISLNK(info.st_mode):
        _classify_link(folder, path, name, dirfd, result)
    else:
        result.refused[path] = "not a regular file (FIFO, device or socket)"


def _classify_link(folder: ModelFolder, path: str, name: str, dirfd: int, result: Scan) -> None:
    """Accept a file symlink only when its real target is a regular file inside the link boundary."""
    target = os.readlink(name, dir_fd=dirfd)
    real = Path(os.path.realpath(folder.path / os.path.dirname(path) / target))
    if not real.is_relative_to(folder.link_boundary):
        result.refused[path] = "symbolic link leaving the model folder"
        return
    try:
        info = os.stat(real, follow_symlinks=False)
    except OSError:
        result.refused[path] = "dangling symbolic link"
        return
    if not stat.S_ISREG(info.st_mode):
        result.refused[path] = "symbolic link to something other than a regular file"
        return
    result.files[path] = LocalFile(path=path, source=real.relative_to(folder.root).as_posix(), size=info.st_size)


@dataclass(frozen=True)
class Identity:
    """What the kernel says about a file, enough to tell that it was not changed since it was hashed.

    Replacing a file (a new inode), writing to it (mtime and ctime) or changing its size shows here.
    Setting mtime back with utime() still moves ctime, which only root can forge (by changing the clock).
    """

    dev: int
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, info: os.stat_result) -> Identity:
        return cls(info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def identity_of(root: Path, source: str) -> Identity | None:
    """The identity of a regular file below the root, opened as safely as for hashing; None if it is not one."""
    fd = open_beneath(root, source)
    try:
        info = os.fstat(fd)
    finally:
        os.close(fd)
    return Identity.of(info) if stat.S_ISREG(info.st_mode) else None


@dataclass(frozen=True)
class Digest:
    hexdigest: str
    size: int
    detail: str = ""
    identity: Identity | None = None


def chunk_size_for(workers: int) -> int:
    """Large sequential reads, but never more than READ_BUFFER_BUDGET of buffers whatever the thread count."""
    return max(MIN_CHUNK_SIZE, min(CHUNK_SIZE, READ_BUFFER_BUDGET // (2 * max(1, workers))))


def hash_file(
    root: Path,
    source: str,
    *,
    algorithm: str,
    expected_size: int,
    on_bytes: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
    read_ahead: bool = False,
) -> Digest:
    """Stream one file through sha256 (LFS content) or git blob sha1, in large sequential chunks.

    The file must still be a regular file of the expected size when opened; it is read to exactly
    that size, so a file growing or shrinking while we read it is reported, not trusted, and so is a
    file whose identity (inode, mtime, ctime) changed while it was read. With `read_ahead`, a second
    thread reads the next chunk while this one hashes the last (for a file hashed alone: hashlib and
    reads both release the GIL, so reading no longer adds to the hashing time).
    """
    fd = open_beneath(root, source)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Digest("", info.st_size, "not a regular file")
        if info.st_size != expected_size:
            return Digest("", info.st_size, "size changed")
        os.set_blocking(fd, True)
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
        if algorithm == "sha256":
            hasher = hashlib.sha256()
        else:
            hasher = hashlib.sha1(usedforsecurity=False)
            hasher.update(b"blob %d\0" % expected_size)
        stream = _stream_ahead if read_ahead and expected_size > chunk_size else _stream
        failure = stream(fd, hasher, expected_size, chunk_size, on_bytes)
        if failure is not None:
            return failure
        if os.pread(fd, 1, expected_size):
            return Digest("", expected_size + 1, "file grew while reading")
        identity = Identity.of(info)
        if Identity.of(os.fstat(fd)) != identity:
            return Digest("", expected_size, "file changed while reading")
        return Digest(hasher.hexdigest(), expected_size, identity=identity)
    finally:
        os.close(fd)


def _read_full(fd: int, view: memoryview, offset: int) -> int:
    """Fill the view from the offset (short reads continued); fewer bytes only at end of file."""
    done = 0
    while done < len(view):
        count = os.preadv(fd, [view[done:]], offset + done)
        if not count:
            break
        done += count
    return done


def _stream(fd: int, hasher, size: int, chunk_size: int, on_bytes) -> Digest | None:
    view = memoryview(bytearray(chunk_size))
    offset = 0
    while offset < size:
        count = _read_full(fd, view[: min(chunk_size, size - offset)], offset)
        if not count:
            return Digest("", offset, "file shrank while reading")
        hasher.update(view[:count])
        offset += count
        if on_bytes:
            on_bytes(count)
    return None


def _stream_ahead(fd: int, hasher, size: int, chunk_size: int, on_bytes) -> Digest | None:
    """Double-buffered: a reader thread fills one buffer while this thread hashes the other."""
    views = [memoryview(bytearray(chunk_size)), memoryview(bytearray(chunk_size))]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead") as reader:
        offset, turn = 0, 0
        pending = reader.submit(_read_full, fd, views[0][: min(chunk_size, size)], 0)
        while offset < size:
            count = pending.result()
            if not count:
                return Digest("", offset, "file shrank while reading")
            current = views[turn][:count]
            offset += count
            turn = 1 - turn
            if offset < size:
                pending = reader.submit(_read_full, fd, views[turn][: min(chunk_size, size - offset)], offset)
            try:
                hasher.update(current)
                if on_bytes:
                    on_bytes(count)
            except BaseException:
                pending.cancel()
                raise
    return None


def git_blob_sha1(data: bytes) -> str:
    """The git blob id of some bytes, as the Hub publishes it for non-LFS files."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
