"""Verification runs end to end: claim, manifest, hashing, per-file results, license, progress, fan-out."""

import os
import threading
from pathlib import Path

import pytest
from django.db import connection

from agencies.storage import FOLDER_REFUSED
from compliance.models import VerificationFileResult, VerificationGroup, VerificationRun
from compliance.tasks import verification_hash_group_task, verification_run_task
from compliance.verification import verification_claim, verification_execute, verification_start
from core.models import AuditEvent
from tests.compliance.conftest import write_tree
from tests.factories import AgencyFactory, DeploymentFactory, ModelVersionFactory

pytestmark = pytest.mark.django_db
Status = VerificationRun.Status


@pytest.fixture
def deployment(hub, model_root, small_model):
    hub.publish("meta-llama/Tiny", small_model, license="llama3.1")
    agency = AgencyFactory(abbreviation="AGA")
    folder = write_tree(model_root / "AGA" / "tiny", small_model)
    model_version = ModelVersionFactory(repo_id="meta-llama/Tiny", revision="main", declared_license="llama3.1")
    return DeploymentFactory(agency=agency, model_version=model_version, storage_path=str(folder))


def start(deployment):
    return verification_start(deployment=deployment, requested_by=deployment.created_by)


def test_a_clean_deployment_passes_with_a_result_per_file(deployment, small_model):
    run = start(deployment)

    verification_run_task.apply(args=[run.pk])

    run.refresh_from_db()
    assert run.status == Status.PASSED, run.error_message
    assert run.attempts == 1 and run.started_at and run.finished_at and run.duration_seconds is not None
    assert run.manifest_commit == deployment.model_version.__class__.objects.get().pinned_sha
    assert run.license_ok and run.license_found == "llama3.1"
    assert run.count_ok == len(small_model) and run.bytes_done == run.bytes_total == sum(map(len, small_model.values()))
    assert run.files_done == run.files_total == len(small_model)
    assert set(run.file_results.values_list("status", flat=True)) == {"ok"}
    assert AuditEvent.objects.filter(action="verification.passed", object_id=str(run.pk)).count() == 1


def test_a_flipped_byte_and_an_extra_file_fail_the_run(deployment):
    folder = deployment.storage_path
    with open(os.path.join(folder, "tokenizer.json"), "r+b") as stream:
        stream.seek(10)
        byte = stream.read(1)
        stream.seek(10)
        stream.write(bytes([byte[0] ^ 0xFF]))
    write_tree(Path(folder), {"extra.bin": b"x"})
    run = start(deployment)

    verification_execute(run_id=run.pk)

    run.refresh_from_db()
    results = dict(run.file_results.values_list("path", "status"))
    assert run.status == Status.FAILED
    assert results["tokenizer.json"] == "mismatch" and results["extra.bin"] == "unexpected"
    assert (run.count_mismatch, run.count_unexpected, run.count_missing) == (1, 1, 0)


def test_a_license_outside_the_allow_list_fails_even_with_every_file_ok(deployment):
    offering = deployment.model_version.offering
    offering.allowed_licenses = ["apache-2.0"]
    offering.save()
    run = start(deployment)

    verification_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == Status.FAILED and run.license_ok is False and run.count_mismatch == 0


def test_a_hub_error_ends_the_run_in_error_with_the_reason(deployment, hub):
    hub.reset()
    run = start(deployment)

    verification_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == Status.ERROR and "not found" in run.error_message
    assert AuditEvent.objects.filter(action="verification.error").count() == 1


def test_a_storage_path_outside_model_roots_is_refused(deployment, tmp_path, model_root):
    outside = write_tree(tmp_path / "outside", {"config.json": b"{}"})
    deployment.storage_path = str(outside)
    deployment.save()
    run = start(deployment)

    verification_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == Status.ERROR and run.error_message == FOLDER_REFUSED.format(roots=f"{model_root}/AGA/")
    assert run.file_results.count() == 0


def test_a_second_delivery_of_a_finished_run_does_nothing(deployment):
    run = start(deployment)
    verification_run_task.apply(args=[run.pk])
    events = AuditEvent.objects.count()

    verification_run_task.apply(args=[run.pk])

    run.refresh_from_db()
    assert run.status == Status.PASSED and run.attempts == 1
    assert AuditEvent.objects.count() == events
    assert run.file_results.count() == 5


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_claims_give_the_run_to_one_worker(deployment):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializes writers; the race needs PostgreSQL")
    run = start(deployment)
    winners = []

    def claim():
        winners.append(verification_claim(run_id=run.pk))
        connection.close()

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len([w for w in winners if w is not None]) == 1


