"""Constraints of verification records: a run passes only when everything matched."""

import pytest
from django.db import IntegrityError, transaction

from compliance.models import ManifestDrift, VerificationFileResult, VerificationRun
from tests.factories import DeploymentFactory, ModelVersionFactory

pytestmark = pytest.mark.django_db


def _refused(build):
    with pytest.raises(IntegrityError), transaction.atomic():
        build()


def test_a_run_cannot_pass_with_a_mismatch_or_an_unchecked_license():
    deployment = DeploymentFactory()

    _refused(
        lambda: VerificationRun.objects.create(
            deployment=deployment, status="passed", license_ok=True, count_mismatch=1
        )
    )
    _refused(lambda: VerificationRun.objects.create(deployment=deployment, status="passed", license_ok=None))
    assert VerificationRun.objects.create(deployment=deployment, status="passed", license_ok=True).pk


def test_progress_never_exceeds_the_total():
    _refused(lambda: VerificationRun.objects.create(bytes_total=10, bytes_done=11))


def test_a_run_status_must_be_known():
    _refused(lambda: VerificationRun.objects.create(status="maybe"))


def test_one_result_per_file_and_run():
    run = VerificationRun.objects.create()
    VerificationFileResult.objects.create(run=run, path="a.bin", status="ok")

    _refused(lambda: VerificationFileResult.objects.create(run=run, path="a.bin", status="missing"))


def test_the_same_drift_is_recorded_once():
    version = ModelVersionFactory()
    ManifestDrift.objects.create(
        model_version=version, kind="branch_moved", pinned_commit="a" * 40, upstream_commit="b" * 40
    )

    _refused(
        lambda: ManifestDrift.objects.create(
            model_version=version, kind="branch_moved", pinned_commit="a" * 40, upstream_commit="b" * 40
        )
    )


def test_progress_percent_and_duration():
    run = VerificationRun(bytes_total=200, bytes_done=50)

    assert run.progress_percent == 25
    assert run.duration_seconds is None
