"""Re-verification of a deployment: files unchanged since they were hashed are trusted, everything else is read."""

import datetime as dt
import json
import os
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from compliance.models import DeploymentFileIdentity, VerificationRun
from compliance.verification import verification_execute, verification_start
from core.models import AuditEvent
from tests.compliance.conftest import write_tree
from tests.factories import AgencyFactory, DeploymentFactory, ModelVersionFactory

pytestmark = pytest.mark.django_db
Status = VerificationRun.Status
WEIGHTS = "model-00001-of-00002.safetensors"


@pytest.fixture
def deployment(hub, model_root, small_model):
    hub.publish("meta-llama/Tiny", small_model, license="llama3.1")
    agency = AgencyFactory(abbreviation="AGA")
    folder = write_tree(model_root / agency.abbreviation / "tiny", small_model)  # inside the agency's own root
    model_version = ModelVersionFactory(repo_id="meta-llama/Tiny", revision="main", declared_license="llama3.1")
    return DeploymentFactory(agency=agency, model_version=model_version, storage_path=str(folder))


def verify(deployment, *, full: bool = False) -> VerificationRun:
    run = verification_start(deployment=deployment, requested_by=deployment.created_by, full=full)
    verification_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def hashed_paths(run: VerificationRun) -> set[str]:
    return set(run.file_results.filter(trusted_since__isnull=True).values_list("path", flat=True))


@pytest.fixture
def verified(deployment, small_model):
    """The deployment after a first verification that read every file; a little time passes after it."""
    first = verify(deployment)
    assert first.status == Status.PASSED and hashed_paths(first) == set(small_model)
    time.sleep(0.05)  # so that a change made now moves ctime past the recorded one
    return first


def test_an_unchanged_deployment_is_reported_ok_without_reading_a_byte(deployment, verified, small_model):
    run = verify(deployment)

    assert run.status == Status.PASSED
    assert run.count_ok == len(small_model) and run.count_trusted == len(small_model)
    assert run.bytes_total == 0 and run.bytes_done == 0
    result = run.file_results.get(path=WEIGHTS)
    first_hash = DeploymentFileIdentity.objects.get(deployment=deployment, path=WEIGHTS).hashed_at
    assert result.trusted_since == first_hash and result.actual == result.expected
    assert result.status_label == f"ok (unchanged since {first_hash:%Y-%m-%d %H:%M} UTC)"
    event = AuditEvent.objects.get(action="verification.passed", object_id=str(run.pk))
    assert event.after["trusted_unchanged"] == len(small_model) and event.after["full_rehash"] is False


def test_a_touched_file_is_hashed_again(deployment, verified, small_model):
    path = Path(deployment.storage_path) / WEIGHTS
    os.utime(path)

    run = verify(deployment)

    assert run.status == Status.PASSED
    assert hashed_paths(run) == {WEIGHTS} and run.count_trusted == len(small_model) - 1
    assert run.bytes_done == len(small_model[WEIGHTS])


def test_a_replaced_file_with_the_same_size_and_mtime_is_hashed_and_fails(deployment, verified):
    path = Path(deployment.storage_path) / WEIGHTS
    before = os.stat(path)
    replacement = path.with_name("replacement.tmp")
    replacement.write_bytes(os.urandom(before.st_size))
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, path)
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns) and after.st_ino != before.st_ino

    run = verify(deployment)

    assert run.status == Status.FAILED and WEIGHTS in hashed_paths(run)
    assert run.file_results.get(path=WEIGHTS).status == "mismatch"


def test_a_file_edited_in_place_with_its_mtime_set_back_is_hashed_and_fails(deployment, verified):
    path = Path(deployment.storage_path) / WEIGHTS
    before = os.stat(path)
    with open(path, "r+b") as stream:
        stream.seek(100)
        stream.write(b"\x00\x01\x02\x03")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    assert after.st_ctime_ns != before.st_ctime_ns

    run = verify(deployment)

    assert run.status == Status.FAILED and hashed_paths(run) == {WEIGHTS}
    assert run.file_results.get(path=WEIGHTS).status == "mismatch"


