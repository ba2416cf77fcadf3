"""Scanning: formats from content, pickles in allowlist mode, safetensors headers, custom code. Nothing is loaded."""

import io
import os
import pickle

import pytest
from picklescan.scanner import scan_pickle_bytes

from compliance.scanning import code_report, scan_file, scan_stream
from compliance.scanning.files import detect
from tests.compliance import model_files as m


def scan(data: bytes, path: str):
    return scan_stream(io.BytesIO(data), path=path, size=len(data))


def test_a_pickle_whose_reduce_calls_os_system_is_unsafe_and_names_it():
    result = scan(m.os_system_pickle(), "weights.pkl")

    assert (result.format, result.verdict) == ("pickle", "unsafe")
    assert result.offending == ("posix.system",)
    assert "posix.system" in result.detail


def test_a_torch_archive_with_that_data_pkl_is_unsafe_whatever_its_name():
    result = scan(m.torch_zip(m.os_system_pickle()), "model.safetensors.bak")

    assert (result.format, result.verdict) == ("pytorch-zip", "unsafe")
    assert "archive/data.pkl" in result.detail


def test_a_plain_tensor_state_dict_archive_is_safe():
    result = scan(m.torch_zip(m.state_dict_pickle()), "pytorch_model.bin")

    assert (result.format, result.verdict) == ("pytorch-zip", "safe")
    assert "torch._utils._rebuild_tensor_v2" in result.detail


def test_a_chain_that_defeats_picklescans_blocklist_is_unsafe_under_the_allowlist():
    data = m.blocklist_bypass_pickle()
    blocklist = scan_pickle_bytes(io.BytesIO(data), "bypass", strict=False)

    result = scan(data, "model.pkl")

    assert blocklist.issues_count == 0  # the blocklist alone lets it through
    assert result.verdict == "unsafe"
    assert set(result.offending) == {"builtins.__import__", "builtins.vars", "operator.getitem"}


def test_a_getattr_chain_is_unsafe():
    data = pickle.dumps(getattr, protocol=2)[:-1] + b"."

    assert scan(data, "x.pt").verdict == "unsafe"


def test_a_nested_pickle_is_never_safe():
    assert scan(m.nested_pickle(), "optimizer.pt").verdict == "unsafe"


def test_an_import_that_cannot_be_resolved_is_unsafe():
    assert scan(m.memo_confusion_pickle(), "x.pkl").verdict == "unsafe"


def test_a_truncated_or_garbage_pickle_is_unknown_never_safe():
    truncated = scan(m.state_dict_pickle()[:-6], "x.bin")
    garbage = scan(b"\x80\x02" + os.urandom(200), "y.bin")
    trailing = scan(m.state_dict_pickle() + b"not a pickle", "z.pkl")

    assert truncated.verdict == garbage.verdict == trailing.verdict == "unknown"


def test_extension_opcodes_are_unknown():
    assert scan(b"\x80\x02\x82\x01)R.", "x.pkl").verdict == "unknown"


def test_a_numpy_object_array_is_scanned_as_the_pickle_it_is():
    result = scan(m.numpy_object_array(), "embeddings.npy")

    assert (result.format, result.verdict) == ("numpy", "unsafe")
    assert scan(m.numpy_plain_array(), "plain.npy").verdict == "safe"


def test_an_npz_with_an_object_array_member_is_unsafe():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.npy", m.numpy_plain_array())
        archive.writestr("b.npy", m.numpy_object_array())

    result = scan(buffer.getvalue(), "arrays.npz")

    assert (result.format, result.verdict) == ("numpy-npz", "unsafe")


def test_a_safetensors_file_whose_header_lies_about_offsets_is_unsafe():
    result = scan(m.safetensors_file(lie_end=10**9), "model.safetensors")

    assert (result.format, result.verdict) == ("safetensors", "unsafe")
    assert "past the" in result.detail


def test_a_valid_safetensors_file_is_safe_and_bytes_that_are_not_one_are_unknown():
    assert scan(m.safetensors_file(), "model.safetensors").verdict == "safe"
    assert scan(os.urandom(4096), "model.safetensors").verdict == "unknown"


@pytest.mark.parametrize(
    ("head", "path", "expected"),
    [
        (b"GGUF\x03\x00\x00\x00", "model.bin", "gguf"),
        (b"\x89HDF\r\n\x1a\n", "tf_model.h5", "keras-hdf5"),
        (b"\x80\x04\x95", "model.safetensors.txt", "pickle"),
        (b"\x08\x07\x12\x07pytorch", "model.onnx", "onnx"),
        (b"import torch\n", "modeling_x.py", "python"),
        (b'{"model_max_length": 4}', "tokenizer_config.json", "tokenizer-json"),
        (b'{"auto_map": {}}', "config.json", "config-json"),
    ],
)
def test_the_format_comes_from_content_first(head, path, expected):
    assert detect(head, path, 10_000) == expected


def test_a_keras_hdf5_file_is_unknown_not_safe():
    assert scan(b"\x89HDF\r\n\x1a\n" + bytes(100), "tf_model.h5").verdict == "unknown"


def test_custom_code_and_chat_templates_are_reported():
    files = {
        "config.json": b'{"auto_map": {"AutoModelForCausalLM": "modeling_x.XForCausalLM"}}',
        "tokenizer_config.json": b'{"chat_template": "{% for m in messages %}{{ m.content }}{% endfor %}"}',
        "modeling_x.py": b"import os\n",
    }

    report = code_report(list(files), lambda path, limit: files[path][:limit])

    assert report.needs_review
    assert report.auto_map == {"AutoModelForCausalLM": "modeling_x.XForCausalLM"}
    assert report.python_files == ["modeling_x.py"]
    assert report.chat_templates[0]["source"] == "tokenizer_config.json" and report.chat_templates[0]["length"] > 10


def test_a_repo_without_custom_code_needs_no_review():
    report = code_report(["config.json"], lambda path, limit: b'{"hidden_size": 8}')

    assert not report.needs_review and report.chat_templates == []


def test_scan_file_refuses_a_symlink_below_the_root(tmp_path):
    (tmp_path / "real.pkl").write_bytes(m.os_system_pickle())
    (tmp_path / "link.pkl").symlink_to(tmp_path / "real.pkl")

    assert scan_file(tmp_path, "link.pkl", path="link.pkl").verdict == "unknown"
    assert scan_file(tmp_path, "real.pkl", path="real.pkl").verdict == "unsafe"


def test_a_big_archive_is_scanned_from_its_data_pkl_only(tmp_path):
    path = tmp_path / "big.pt"
    path.write_bytes(m.torch_zip(m.state_dict_pickle(), storages=4, storage_bytes=8 * 1024 * 1024))
    opened = []

    class CountingFile(io.FileIO):
        def readinto(self, buffer):
            count = super().readinto(buffer)
            opened.append(count)
            return count

    with CountingFile(path) as raw, io.BufferedReader(raw) as stream:
        result = scan_stream(stream, path="big.pt", size=path.stat().st_size)

    assert result.verdict == "safe"
    assert sum(opened) < 1024 * 1024  # 32 MB of tensors, well under 1 MB read
