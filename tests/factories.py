"""factory_boy factories and the named personas the tests use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import factory

from agencies.models import Agency, ChiefAIOfficer, Deployment, Onboarding, Role, User
from catalog.models import Agreement, Artifact, FedRAMPProduct, ModelVersion, Offering, Vendor

PASSWORD = "correct-horse-battery-staple"


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Vendor {n}")


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering

    vendor = factory.SubFactory(VendorFactory)
    name = factory.Sequence(lambda n: f"Offering {n}")
    slug = factory.Sequence(lambda n: f"offering-{n}")
    kind = Offering.Kind.OPEN_WEIGHT
    status = Offering.Status.APPROVED
    allowed_licenses = ["llama3.1", "apache-2.0"]


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    offering = factory.SubFactory(OfferingFactory)
    title = factory.Sequence(lambda n: f"Agreement {n}")
    price_per_agency = "1.00"
    price_unit = "per agency for one year"
    announced_on = dt.date(2025, 8, 6)
    expires_on = dt.date(2026, 8, 6)
    source_url = "https://example.gov/source"


class FedRAMPProductFactory(factory.django.DjangoModelFactory):
    """A FedRAMP product shaped like FedRAMP's marketplace data."""

    class Meta:
        model = FedRAMPProduct

    fedramp_id = factory.Sequence(lambda n: f"FR{2600000000 + n}")
    csp = factory.Sequence(lambda n: f"Provider {n}")
    cso = factory.Sequence(lambda n: f"Cloud offering {n}")
    auth_type = "20x"
    impact_level = "20x Low"
    status = "FedRAMP Authorized"
    auth_date = dt.date(2026, 1, 21)
    annual_assessment = "2027-01-21"
    source_url = "https://raw.githubusercontent.com/FedRAMP/marketplace-fedramp-gov-data/main/fedramp-products.json"
    synced_at = factory.LazyFunction(lambda: dt.datetime(2026, 5, 30, tzinfo=dt.UTC))


class ModelVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelVersion

    offering = factory.SubFactory(OfferingFactory)
    name = factory.Sequence(lambda n: f"Model {n}")
    repo_id = factory.Sequence(lambda n: f"test-org/model-{n}")
    revision = "main"
    declared_license = "llama3.1"


class ArtifactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artifact

    model_version = factory.SubFactory(ModelVersionFactory)
    path = factory.Sequence(lambda n: f"file-{n}.json")
    size = 10
    git_sha1 = "a" * 40