def test_a_running_run_whose_worker_died_is_reclaimed_until_attempts_run_out(deployment, settings):
    settings.VERIFY_MAX_ATTEMPTS = 2
    run = start(deployment)
    VerificationRun.objects.filter(pk=run.pk).update(
        status=Status.RUNNING, attempts=1, heartbeat_at="2000-01-01T00:00Z"
    )

    assert verification_claim(run_id=run.pk) is not None
    VerificationRun.objects.filter(pk=run.pk).update(heartbeat_at="2000-01-01T00:00Z")
    assert verification_claim(run_id=run.pk) is None

    run.refresh_from_db()
    assert run.status == Status.ERROR and run.attempts == 2


def test_a_fresh_running_run_is_not_claimed_twice(deployment):
    run = start(deployment)

    first = verification_claim(run_id=run.pk)
    second = verification_claim(run_id=run.pk)

    assert first is not None and second is None


def test_a_large_model_fans_out_to_group_tasks_and_the_last_one_finalizes(deployment, settings, small_model):
    settings.VERIFY_GROUP_BYTES = 9000
    run = start(deployment)

    verification_execute(run_id=run.pk, fan_out=True)

    groups = list(VerificationGroup.objects.filter(run=run))
    assert len(groups) >= 2 and VerificationRun.objects.get(pk=run.pk).status == Status.RUNNING
    assert sorted(p for g in groups for p in g.paths) == sorted(small_model)
    for group in reversed(groups):
        verification_hash_group_task.apply(args=[run.pk, group.index])
    verification_hash_group_task.apply(args=[run.pk, groups[0].index])  # a redelivered message

    run.refresh_from_db()
    assert run.status == Status.PASSED
    assert VerificationFileResult.objects.filter(run=run).count() == len(small_model)
    assert run.bytes_done == run.bytes_total and run.count_ok == len(small_model)
    assert AuditEvent.objects.filter(action="verification.passed", object_id=str(run.pk)).count() == 1
    shard = VerificationFileResult.objects.get(run=run, path="model-00001-of-00002.safetensors")
    assert (shard.format, shard.scan_verdict) == ("safetensors", "safe")  # scanned by its group task
    assert run.policy_ok is True and run.count_unsafe == 0


def test_a_fanned_out_group_reports_a_file_changed_since_the_listing(deployment, settings):
    settings.VERIFY_GROUP_BYTES = 1
    run = start(deployment)
    verification_execute(run_id=run.pk, fan_out=True)
    os.unlink(os.path.join(deployment.storage_path, "config.json"))

    for group in VerificationGroup.objects.filter(run=run):
        verification_hash_group_task.apply(args=[run.pk, group.index])

    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert run.file_results.get(path="config.json").status == "refused"


def test_progress_is_written_while_hashing(deployment, monkeypatch):
    import compliance.verification as verification

    writes = []
    original = verification.ProgressWriter.tick

    def spy(self, progress):
        original(self, progress)
        writes.append(VerificationRun.objects.values_list("bytes_done", "bytes_total").get(pk=self.run_id))

    monkeypatch.setattr(verification.ProgressWriter, "tick", spy)
    run = start(deployment)

    verification_execute(run_id=run.pk, workers=1)

    assert writes and writes[-1][0] == writes[-1][1] > 0
    assert all(done <= total for done, total in writes)


@pytest.mark.parametrize("who", ["officer of another agency", "auditor"])
def test_only_gsa_and_the_deployments_own_officers_may_start_a_verification(who):
    from core.errors import PermissionRefused
    from tests.factories import AgencyFactory, agency_officer, auditor

    deployment = DeploymentFactory()
    actor = agency_officer(AgencyFactory()) if who != "auditor" else auditor()

    with pytest.raises(PermissionRefused):
        verification_start(deployment=deployment, requested_by=actor)

    assert not VerificationRun.objects.filter(deployment=deployment).exists()


def test_the_folder_is_checked_again_when_the_run_starts(deployment, model_root, small_model):
    """Saved inside the agency's root, then swapped for a link to another agency's folder: refused at run start."""
    other = write_tree(model_root / "VA" / "theirs", small_model)
    folder = deployment.storage_path
    os.rename(folder, folder + ".moved")
    os.symlink(other, folder)
    run = start(deployment)

    verification_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == Status.ERROR and run.error_message == FOLDER_REFUSED.format(roots=f"{model_root}/AGA/")
    assert not run.file_results.exists()


def test_another_agencys_folder_registered_before_the_check_existed_is_refused_at_run_start(
    deployment, model_root, small_model
):
    other = write_tree(model_root / "VA" / "theirs", small_model)
    deployment.storage_path = str(other)
    deployment.save()
    run = start(deployment)

    verification_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == Status.ERROR and not run.file_results.exists()
