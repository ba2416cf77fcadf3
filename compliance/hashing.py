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
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

CHUNK_SIZE = 1024 * 1024
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
class Digest:
    hexdigest: str
    size: int
    detail: str = ""


def hash_file(
    root: Path, source: str, *, algorithm: str, expected_size: int, on_bytes: Callable[[int], None] | None = None
) -> Digest:
    """Stream one file through sha256 (LFS content) or git blob sha1, in fixed chunks.

    The file must still be a regular file of the expected size when opened; it is read to exactly
    that size, so a file growing or shrinking while we read it is reported, not trusted.
    """
    fd = open_beneath(root, source)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Digest("", info.st_size, "not a regular file")
        if info.st_size != expected_size:
            return Digest("", info.st_size, "size changed")
        os.set_blocking(fd, True)
        if algorithm == "sha256":
            hasher = hashlib.sha256()
        else:
            hasher = hashlib.sha1(usedforsecurity=False)
            hasher.update(b"blob %d\0" % expected_size)
        buffer = bytearray(CHUNK_SIZE)
        view = memoryview(buffer)
        remaining = expected_size
        with os.fdopen(fd, "rb", buffering=0, closefd=False) as stream:
            while remaining > 0:
                count = stream.readinto(view[: min(CHUNK_SIZE, remaining)])
                if not count:
                    return Digest("", expected_size - remaining, "file shrank while reading")
                hasher.update(view[:count])
                remaining -= count
                if on_bytes:
                    on_bytes(count)
            if stream.read(1):
                return Digest("", expected_size + 1, "file grew while reading")
        return Digest(hasher.hexdigest(), expected_size)
    finally:
        os.close(fd)


def git_blob_sha1(data: bytes) -> str:
    """The git blob id of some bytes, as the Hub publishes it for non-LFS files."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
