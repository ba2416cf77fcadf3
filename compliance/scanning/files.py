"""One file's format, decided from its content (the name only breaks ties), and its scan verdict.

Nothing is loaded or deserialized: safetensors and NumPy headers are parsed as data, pickles are
disassembled (compliance.scanning.pickles), archives are read through their central directory
and only their pickle members are opened.
"""

from __future__ import annotations

import ast
import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from compliance.scanning.pickles import PickleScan, scan_pickle
from compliance.scanning.safetensors import Malformed, check_header

SAFE, UNSAFE, UNKNOWN, NOT_APPLICABLE = "safe", "unsafe", "unknown", "not-applicable"
VERDICTS = (SAFE, UNSAFE, UNKNOWN, NOT_APPLICABLE)
# The formats whose loading runs a pickle: the policy's "pickle-format weight files".
PICKLE_FORMATS = {"pickle", "pytorch-zip"}
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib")
TOKENIZER_FILES = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"}
CONFIG_FILES = {"config.json", "generation_config.json", "preprocessor_config.json", "processor_config.json"}
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
NUMPY_MAGIC = b"\x93NUMPY"
MAX_NUMPY_HEADER = 65535
MAX_ZIP_MEMBERS = 100_000


@dataclass(frozen=True)
class FileScan:
    """The format of one file and what scanning it found; `offending` lists the globals of an unsafe pickle."""

    format: str
    verdict: str
    detail: str = ""
    offending: tuple[str, ...] = ()


def detect(head: bytes, path: str, size: int) -> str:
    """The format from the first bytes of the file, then its name for formats without a magic number."""
    name = path.rsplit("/", 1)[-1].lower()
    if head.startswith(b"GGUF"):
        return "gguf"
    if head.startswith(NUMPY_MAGIC):
        return "numpy"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(HDF5_MAGIC):
        return "keras-hdf5"
    if _looks_like_safetensors(head, size) or name.endswith(".safetensors"):
        return "safetensors"
    if head[:1] == b"\x80" and head[1:2] and 2 <= head[1] <= 5:
        return "pickle"
    if name.endswith(PICKLE_SUFFIXES):
        return "pickle"
    if name.endswith(".onnx"):
        return "onnx"
    if name.endswith(".py"):
        return "python"
    stripped = head.lstrip()
    if name.endswith(".json") and stripped[:1] in (b"{", b"["):
        if name in TOKENIZER_FILES:
            return "tokenizer-json"
        if name in CONFIG_FILES:
            return "config-json"
        return "json"
    if name.endswith((".jinja", ".txt", ".md", ".model", ".tiktoken")) or _is_text(head):
        return "text"
    return "other"


def _looks_like_safetensors(head: bytes, size: int) -> bool:
    if len(head) < 10 or size < 10:
        return False
    (length,) = struct.unpack("<Q", head[:8])
    return 2 <= length <= size - 8 and head[8:9] == b"{"


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def scan_stream(stream: BinaryIO, *, path: str, size: int) -> FileScan:
    """Decide the format of a seekable binary stream holding the file `path`, and scan it."""
    stream.seek(0)
    head = stream.read(64)
    fmt = detect(head, path, size)
    if fmt == "safetensors":
        try:
            tensors = check_header(stream, size)
        except Malformed as error:
            if error.lies:
                return FileScan(fmt, UNSAFE, f"the header lies about its tensors: {error}")
            return FileScan(fmt, UNKNOWN, f"not a readable safetensors file: {error}")
        return FileScan(fmt, SAFE, f"header describes {tensors} tensors within the file")
    if fmt == "pickle":
        return _from_pickle(fmt, scan_pickle(stream, end=size, name="the pickle"))
    if fmt == "numpy":
        return _scan_npy(stream, fmt, start=0, end=size, name="the array")
    if fmt == "zip":
        return _scan_zip(stream)
    if fmt == "keras-hdf5":
        return FileScan(fmt, UNKNOWN, "Keras/HDF5 is not scanned: a Lambda layer can carry code")
    if fmt == "python":
        return FileScan(fmt, NOT_APPLICABLE, "Python source: runs only with trust_remote_code; flagged for review")
    if fmt == "gguf":
        return FileScan(fmt, NOT_APPLICABLE, "GGUF holds tensors and metadata, no code to run on loading")
    if fmt == "onnx":
        return FileScan(fmt, NOT_APPLICABLE, "ONNX graph: loading runs no Python code")
    return FileScan(fmt, NOT_APPLICABLE)


def _from_pickle(fmt: str, result: PickleScan) -> FileScan:
    return FileScan(fmt, result.verdict, result.detail, result.offending)


