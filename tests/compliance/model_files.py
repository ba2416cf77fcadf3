"""Model files built byte by byte for the scanning tests: genuine ones and malicious ones. Nothing is downloaded.

No file here is ever unpickled. Pickles that name torch globals are assembled from opcodes (torch is
not installed); the os.system pickle is written by the standard pickler from a class whose
`__reduce__` names os.system, which pickling records but does not call.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import struct
import zipfile


def safetensors_file(tensors: dict[str, tuple[str, list[int]]] | None = None, *, lie_end: int | None = None) -> bytes:
    """A valid safetensors file (zero-filled tensors); `lie_end` makes the last tensor claim to end there."""
    tensors = tensors or {"model.embed.weight": ("F32", [4, 4]), "model.norm.weight": ("BF16", [4])}
    item = {"F32": 4, "BF16": 2, "F16": 2, "I64": 8}
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, (dtype, shape) in tensors.items():
        count = item[dtype]
        for dim in shape:
            count *= dim
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + count]}
        offset += count
    if lie_end is not None:
        last = list(tensors)[-1]
        begin = header[last]["data_offsets"][0]
        header[last] = {"dtype": "U8", "shape": [lie_end - begin], "data_offsets": [begin, lie_end]}
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + bytes(offset)


def _unicode(text: str) -> bytes:
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def _global(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def state_dict_pickle(names: tuple[str, ...] = ("weight", "bias")) -> bytes:
    """What torch.save writes as data.pkl for an OrderedDict of float tensors (protocol 2)."""
    ordered_dict = _global("collections", "OrderedDict") + b")R"
    body = b"\x80\x02" + ordered_dict
    for index, name in enumerate(names):
        storage = b"(" + _unicode("storage") + _global("torch", "FloatStorage") + _unicode(str(index))
        storage += _unicode("cpu") + b"K\x04tQ"
        tensor = _global("torch._utils", "_rebuild_tensor_v2") + b"(" + storage
        tensor += b"K\x00" + b"K\x02K\x02\x86" + b"K\x02K\x01\x86" + b"\x89" + ordered_dict + b"tR"
        body += _unicode(name) + tensor + b"s"
    return body + b"."


class _SystemCall:
    """Pickled, it records a call to os.system; it is never unpickled here."""

    def __reduce__(self):
        return (os.system, ("echo pwned",))


def os_system_pickle() -> bytes:
    return pickle.dumps({"weight": _SystemCall()}, protocol=2)


def blocklist_bypass_pickle() -> bytes:
    """operator.getitem(vars(__import__("os")), "system")("echo pwned"), protocol 4.

    None of builtins.__import__, builtins.vars or operator.getitem is on picklescan's blocklist, so a
    blocklist scanner passes it; an allowlist does not.
    """

    def stack_global(module: str, name: str) -> bytes:
        return b"\x8c" + bytes([len(module)]) + module.encode() + b"\x8c" + bytes([len(name)]) + name.encode() + b"\x93"

    def short(text: str) -> bytes:
        return b"\x8c" + bytes([len(text)]) + text.encode()

    module = stack_global("builtins", "__import__") + short("os") + b"\x85R"
    namespace = stack_global("builtins", "vars") + module + b"\x85R"
    system = stack_global("operator", "getitem") + namespace + short("system") + b"\x86R"
    return b"\x80\x04" + system + short("echo pwned") + b"\x85R."


def nested_pickle() -> bytes:
    """A harmless-looking outer pickle that unpickles an inner os.system pickle (pickle.loads)."""
    inner = os_system_pickle()
    return b"\x80\x02" + _global("_pickle", "loads") + b"C" + bytes([len(inner)]) + inner + b"\x85R."


def memo_confusion_pickle() -> bytes:
    """STACK_GLOBAL fed from the memo through a non-string value: a resolver cannot name the import."""
    return b"\x80\x04" + b"K\x07\x94" + b"\x8c\x02os\x94" + b"h\x00h\x01\x93" + b")R."


def torch_zip(data_pkl: bytes, *, storages: int = 2, storage_bytes: int = 16, prefix: str = "archive") -> bytes:
    """A PyTorch zip archive (torch.save's layout: stored members under one folder)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(f"{prefix}/data.pkl", data_pkl)
        archive.writestr(f"{prefix}/byteorder", b"little")
        for index in range(storages):
            archive.writestr(f"{prefix}/data/{index}", bytes(storage_bytes))
        archive.writestr(f"{prefix}/version", b"3\n")
    return buffer.getvalue()


def npy(descr: str, shape: tuple[int, ...], payload: bytes) -> bytes:
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (-(len(header) + 11) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + payload


def numpy_object_array() -> bytes:
    """An .npy object array: its data is a pickle (here, of an os.system call)."""
    return npy("|O", (1,), pickle.dumps([_SystemCall()], protocol=3))


def numpy_plain_array() -> bytes:
    return npy("<f4", (2, 2), bytes(16))


def safetensors_of_size(size: int, *, fill: bytes | None = None) -> bytes:
    """A valid safetensors file of exactly `size` bytes: one U8 tensor after a padded header (random data)."""
    for data_bytes in range(size - 8 - 64, 0, -1):
        header = json.dumps({"w": {"dtype": "U8", "shape": [data_bytes], "data_offsets": [0, data_bytes]}}).encode()
        padding = size - 8 - data_bytes - len(header)
        if 0 <= padding < 64:
            data = fill[:data_bytes] if fill else os.urandom(data_bytes)
            return struct.pack("<Q", len(header) + padding) + header + b" " * padding + data
    raise ValueError(f"no safetensors file of {size} bytes")
