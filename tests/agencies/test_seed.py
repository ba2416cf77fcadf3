"""seed_onegov: the public catalog, each fact with its public source, loaded once however often it runs."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from agencies.models import Agency, Onboarding, User
from catalog.models import Agreement, ModelVersion, Offering, OfferingStatusChange, Vendor
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _seed(*args) -> str:
    out = StringIO()
    call_command("seed_onegov", *args, stdout=out)
    return out.getvalue()


def _counts():
    return [
        m.objects.count() for m in (Agency, Vendor, Offering, Agreement, ModelVersion, OfferingStatusChange, AuditEvent)
    ]


def test_running_it_twice_changes_nothing():
    _seed()
    before = _counts()

    output = _seed()

    assert _counts() == before
    assert "nothing changed" in output


@pytest.mark.parametrize(
    ("slug", "price", "announced"),
    [
        ("meta-llama", Decimal("0.00"), dt.date(2025, 9, 22)),
        ("openai-chatgpt-enterprise", Decimal("1.00"), dt.date(2025, 8, 6)),
        ("anthropic-claude", Decimal("1.00"), dt.date(2025, 8, 12)),
        ("google-gemini-for-government", Decimal("0.47"), None),
        ("xai-grok-for-government", Decimal("0.42"), dt.date(2025, 9, 25)),
        ("microsoft-365-copilot", Decimal("0.00"), dt.date(2025, 9, 2)),
    ],
)
def test_prices_and_dates_equal_the_reference(slug, price, announced):
    _seed()

    agreement = Agreement.objects.get(offering__slug=slug)

    assert agreement.price_per_agency == price
    assert agreement.announced_on == announced
    assert agreement.source_url.startswith("https://")


def test_every_agreement_has_a_public_source():
    _seed()

    assert not Agreement.objects.filter(source_url="").exists()
    assert Agreement.objects.count() == 9


def test_claude_removal_in_2026_is_recorded_as_a_status_change():
    _seed()

    claude = Offering.objects.get(slug="anthropic-claude")
    history = list(claude.status_changes.values_list("to_status", "effective_on"))

    assert claude.status == Offering.Status.REMOVED
    assert history == [("approved", dt.date(2025, 8, 12)), ("removed", dt.date(2026, 2, 27))]


def test_grok_runs_through_march_2027_and_aws_credits_through_2028():
    _seed()

    assert Agreement.objects.get(offering__slug="xai-grok-for-government").expires_on == dt.date(2027, 3, 31)
    assert Agreement.objects.get(offering__slug="aws-cloud-credits").expires_on == dt.date(2028, 12, 31)


def test_llama_versions_two_to_four_with_their_license_ids():
    _seed()

    licenses = set(ModelVersion.objects.values_list("declared_license", flat=True))

    assert licenses == {"llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4"}
    assert all(repo.startswith("meta-llama/") for repo in ModelVersion.objects.values_list("repo_id", flat=True))
    assert ModelVersion.objects.get(repo_id="meta-llama/Llama-3.3-70B-Instruct").release_date == dt.date(2024, 12, 6)


def test_the_24_cfo_act_agencies_with_their_cgac_codes():
    _seed()

    assert Agency.objects.filter(is_cfo_act=True).count() == 24
    assert Agency.objects.get(abbreviation="DOE").cgac_code == "089"
    assert Agency.objects.get(abbreviation="VA").cgac_code == "036"
    assert Agency.objects.get(abbreviation="DOD").cgac_code == "097"


def test_demo_adds_one_user_per_role_and_prints_their_passwords():
    output = _seed("--demo")

    assert set(User.objects.values_list("role", flat=True)) == {"gsa_officer", "agency_officer", "auditor"}
    assert "demo-gsa-officer-pass" in output
    assert Onboarding.objects.filter(state=Onboarding.State.ACTIVE).exists()
    assert _seed("--demo").count("password:") == 4