def test_a_file_edited_in_place_is_hashed_and_fails(deployment, verified):
    path = Path(deployment.storage_path) / "tokenizer.json"
    with open(path, "r+b") as stream:
        stream.write(b"{")

    run = verify(deployment)

    assert run.status == Status.FAILED and hashed_paths(run) == {"tokenizer.json"}


def test_a_full_rehash_reads_every_file(deployment, verified, small_model):
    run = verify(deployment, full=True)

    assert run.status == Status.PASSED and run.full_rehash
    assert run.count_trusted == 0 and hashed_paths(run) == set(small_model)
    assert run.bytes_done == sum(map(len, small_model.values()))


def test_files_hashed_longer_ago_than_the_period_are_hashed_again(deployment, verified, small_model, settings):
    settings.VERIFY_FULL_REHASH_DAYS = 30
    old = timezone.now() - dt.timedelta(days=30, minutes=1)
    DeploymentFileIdentity.objects.filter(deployment=deployment).exclude(path=WEIGHTS).update(hashed_at=old)

    run = verify(deployment)

    assert run.status == Status.PASSED
    assert hashed_paths(run) == set(small_model) - {WEIGHTS} and run.count_trusted == 1
    refreshed = DeploymentFileIdentity.objects.filter(deployment=deployment, hashed_at__lte=old)
    assert not refreshed.exists()


def test_a_period_of_zero_days_trusts_nothing(deployment, verified, small_model, settings):
    settings.VERIFY_FULL_REHASH_DAYS = 0

    run = verify(deployment)

    assert run.count_trusted == 0 and hashed_paths(run) == set(small_model)


def test_a_digest_the_manifest_no_longer_expects_is_not_trusted(deployment, verified):
    DeploymentFileIdentity.objects.filter(deployment=deployment, path=WEIGHTS).update(digest="0" * 64)

    run = verify(deployment)

    assert run.status == Status.PASSED and hashed_paths(run) == {WEIGHTS}
    assert DeploymentFileIdentity.objects.get(deployment=deployment, path=WEIGHTS).digest != "0" * 64


def test_another_deployment_of_the_same_files_trusts_nothing_of_the_first(
    deployment, verified, small_model, model_root
):
    other_folder = write_tree(model_root / deployment.agency.abbreviation / "tiny-copy", small_model)
    other = DeploymentFactory(
        agency=deployment.agency, model_version=deployment.model_version, storage_path=str(other_folder)
    )

    run = verify(other)

    assert run.status == Status.PASSED and run.count_trusted == 0 and hashed_paths(run) == set(small_model)


def run_command(*args, capsys):
    try:
        call_command("verify_deployment", *args)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    except CommandError as error:
        return error.returncode, str(error)
    return code, capsys.readouterr().out


def test_the_command_records_a_run_trusting_unchanged_files_and_full_hashes_on_demand(deployment, verified, capsys):
    code, out = run_command(str(deployment.pk), "--json", capsys=capsys)
    full_code, full_out = run_command(str(deployment.pk), "--full", "--json", capsys=capsys)

    quick, full = json.loads(out), json.loads(full_out)
    assert code == full_code == 0 and quick["status"] == full["status"] == "passed"
    assert quick["summary"]["trusted"] == 5 and quick["summary"]["hashed"] == 0
    assert full["full"] is True and full["summary"]["trusted"] == 0 and full["summary"]["hashed"] == 5
    assert all(f["trusted_since"] for f in quick["files"]) and not any(f["trusted_since"] for f in full["files"])
    assert VerificationRun.objects.get(pk=quick["run"]).trigger == VerificationRun.Trigger.COMMAND


def test_the_command_prints_unchanged_since_and_exits_1_on_a_changed_file(deployment, verified, capsys):
    with open(Path(deployment.storage_path) / "tokenizer.json", "r+b") as stream:
        stream.write(b"{")

    code, out = run_command(str(deployment.pk), capsys=capsys)

    assert code == 1
    assert "ok (unchanged since " in out and "mismatch   tokenizer.json" in out


def test_the_command_refuses_an_unknown_deployment_with_exit_2():
    with pytest.raises(CommandError) as raised:
        call_command("verify_deployment", "999999")

    assert raised.value.returncode == 2
