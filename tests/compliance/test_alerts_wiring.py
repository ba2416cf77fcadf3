"""The alert events wired into the real engine: a failed verification and a drift found by manifest_sync.

These follow the event from the service that detects it, through `job_send_on_commit` and the alert
task (run in-process), to the alert, its notifications and the e-mail, against the stand-in Hub.
"""

import pytest
from django.core import mail

from compliance.manifest import manifest_sync
from compliance.models import Alert, AlertKind, ManifestDrift, VerificationRun
from compliance.verification import verification_execute, verification_start
from config.celery import app as celery_app
from tests.compliance.conftest import write_tree
from tests.factories import AgencyFactory, DeploymentFactory, ModelVersionFactory, agency_officer, gsa_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery():
    """Tasks sent after commit run in-process: the wiring is under test, not the worker."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def people():
    agency, other = AgencyFactory(abbreviation="DOE"), AgencyFactory(abbreviation="DOJ")
    return {
        "agency": agency,
        "officer": agency_officer(agency, email="officer@doe.example"),
        "other_officer": agency_officer(other, email="officer@doj.example"),
        "gsa": gsa_officer(email="gsa@gsa.example"),
    }


def test_a_verification_failed_by_the_engine_alerts_the_agency_by_mail_and_notification(
    hub, model_root, small_model, people, eager_celery, django_capture_on_commit_callbacks
):
    hub.publish("meta-llama/Tiny", small_model, license="llama3.1")
    tampered = dict(small_model, **{"config.json": b'{"hidden_size": 65}\n'})
    folder = write_tree(model_root / "DOE" / "tiny", tampered)
    version = ModelVersionFactory(repo_id="meta-llama/Tiny", revision="main", declared_license="llama3.1")
    deployment = DeploymentFactory(
        agency=people["agency"], created_by=people["officer"], model_version=version, storage_path=str(folder)
    )
    run = verification_start(deployment=deployment, requested_by=people["officer"])

    with django_capture_on_commit_callbacks(execute=True):
        verification_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == VerificationRun.Status.FAILED and run.count_mismatch == 1
    alert = Alert.objects.get(kind=AlertKind.VERIFICATION_FAILED)
    assert (alert.object_id, alert.agency) == (str(run.pk), people["agency"])
    assert list(alert.notifications.values_list("recipient__username", flat=True)) == [people["officer"].username]
    assert [m.to for m in mail.outbox] == [["officer@doe.example"]]
    assert "1 mismatched" in mail.outbox[0].body


def test_a_passing_verification_through_the_engine_alerts_nobody(
    hub, model_root, small_model, people, eager_celery, django_capture_on_commit_callbacks
):
    hub.publish("meta-llama/Tiny", small_model, license="llama3.1")
    folder = write_tree(model_root / "DOE" / "tiny", small_model)
    version = ModelVersionFactory(repo_id="meta-llama/Tiny", revision="main", declared_license="llama3.1")
    deployment = DeploymentFactory(
        agency=people["agency"], created_by=people["officer"], model_version=version, storage_path=str(folder)
    )
    run = verification_start(deployment=deployment, requested_by=people["officer"])

    with django_capture_on_commit_callbacks(execute=True):
        verification_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == VerificationRun.Status.PASSED, run.error_message
    assert not Alert.objects.exists() and mail.outbox == []


def test_a_branch_moved_upstream_found_by_manifest_sync_alerts_gsa_and_the_deploying_agency(
    hub, small_model, people, eager_celery, django_capture_on_commit_callbacks
):
    hub.publish("meta-llama/Tiny", small_model, license="llama3.1")
    version = ModelVersionFactory(repo_id="meta-llama/Tiny", revision="main", declared_license="llama3.1")
    DeploymentFactory(agency=people["agency"], created_by=people["officer"], model_version=version)
    with django_capture_on_commit_callbacks(execute=True):
        manifest_sync(model_version=version)
    assert not Alert.objects.exists()
    hub.publish("meta-llama/Tiny", dict(small_model, **{"README.md": b"# new\n"}), license="llama3.1")

    with django_capture_on_commit_callbacks(execute=True):
        manifest_sync(model_version=version)
        manifest_sync(model_version=version)

    drift = ManifestDrift.objects.get(kind=ManifestDrift.Kind.BRANCH_MOVED)
    alert = Alert.objects.get(kind=AlertKind.MODEL_DRIFT, object_id=str(drift.pk))
    recipients = set(alert.notifications.values_list("recipient__username", flat=True))
    assert recipients == {people["gsa"].username, people["officer"].username}
    assert Alert.objects.filter(kind=AlertKind.MODEL_DRIFT).count() == ManifestDrift.objects.count() == 2
    assert len(mail.outbox) == 2 * 2
    assert sorted(a for m in mail.outbox if alert.title in m.subject for a in m.to) == [
        "gsa@gsa.example",
        "officer@doe.example",
    ]