class AgencyFactory(factory.django.DjangoModelFactory):
    """An active agency; `caio_name` (with `caio_designated_on`, `caio_title`, `caio_grade`) records its CAIO."""

    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    abbreviation = factory.Sequence(lambda n: f"AG{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        caio = {key.removeprefix("caio_"): kwargs.pop(key) for key in list(kwargs) if key.startswith("caio_")}
        agency = super()._create(model_class, *args, **kwargs)
        if caio.get("name"):
            designated_on = caio.get("designated_on") or dt.date(2025, 5, 1)
            if isinstance(designated_on, str):
                designated_on = dt.date.fromisoformat(designated_on)
            ChiefAIOfficer.objects.create(
                agency=agency,
                name=caio["name"],
                title=caio.get("title") or "Chief AI Officer",
                grade=caio.get("grade", "SES"),
                designated_on=designated_on,
                omb_notified_on=caio.get("omb_notified_on"),
            )
        return agency


def chief_ai_officer(agency: Agency, **kwargs) -> ChiefAIOfficer:
    values = {"name": "Grace Hopper", "title": "Chief AI Officer", "grade": "SES", "designated_on": dt.date(2025, 5, 1)}
    return ChiefAIOfficer.objects.create(agency=agency, **{**values, **kwargs})


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.AUDITOR
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def gsa_officer(**kwargs) -> User:
    return UserFactory(role=Role.GSA_OFFICER, **kwargs)


def agency_officer(agency: Agency, **kwargs) -> User:
    return UserFactory(role=Role.AGENCY_OFFICER, agency=agency, **kwargs)


def auditor(**kwargs) -> User:
    return UserFactory(role=Role.AUDITOR, **kwargs)


@dataclass
class Personas:
    """The people every permission test asks as: GSA, an auditor, and an officer of each of two agencies."""

    gsa: User
    auditor: User
    agency_a: Agency
    officer_a: User
    agency_b: Agency
    officer_b: User

    def persona(self, name: str) -> User | None:
        """The user behind a persona name (`anonymous` is None)."""
        return None if name == "anonymous" else getattr(self, name)


def personas(
    *,
    a: tuple[str, str, str] = ("Department of Alpha", "ALPHA", "alice"),
    b: tuple[str, str, str] = ("Department of Beta", "BETA", "bob"),
    gsa: str = "grace",
    auditor_name: str = "audrey",
) -> Personas:
    """Build the personas; `a` and `b` are (agency name, abbreviation, officer username)."""
    agency_a = AgencyFactory(name=a[0], abbreviation=a[1])
    agency_b = AgencyFactory(name=b[0], abbreviation=b[1])
    return Personas(
        gsa=gsa_officer(username=gsa),
        auditor=auditor(username=auditor_name),
        agency_a=agency_a,
        officer_a=agency_officer(agency_a, username=a[2]),
        agency_b=agency_b,
        officer_b=agency_officer(agency_b, username=b[2]),
    )


class OnboardingFactory(factory.django.DjangoModelFactory):
    """A draft onboarding with its M-25-22 contract facts recorded and a current ATO."""

    class Meta:
        model = Onboarding

    agency = factory.SubFactory(AgencyFactory)
    offering = factory.SubFactory(OfferingFactory)
    purpose = "Summarize correspondence."
    no_training_on_agency_data = True
    data_portability = True
    ato_granted_on = dt.date(2025, 10, 1)
    ato_expires_on = dt.date(2099, 10, 1)
    requested_by = factory.LazyAttribute(lambda o: agency_officer(o.agency))


class DeploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deployment

    agency = factory.SubFactory(AgencyFactory)
    model_version = factory.SubFactory(ModelVersionFactory)
    name = factory.Sequence(lambda n: f"deployment-{n}")
    storage_path = factory.Sequence(lambda n: f"/srv/models/deployment-{n}")
    created_by = factory.LazyAttribute(lambda o: agency_officer(o.agency))


class UseCaseFactory(factory.django.DjangoModelFactory):
    """A deployed, not high-impact use case in OMB's 2025 inventory format."""

    class Meta:
        model = "compliance.UseCase"

    agency = factory.SubFactory(AgencyFactory)
    use_case_id = factory.Sequence(lambda n: f"UC-{n}")
    use_case_name = factory.Sequence(lambda n: f"Use case {n}")
    development_stage = "Deployed"
    is_high_impact = "Not High-impact"
    topic_area = "Admin Functions"


def high_impact_use_case(agency: Agency, *, documented: bool = True, **kwargs):
    """A deployed high-impact use case, with the risk fields answered as OMB's "done" answers (or blank)."""
    done = {
        "pre_deployment_testing": "Yes",
        "impact_assessment": "Yes",
        "independent_review": "Internal Independent Review",
        "ongoing_monitoring": "Yes - Monitoring Established",
        "operator_training": "Training Established",
        "fail_safe": "Yes",
        "appeal_process": "Appeal Process Established",
        "public_consultation": "['Usability Testing']",
    }
    risk = done if documented else dict.fromkeys(done, "")
    return UseCaseFactory(agency=agency, is_high_impact="High-impact", **{**risk, **kwargs})


def make_active(onboarding: Onboarding, *, approver: User | None = None) -> Onboarding:
    """Put an onboarding straight into the active state (as if GSA approved it and the agency activated it)."""
    Onboarding.objects.filter(pk=onboarding.pk).update(
        state=Onboarding.State.ACTIVE, approved_by=approver or gsa_officer(), approved_at=dt.datetime.now(dt.UTC)
    )
    onboarding.refresh_from_db()
    return onboarding


def agency_folder(model_root, agency: Agency, name: str):
    """A folder inside the agency's own model root (MODEL_ROOTS/<ABBREVIATION>/name), created."""
    folder = model_root / agency.abbreviation / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
