"""Model supply-chain scanning: each file's format and verdict, and the repo's custom code and templates.

Files are opened below the model root the same way hashing opens them (compliance.hashing:
no symlink followed, regular files only) and are never loaded or deserialized. Scanning reads
little: a safetensors header, a NumPy header, an archive's central directory and pickle members.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from compliance.hashing import open_beneath
from compliance.scanning.code import CodeReport, code_report
from compliance.scanning.files import (
    NOT_APPLICABLE,
    PICKLE_FORMATS,
    SAFE,
    UNKNOWN,
    UNSAFE,
    VERDICTS,
    FileScan,
    scan_stream,
)

__all__ = [
    "NOT_APPLICABLE",
    "PICKLE_FORMATS",
    "SAFE",
    "UNKNOWN",
    "UNSAFE",
    "VERDICTS",
    "CodeReport",
    "FileScan",
    "code_report",
    "read_small",
    "scan_file",
    "scan_stream",
]


def scan_file(root: Path, source: str, *, path: str) -> FileScan:
    """Scan the file at `source` below `root` (its repo path is `path`); an unreadable file is `unknown`."""
    try:
        fd = open_beneath(root, source)
    except OSError as error:
        return FileScan("unreadable", UNKNOWN, f"cannot open: {error.strerror or error}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return FileScan("unreadable", UNKNOWN, "not a regular file")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", buffering=1024 * 1024, closefd=False) as stream:
            return scan_stream(stream, path=path, size=info.st_size)
    except OSError as error:
        return FileScan("unreadable", UNKNOWN, f"read error: {error.strerror or error}")
    finally:
        os.close(fd)


def read_small(root: Path, source: str, limit: int) -> bytes | None:
    """At most `limit` bytes of a small file below `root` (config, tokenizer config), or None."""
    try:
        fd = open_beneath(root, source)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            return stream.read(limit)
    except OSError:
        return None
    finally:
        os.close(fd)
