"""Pickle streams scanned without unpickling, in allowlist mode.

Library choice: picklescan (its opcode-level global extraction). It reads the stream with
`pickletools.genops`, resolves STACK_GLOBAL operands through the memo, and names an operand it
cannot resolve `unknown`, all without importing or calling anything. Its own verdicts are a
blocklist (strict mode only promotes what is on neither list); we keep only its list of imported
globals and judge them against our own allowlist: the globals a plain tensor state dict needs.
fickling was not chosen: it symbolically interprets the whole pickle into an AST held in memory,
and its ML allowlist also admits classes such as transformers' TrainingArguments, wider than a
state dict needs.

Before picklescan runs, one pass of `pickletools.genops` checks that the stream parses to the end
(a stream that does not is `unknown`, never `safe`: picklescan answers "no globals" for a stream
it cannot parse at all), that it uses no EXT opcodes (globals fetched from the copyreg extension
registry, which name nothing), and that no inline value is too large to hold in memory.
"""

from __future__ import annotations

import io
import pickletools
from dataclasses import dataclass
from typing import BinaryIO

from picklescan.scanner import scan_pickle_bytes

# Everything torch.save writes for a dict of tensors (zip and legacy formats), and NumPy's array
# reconstruction (object arrays in .npy/.npz, arrays inside a state dict). Nothing here can import
# a module, fetch an attribute by name, run code, or load a nested pickle.
ALLOWED_GLOBALS = frozenset(
    {
        ("collections", "OrderedDict"),
        ("torch._utils", "_rebuild_tensor_v2"),
        ("torch._utils", "_rebuild_parameter"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }
    | {
        ("torch", f"{kind}Storage")
        for kind in (
            "Float",
            "Double",
            "Half",
            "BFloat16",
            "Long",
            "Int",
            "Short",
            "Char",
            "Byte",
            "Bool",
            "ComplexFloat",
            "ComplexDouble",
            "QInt8",
            "QUInt8",
            "QInt32",
            "QUInt4x2",
            "QUInt2x4",
            "Untyped",
        )
    }
)
EXTENSION_OPCODES = {"EXT1", "EXT2", "EXT4"}
# torch.save's legacy (non-zip) format: five pickles (magic number, protocol, system info, the
# object, the storage keys), then raw storage bytes that are not a pickle.
TORCH_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
TORCH_LEGACY_PICKLES = 5
MAX_INLINE_VALUE = 64 * 1024 * 1024
MAX_OPCODES = 50_000_000


class Unparseable(Exception):
    """The stream is not a pickle we can read to the end."""


@dataclass(frozen=True)
class PickleScan:
    verdict: str  # safe, unsafe or unknown
    detail: str
    offending: tuple[str, ...] = ()


class _Window(io.RawIOBase):
    """The bytes [start, end) of a seekable stream, as a stream of their own (offsets from 0)."""

    def __init__(self, stream: BinaryIO, start: int, end: int):
        self.stream, self.start, self.end, self.pos = stream, start, end, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.pos, 2: self.end - self.start}[whence]
        self.pos = max(0, min(base + offset, self.end - self.start))
        return self.pos

    def readinto(self, buffer) -> int:
        want = min(len(buffer), self.end - self.start - self.pos)
        if want <= 0:
            return 0
        self.stream.seek(self.start + self.pos)
        count = self.stream.readinto(memoryview(buffer)[:want]) or 0
        self.pos += count
        return count


class _Bounded:
    """A reader that refuses any single read larger than MAX_INLINE_VALUE (a huge inline bytes value)."""

    def __init__(self, stream):
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0 or size > MAX_INLINE_VALUE:
            raise Unparseable(f"an inline value larger than {MAX_INLINE_VALUE} bytes")
        return self.stream.read(size)

    def readline(self) -> bytes:
        return self.stream.readline(MAX_INLINE_VALUE)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.stream.seek(offset, whence)

    def tell(self) -> int:
        return self.stream.tell()


def _check_parses(stream: BinaryIO, start: int, end: int) -> int:
    """Walk every pickle in [start, end) with genops; return where the last one read stops."""
    window = _Bounded(io.BufferedReader(_Window(stream, start, end), buffer_size=1024 * 1024))
    count = opcodes = 0
    legacy = False
    while window.tell() < end - start:
        first_value = None
        try:
            for opcode, arg, _pos in pickletools.genops(window):
                opcodes += 1
                if opcode.name in EXTENSION_OPCODES:
                    raise Unparseable(f"opcode {opcode.name} imports a global by number, which names nothing")
                if opcodes > MAX_OPCODES:
                    raise Unparseable(f"more than {MAX_OPCODES} opcodes")
                if first_value is None and opcode.name in ("LONG1", "LONG4", "INT", "LONG", "BININT"):
                    first_value = arg
        except Unparseable:
            raise
        except Exception as error:  # pickletools raises ValueError, and more for garbage
            raise Unparseable(str(error) or type(error).__name__) from error
        count += 1
        if count == 1 and first_value == TORCH_LEGACY_MAGIC:
            legacy = True
        if legacy and count == TORCH_LEGACY_PICKLES:
            break
    if legacy and count < TORCH_LEGACY_PICKLES:
        raise Unparseable("a legacy torch file that ends before its five pickles")
    return window.tell()


def scan_pickle(stream: BinaryIO, *, start: int = 0, end: int | None = None, name: str = "pickle") -> PickleScan:
    """The verdict on the pickle stream(s) held in bytes [start, end) of a seekable binary stream.

    1. Check that the stream parses to its end (or to the end of a legacy torch header), bounded.
    2. List the globals it imports with picklescan, over exactly the bytes that parsed.
    3. Anything outside ALLOWED_GLOBALS, or an import picklescan could not resolve, is unsafe.
    """
    if end is None:
        end = stream.seek(0, io.SEEK_END)
    try:
        parsed_end = start + _check_parses(stream, start, end)
    except Unparseable as error:
        return PickleScan("unknown", f"{name}: could not be parsed as a pickle ({error})")
    window = io.BufferedReader(_Window(stream, start, parsed_end), buffer_size=1024 * 1024)
    result = scan_pickle_bytes(window, name, multiple_pickles=True, strict=True)
    if result.scan_err:
        return PickleScan("unknown", f"{name}: picklescan could not read every pickle in the stream")
    imported = sorted({f"{g.module}.{g.name}" for g in result.globals})
    offending = tuple(
        sorted(
            f"{g.module}.{g.name}"
            for g in result.globals
            if (g.module, g.name) not in ALLOWED_GLOBALS or "unknown" in (g.module, g.name)
        )
    )
    if offending:
        return PickleScan(
            "unsafe", f"{name} imports {', '.join(offending)}: not needed by a tensor state dict", offending
        )
    return PickleScan("safe", f"{name} imports only {', '.join(imported) or 'nothing'}")
