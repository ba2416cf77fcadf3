"""Each database constraint of the catalog refuses the bad row it is there for."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.models import Agreement, Artifact, ModelVersion, Offering, OfferingStatusChange
from tests.factories import AgreementFactory, ArtifactFactory, ModelVersionFactory, OfferingFactory, VendorFactory

pytestmark = pytest.mark.django_db


def _refused(build):
    with pytest.raises(IntegrityError), transaction.atomic():
        build()


def test_an_offering_name_is_unique_per_vendor():
    offering = OfferingFactory()

    _refused(
        lambda: Offering.objects.create(vendor=offering.vendor, name=offering.name, slug="other", kind="open_weight")
    )


def test_an_offering_status_and_kind_must_be_known():
    vendor = VendorFactory()

    _refused(lambda: Offering.objects.create(vendor=vendor, name="a", slug="a", kind="open_weight", status="gone"))
    _refused(lambda: Offering.objects.create(vendor=vendor, name="b", slug="b", kind="toaster"))


def test_a_status_change_needs_a_reason():
    offering = OfferingFactory()

    _refused(
        lambda: OfferingStatusChange.objects.create(
            offering=offering, to_status="suspended", effective_on=dt.date.today(), reason=""
        )
    )


def test_an_agreement_price_cannot_be_negative():
    offering = OfferingFactory()

    _refused(
        lambda: Agreement.objects.create(offering=offering, title="t", price_per_agency=-1, source_url="https://x.gov")
    )


def test_an_agreement_cannot_expire_before_it_takes_effect():
    agreement = AgreementFactory.build(effective_on=dt.date(2025, 9, 1), expires_on=dt.date(2025, 8, 1))

    with pytest.raises(ValidationError, match="end of term"):
        agreement.clean()
    _refused(
        lambda: Agreement.objects.create(
            offering=OfferingFactory(),
            title="t",
            effective_on=dt.date(2025, 9, 1),
            expires_on=dt.date(2025, 8, 1),
            source_url="https://x.gov",
        )
    )


def test_an_agreement_needs_its_public_source():
    _refused(lambda: Agreement.objects.create(offering=OfferingFactory(), title="t", source_url=""))


def test_an_agreement_title_is_unique_per_offering():
    agreement = AgreementFactory()

    _refused(lambda: AgreementFactory(offering=agreement.offering, title=agreement.title))


def test_a_model_version_is_unique_per_repo_and_revision():
    version = ModelVersionFactory()

    _refused(lambda: ModelVersionFactory(repo_id=version.repo_id, revision=version.revision, offering=version.offering))


def test_a_pinned_sha_must_be_a_full_commit():
    _refused(lambda: ModelVersionFactory(pinned_sha="main"))
    assert ModelVersionFactory(pinned_sha="0123456789abcdef0123456789abcdef01234567").pk


def test_a_model_version_declares_a_license():
    _refused(lambda: ModelVersionFactory(declared_license=""))


def test_a_model_version_belongs_to_an_open_weight_offering():
    version = ModelVersionFactory.build(offering=OfferingFactory(kind=Offering.Kind.SAAS))

    with pytest.raises(ValidationError, match="open-weight"):
        version.clean()


def test_a_repo_id_is_validated():
    version = ModelVersionFactory.build(offering=OfferingFactory(), repo_id="../../api/whoami")

    with pytest.raises(ValidationError) as error:
        version.full_clean()
    assert "repo_id" in error.value.message_dict


def test_an_artifact_path_is_unique_per_model_version():
    artifact = ArtifactFactory()

    _refused(lambda: ArtifactFactory(model_version=artifact.model_version, path=artifact.path))


def test_an_artifact_carries_the_checksum_of_its_kind():
    version = ModelVersionFactory()

    _refused(
        lambda: Artifact.objects.create(model_version=version, path="w.safetensors", size=1, is_lfs=True, sha256="")
    )
    _refused(
        lambda: Artifact.objects.create(model_version=version, path="c.json", size=1, is_lfs=False, git_sha1="xyz")
    )
    _refused(lambda: Artifact.objects.create(model_version=version, path="n.json", size=-1, git_sha1="a" * 40))
    lfs = Artifact.objects.create(model_version=version, path="ok.safetensors", size=1, is_lfs=True, sha256="b" * 64)
    assert (lfs.algorithm, lfs.expected_digest) == ("sha256", "b" * 64)


def test_a_model_version_prints_its_pin():
    version = ModelVersion(repo_id="meta-llama/Llama-3.1-8B", revision="main", pinned_sha="")

    assert str(version) == "meta-llama/Llama-3.1-8B@main"