def _scan_npy(stream: BinaryIO, fmt: str, *, start: int, end: int, name: str) -> FileScan:
    """A .npy header (a Python literal, parsed as data); an object array's pickle is scanned."""
    stream.seek(start)
    prefix = stream.read(10)
    if len(prefix) < 10 or not prefix.startswith(NUMPY_MAGIC):
        return FileScan(fmt, UNKNOWN, f"{name}: not a NumPy array")
    major = prefix[6]
    if major == 1:
        (length,), offset = struct.unpack("<H", prefix[8:10]), 10
    else:
        stream.seek(start + 8)
        (length,), offset = struct.unpack("<I", stream.read(4)), 12
    if length > MAX_NUMPY_HEADER or start + offset + length > end:
        return FileScan(fmt, UNKNOWN, f"{name}: the NumPy header is too long")
    stream.seek(start + offset)
    try:
        header = ast.literal_eval(stream.read(length).decode("latin-1"))
        descr = header["descr"]
    except (ValueError, SyntaxError, KeyError, TypeError, MemoryError, RecursionError):
        return FileScan(fmt, UNKNOWN, f"{name}: the NumPy header cannot be read")
    if "O" not in repr(descr):
        return FileScan(fmt, SAFE, f"{name}: plain array of {descr}, no pickle")
    result = scan_pickle(stream, start=start + offset + length, end=end, name=f"{name} (object array)")
    return _from_pickle(fmt, result)


def _scan_zip(stream: BinaryIO) -> FileScan:
    """A PyTorch archive (its data.pkl and any other pickle member), an .npz, or another zip."""
    try:
        archive = zipfile.ZipFile(stream)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        return FileScan("zip", UNKNOWN, f"unreadable zip archive ({error})")
    if len(members) > MAX_ZIP_MEMBERS:
        return FileScan("zip", UNKNOWN, f"more than {MAX_ZIP_MEMBERS} members")
    names = [m.filename for m in members]
    pickles = [m for m in members if m.filename.endswith(".pkl")]
    if any(n == "data.pkl" or n.endswith("/data.pkl") for n in names):
        fmt = "pytorch-zip"
    elif names and all(n.endswith(".npy") for n in names):
        fmt = "numpy-npz"
    elif any(n.endswith(".h5") for n in names) and "config.json" in names:
        return FileScan("keras", UNKNOWN, "Keras archive is not scanned: a Lambda layer can carry code")
    elif not pickles:
        return FileScan("zip", UNKNOWN, "zip archive of unknown content")
    else:
        fmt = "zip"
    results = []
    for member in members:
        if not (member.filename.endswith(".pkl") or (fmt == "numpy-npz" and member.filename.endswith(".npy"))):
            continue
        results.append(_scan_member(archive, member, fmt))
    return _combine(fmt, results)


def _scan_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, fmt: str) -> FileScan:
    """A stored member is scanned in place (a window on the archive); a compressed one is streamed."""
    try:
        if member.compress_type != zipfile.ZIP_STORED:
            with archive.open(member) as inner:
                return _scan_compressed(inner, member, fmt)
        start = _stored_data_offset(archive.fp, member)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, struct.error) as error:
        return FileScan(fmt, UNKNOWN, f"{member.filename}: unreadable member ({error})")
    end = start + member.file_size
    if member.filename.endswith(".npy"):
        return _scan_npy(archive.fp, fmt, start=start, end=end, name=member.filename)
    return _from_pickle(fmt, scan_pickle(archive.fp, start=start, end=end, name=member.filename))


def _stored_data_offset(stream: BinaryIO, member: zipfile.ZipInfo) -> int:
    """Where a stored member's bytes begin: after its local header, whose name and extra lengths vary."""
    stream.seek(member.header_offset)
    local = stream.read(30)
    if len(local) != 30 or not local.startswith(b"PK\x03\x04"):
        raise zipfile.BadZipFile("bad local file header")
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    return member.header_offset + 30 + name_length + extra_length


def _scan_compressed(inner, member: zipfile.ZipInfo, fmt: str) -> FileScan:
    """Compressed members are rare in model archives: decompress into a spooled buffer, bounded."""
    import tempfile

    with tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as spool:
        while chunk := inner.read(1024 * 1024):
            spool.write(chunk)
        size = spool.tell()
        if member.filename.endswith(".npy"):
            return _scan_npy(spool, fmt, start=0, end=size, name=member.filename)
        return _from_pickle(fmt, scan_pickle(spool, start=0, end=size, name=member.filename))


def _combine(fmt: str, results: list[FileScan]) -> FileScan:
    """The worst verdict of the members: unsafe, then unknown, then safe."""
    if not results:
        return FileScan(fmt, UNKNOWN, "no pickle member found")
    for verdict in (UNSAFE, UNKNOWN):
        bad = [r for r in results if r.verdict == verdict]
        if bad:
            offending = tuple(sorted({g for r in bad for g in r.offending}))
            return FileScan(fmt, verdict, "; ".join(r.detail for r in bad), offending)
    return FileScan(fmt, SAFE, "; ".join(r.detail for r in results))
