"""verify_model: exit codes, JSON shape, and the failure cases against the stand-in Hub."""

import hashlib
import json
import os

import pytest
from django.core.management import CommandError, call_command

from compliance.hub import HubClient
from compliance.manifest import manifest_to_json
from tests.compliance.conftest import write_tree
from tests.factories import ModelVersionFactory

pytestmark = pytest.mark.django_db


def verify(*args, capsys):
    """Run the command; return (exit status, parsed JSON or text, stderr)."""
    try:
        call_command("verify_model", *args)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    except CommandError as error:
        return error.returncode, None, str(error)
    out, err = capsys.readouterr()
    return code, (json.loads(out) if "--json" in args else out), err


@pytest.fixture
def published(hub, model_root, small_model):
    hub.publish("meta-llama/Tiny", small_model, license="llama3.1")
    return write_tree(model_root / "tiny", small_model)


def test_every_file_matching_exits_0_with_the_documented_json(published, capsys):
    code, result, _ = verify(
        "meta-llama/Tiny",
        "--revision",
        "main",
        "--path",
        str(published),
        "--license",
        "llama3.1",
        "--json",
        capsys=capsys,
    )

    assert code == 0
    assert set(result) == {"repo_id", "revision", "license", "files", "summary", "signature"}
    assert result["license"] == {"expected": "llama3.1", "found": "llama3.1", "ok": True}
    assert result["summary"] == {"ok": 5, "mismatch": 0, "missing": 0, "unexpected": 0, "unsafe": 0}
    assert result["signature"] == {
        "present": False,
        "verified": None,
        "signer": None,
        "detail": "the repo ships no model.sig",
    }
    shard = next(f for f in result["files"] if f["path"] == "model-00001-of-00002.safetensors")
    assert set(shard) == {"path", "status", "expected", "actual", "algorithm", "size", "format", "scan"}
    assert shard["format"] == "safetensors" and shard["scan"]["verdict"] == "safe"
    assert shard["algorithm"] == "sha256" and shard["actual"] == shard["expected"] and shard["size"] == 8192
    assert next(f for f in result["files"] if f["path"] == "config.json")["algorithm"] == "git-sha1"


def test_one_byte_flipped_in_a_same_size_file_is_a_mismatch(published, small_model, capsys):
    shard = published / "model-00002-of-00002.safetensors"
    data = bytearray(shard.read_bytes())
    data[1234] ^= 0x01
    shard.write_bytes(bytes(data))

    code, result, _ = verify("meta-llama/Tiny", "--revision", "main", "--path", str(published), "--json", capsys=capsys)

    assert code == 1
    bad = next(f for f in result["files"] if f["path"] == shard.name)
    assert bad["status"] == "mismatch" and bad["actual"] == hashlib.sha256(bytes(data)).hexdigest()
    assert result["summary"] == {"ok": 4, "mismatch": 1, "missing": 0, "unexpected": 0, "unsafe": 0}


def test_a_missing_an_unexpected_and_a_truncated_file(published, capsys):
    (published / "tokenizer.json").unlink()
    (published / "notes.txt").write_text("added by someone")
    shard = published / "model-00001-of-00002.safetensors"
    shard.write_bytes(shard.read_bytes()[:-10])

    code, result, _ = verify("meta-llama/Tiny", "--revision", "main", "--path", str(published), "--json", capsys=capsys)

    statuses = {f["path"]: f["status"] for f in result["files"]}
    assert code == 1
    assert statuses["tokenizer.json"] == "missing"
    assert statuses["notes.txt"] == "unexpected"
    assert statuses[shard.name] == "mismatch"
    # The truncated shard's header now points past its end: the scan says so, whatever the cause.
    assert result["summary"] == {"ok": 3, "mismatch": 1, "missing": 1, "unexpected": 1, "unsafe": 1}


def test_a_license_mismatch_exits_1_even_when_files_match(published, capsys):
    code, result, _ = verify(
        "meta-llama/Tiny",
        "--revision",
        "main",
        "--path",
        str(published),
        "--license",
        "apache-2.0",
        "--json",
        capsys=capsys,
    )

    assert code == 1
    assert result["license"] == {"expected": "apache-2.0", "found": "llama3.1", "ok": False}


def test_license_other_never_passes(hub, model_root, small_model, capsys):
    hub.publish("org/odd", small_model, license="other", license_name="acme-license")
    folder = write_tree(model_root / "odd", small_model)

    code, result, _ = verify(
        "org/odd", "--revision", "main", "--path", str(folder), "--license", "other", "--json", capsys=capsys
    )

    assert code == 1 and result["license"]["ok"] is False and result["license"]["found"] == "other:acme-license"


