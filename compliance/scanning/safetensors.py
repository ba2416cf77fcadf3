"""The safetensors header, parsed and bounded; tensor offsets checked against the file size. No tensor is read."""

from __future__ import annotations

import json
import math
import struct
from typing import BinaryIO

# The format's own limit on the JSON header (safetensors refuses larger ones).
MAX_HEADER_BYTES = 100_000_000
DTYPE_BITS = {
    "BOOL": 8,
    "U8": 8,
    "I8": 8,
    "F8_E5M2": 8,
    "F8_E4M3": 8,
    "F8_E8M0": 8,
    "I16": 16,
    "U16": 16,
    "F16": 16,
    "BF16": 16,
    "I32": 32,
    "U32": 32,
    "F32": 32,
    "C64": 64,
    "F64": 64,
    "I64": 64,
    "U64": 64,
    "F4": 4,
    "F6_E2M3": 6,
    "F6_E3M2": 6,
}


class Malformed(Exception):
    """The header is not a valid safetensors header for this file.

    `lies` is true when the header parsed but describes tensors the file does not hold (offsets
    past the end, overlapping, sizes that disagree with the shape): a crafted file, not a
    damaged one. A header that cannot be parsed at all is not a claim about anything.
    """

    def __init__(self, message: str, *, lies: bool = False):
        super().__init__(message)
        self.lies = lies


def check_header(stream: BinaryIO, size: int) -> int:
    """Validate the header of a safetensors file of `size` bytes; return how many tensors it describes.

    Raises Malformed naming the first problem: a header length beyond the file or the format's
    limit, JSON that is not an object, an unknown dtype, a size that disagrees with the shape, or
    offsets that overlap, leave gaps, or point past the end of the file.
    """
    if size < 8:
        raise Malformed("shorter than the 8-byte header length")
    stream.seek(0)
    (length,) = struct.unpack("<Q", stream.read(8))
    if length > MAX_HEADER_BYTES:
        raise Malformed(f"header length {length} exceeds the format's limit of {MAX_HEADER_BYTES}")
    if length > size - 8:
        raise Malformed(f"header length {length} runs past the end of the file ({size} bytes)")
    raw = stream.read(length)
    if not raw.startswith(b"{"):
        raise Malformed("the header is not a JSON object")
    try:
        header = json.loads(raw)
    except ValueError as error:
        raise Malformed(f"the header is not valid JSON ({error.__class__.__name__})") from error
    if not isinstance(header, dict):
        raise Malformed("the header is not a JSON object")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not (isinstance(metadata, dict) and all(isinstance(v, str) for v in metadata.values())):
        raise Malformed("__metadata__ must map strings to strings")
    return _check_tensors(header, data_bytes=size - 8 - length)


def _check_tensors(header: dict, *, data_bytes: int) -> int:
    spans = []
    for name, info in header.items():
        if not isinstance(info, dict):
            raise Malformed(f"tensor {name!r} is not an object")
        dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if dtype not in DTYPE_BITS:
            raise Malformed(f"tensor {name!r} has an unknown dtype {dtype!r}")
        if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
            raise Malformed(f"tensor {name!r} has a malformed shape")
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)):
            raise Malformed(f"tensor {name!r} has malformed data_offsets")
        begin, end = offsets
        if not 0 <= begin <= end:
            raise Malformed(f"tensor {name!r} has offsets [{begin}, {end}] out of order", lies=True)
        if end > data_bytes:
            raise Malformed(
                f"tensor {name!r} ends at byte {end}, past the {data_bytes} data bytes of the file", lies=True
            )
        bits = math.prod(shape) * DTYPE_BITS[dtype]
        if (bits + 7) // 8 != end - begin:
            need = (bits + 7) // 8
            raise Malformed(f"tensor {name!r} spans {end - begin} bytes but its dtype and shape need {need}", lies=True)
        spans.append((begin, end, name))
    position = 0
    for begin, end, name in sorted(spans):
        if begin != position:
            raise Malformed(f"tensor {name!r} starts at byte {begin}: offsets overlap or leave a gap", lies=True)
        position = end
    if position != data_bytes:
        raise Malformed(f"the tensors cover {position} of the {data_bytes} data bytes", lies=True)
    return len(spans)
