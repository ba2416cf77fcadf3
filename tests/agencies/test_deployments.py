"""Deployments: each agency's own model root, canonical folders, and an active onboarding (issue 14, items 2 and 7)."""

from __future__ import annotations

import pytest

from agencies.models import Deployment, Onboarding, OnboardingTransition
from agencies.services import deployment_save, onboarding_contract_facts_update, onboarding_transition
from agencies.storage import FOLDER_REFUSED
from core.errors import ServiceError
from core.models import AuditEvent
from tests.factories import (
    AgencyFactory,
    ModelVersionFactory,
    OnboardingFactory,
    agency_folder,
    agency_officer,
    gsa_officer,
    make_active,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(tmp_path, settings):
    root = tmp_path / "models"
    root.mkdir()
    settings.MODEL_ROOTS = [root]
    return root


@pytest.fixture
def doe(root):
    agency = AgencyFactory(abbreviation="DOE")
    version = ModelVersionFactory()
    onboarding = make_active(OnboardingFactory(agency=agency, offering=version.offering))
    return {"agency": agency, "officer": agency_officer(agency), "version": version, "onboarding": onboarding}


@pytest.fixture
def va(root, doe):
    agency = AgencyFactory(abbreviation="VA")
    make_active(OnboardingFactory(agency=agency, offering=doe["version"].offering))
    officer = agency_officer(agency)
    folder = agency_folder(root, agency, "llama")
    (folder / "config.json").write_text("{}")
    deployment = deployment_save(
        actor=officer,
        deployment=Deployment(agency=agency, model_version=doe["version"], name="va-llama", storage_path=str(folder)),
    )
    return {"agency": agency, "officer": officer, "deployment": deployment, "folder": folder}


def _save(doe, path: str, name: str = "doe-llama") -> Deployment:
    deployment = Deployment(agency=doe["agency"], model_version=doe["version"], name=name, storage_path=path)
    return deployment_save(actor=doe["officer"], deployment=deployment)


def test_a_folder_is_saved_canonical(doe, root):
    folder = agency_folder(root, doe["agency"], "llama")

    saved = _save(doe, f"{root}/DOE/./llama//")

    assert saved.storage_path == str(folder.resolve()) and saved.onboarding == doe["onboarding"]


@pytest.mark.parametrize(
    "path",
    [
        "{root}/VA/llama",  # another agency's folder
        "{root}/VA/llama/",  # the same with a trailing slash (passed the old uniqueness check)
        "{root}/VA",  # another agency's root
        "{root}",  # the whole model root
        "{root}/DOE",  # the agency's own root: would contain every deployment of the agency
        "{root}/DOE/missing",  # does not exist
        "{root}/DOE/../VA/llama",  # climbs out
        "/etc",
    ],
)
def test_a_folder_outside_the_agencys_root_or_missing_is_refused_with_one_message(doe, va, root, path):
    with pytest.raises(ServiceError) as refused:
        _save(doe, path.format(root=root))

    assert refused.value.field == "storage_path"
    assert refused.value.message == FOLDER_REFUSED.format(roots=f"{root.resolve()}/DOE/")
    assert not Deployment.objects.filter(name="doe-llama").exists()


def test_a_link_inside_the_agencys_root_to_another_agencys_folder_is_refused(doe, va, root):
    (root / "DOE").mkdir()
    (root / "DOE" / "borrowed").symlink_to(va["folder"])

    with pytest.raises(ServiceError):
        _save(doe, f"{root}/DOE/borrowed")


def test_a_folder_may_not_contain_or_lie_inside_another_deployments_folder(doe, root):
    outer = agency_folder(root, doe["agency"], "models")
    inner = agency_folder(root, doe["agency"], "models/llama")
    _save(doe, str(inner), name="inner")

    with pytest.raises(ServiceError):
        _save(doe, str(outer), name="outer")
    with pytest.raises(ServiceError):
        _save(doe, str(inner / "."), name="same")


def test_a_deployment_needs_an_active_onboarding_of_its_offering(root):
    agency = AgencyFactory(abbreviation="DOJ")
    version = ModelVersionFactory()
    OnboardingFactory(agency=agency, offering=version.offering, state="under_review")
    folder = agency_folder(root, agency, "m")

    with pytest.raises(ServiceError, match="no active onboarding") as refused:
        deployment_save(
            actor=agency_officer(agency),
            deployment=Deployment(agency=agency, model_version=version, name="x", storage_path=str(folder)),
        )

    assert refused.value.code == "no_active_onboarding"


def test_suspending_the_onboarding_flags_its_deployments(doe, root):
    deployment = _save(doe, str(agency_folder(root, doe["agency"], "llama")))

    onboarding_transition(actor=gsa_officer(), onboarding=doe["onboarding"], action="suspend", reason="Breach.")

    deployment.refresh_from_db()
    assert deployment.onboarding_flagged_at is not None and "Breach." in deployment.onboarding_flag_reason
    assert AuditEvent.objects.filter(action="deployment.flagged_onboarding_inactive", object_id=str(deployment.pk))


def test_offboarding_flags_its_deployments(doe, root):
    deployment = _save(doe, str(agency_folder(root, doe["agency"], "llama")))

    onboarding_transition(actor=doe["officer"], onboarding=doe["onboarding"], action="offboard", reason="Done.")

    deployment.refresh_from_db()
    assert deployment.onboarding_flagged_at is not None


def test_turning_a_contract_fact_to_no_after_approval_sends_the_onboarding_back_to_review(doe, root):
    deployment = _save(doe, str(agency_folder(root, doe["agency"], "llama")))
    onboarding = doe["onboarding"]

    onboarding_contract_facts_update(actor=doe["officer"], onboarding=onboarding, no_training_on_agency_data=False)

    onboarding.refresh_from_db()
    deployment.refresh_from_db()
    assert onboarding.state == Onboarding.State.UNDER_REVIEW and onboarding.approved_by is None
    step = OnboardingTransition.objects.get(onboarding=onboarding, action="reopen")
    assert (step.from_state, step.to_state) == ("active", "under_review") and "no training" in step.reason
    assert AuditEvent.objects.filter(action="onboarding.reopen").count() == 1
    assert deployment.onboarding_flagged_at is not None
    with pytest.raises(ServiceError):
        onboarding_transition(actor=doe["officer"], onboarding=onboarding, action="activate", reason="Go.")


def test_renewing_the_ato_after_approval_keeps_the_onboarding_active(doe):
    import datetime as dt

    onboarding = doe["onboarding"]

    onboarding_contract_facts_update(actor=doe["officer"], onboarding=onboarding, ato_expires_on=dt.date(2100, 1, 1))

    onboarding.refresh_from_db()
    assert onboarding.state == Onboarding.State.ACTIVE