def test_llama4_declared_as_other_with_its_license_name_passes(hub, model_root, small_model, capsys):
    hub.publish("meta-llama/Scout-tiny", small_model, license="other", license_name="llama4")
    folder = write_tree(model_root / "scout", small_model)

    code, result, _ = verify(
        "meta-llama/Scout-tiny",
        "--revision",
        "main",
        "--path",
        str(folder),
        "--license",
        "llama4",
        "--json",
        capsys=capsys,
    )

    assert code == 0 and result["license"] == {"expected": "llama4", "found": "other:llama4", "ok": True}


def test_the_registry_supplies_the_expected_license_when_none_is_given(published, capsys):
    ModelVersionFactory(repo_id="meta-llama/Tiny", revision="main", declared_license="llama3")

    code, result, _ = verify("meta-llama/Tiny", "--revision", "main", "--path", str(published), "--json", capsys=capsys)

    assert code == 1 and result["license"] == {"expected": "llama3", "found": "llama3.1", "ok": False}


@pytest.mark.parametrize(
    ("repo", "revision", "message"),
    [("org/nothing", "main", "not found"), ("meta-llama/Tiny", "v9", "Revision not found")],
)
def test_hub_errors_exit_2_with_the_reason(published, repo, revision, message, capsys):
    code, _, err = verify(repo, "--revision", revision, "--path", str(published), capsys=capsys)

    assert code == 2 and message in err


def test_a_path_outside_model_roots_exits_2(published, tmp_path, capsys):
    outside = write_tree(tmp_path / "elsewhere", {"config.json": b"{}"})

    code, _, err = verify("meta-llama/Tiny", "--revision", "main", "--path", str(outside), capsys=capsys)

    assert code == 2 and "outside the allowed model roots" in err


def test_a_symlink_escaping_the_root_and_a_fifo_are_reported_not_read(published, tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours")
    (published / "config.json").unlink()
    (published / "config.json").symlink_to(secret)
    os.mkfifo(published / "pipe.bin")

    code, result, _ = verify("meta-llama/Tiny", "--revision", "main", "--path", str(published), "--json", capsys=capsys)

    by_path = {f["path"]: f for f in result["files"]}
    assert code == 1
    assert by_path["config.json"]["status"] == "refused" and by_path["config.json"]["actual"] == ""
    assert by_path["pipe.bin"]["status"] == "refused"
    assert result["summary"] == {"ok": 4, "mismatch": 1, "missing": 0, "unexpected": 1, "unsafe": 0}


def test_an_offline_manifest_needs_no_hub(published, hub, tmp_path, capsys):
    manifest = tmp_path / "tiny.json"
    manifest.write_text(json.dumps(manifest_to_json(HubClient().model("meta-llama/Tiny"))))
    hub.hang = True  # any Hub call would now time out

    code, result, _ = verify(
        "meta-llama/Tiny",
        "--revision",
        "main",
        "--path",
        str(published),
        "--manifest",
        str(manifest),
        "--json",
        capsys=capsys,
    )

    assert code == 0 and result["summary"]["ok"] == 5


def test_a_manifest_for_another_repo_exits_2(published, hub, tmp_path, capsys):
    manifest = tmp_path / "tiny.json"
    manifest.write_text(json.dumps(manifest_to_json(HubClient().model("meta-llama/Tiny"))))

    code, _, err = verify(
        "org/other", "--revision", "main", "--path", str(published), "--manifest", str(manifest), capsys=capsys
    )

    assert code == 2 and "not org/other" in err


def test_a_hugging_face_cache_folder_is_accepted(hub, model_root, small_model, capsys):
    commit = hub.publish("org/cached", small_model, license="mit")
    repo_dir = model_root / "hub" / "models--org--cached"
    (repo_dir / "refs").mkdir(parents=True)
    (repo_dir / "refs" / "main").write_text(commit)
    snapshot = repo_dir / "snapshots" / commit
    for path, data in small_model.items():
        blob = repo_dir / "blobs" / hashlib.sha256(data).hexdigest()
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(data)
        link = snapshot / path
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))

    code, result, _ = verify(
        "org/cached",
        "--revision",
        "main",
        "--path",
        str(model_root / "hub"),
        "--license",
        "mit",
        "--json",
        capsys=capsys,
    )

    assert code == 0 and result["summary"]["ok"] == len(small_model)


def test_the_human_output_names_each_problem(published, capsys):
    (published / "tokenizer.json").unlink()

    code, text, _ = verify("meta-llama/Tiny", "--revision", "main", "--path", str(published), capsys=capsys)

    assert code == 1 and "missing    tokenizer.json" in text and "1 missing" in text
