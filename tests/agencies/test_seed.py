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
        ("google-gemini-for-government", Decimal("0.47"), dt.date(2025, 8, 21)),
        ("xai-grok-for-government", Decimal("0.42"), dt.date(2025, 9, 25)),
        ("microsoft-365-copilot", None, dt.date(2025, 9, 2)),
        ("google-workspace", None, None),
        ("oracle-licenses-and-cloud", None, None),
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


def test_no_approval_date_is_invented():
    _seed()

    undated = OfferingStatusChange.objects.filter(to_status="approved", effective_on__isnull=True)

    assert not OfferingStatusChange.objects.filter(effective_on=dt.date(2025, 4, 1)).exists()
    assert sorted(undated.values_list("offering__slug", flat=True)) == [
        "aws-cloud-credits",
        "google-workspace",
        "oracle-licenses-and-cloud",
    ]
    assert all(change.note for change in undated)


def test_claude_history_of_2026_is_recorded_with_its_confidence_and_the_agreement_is_terminated():
    _seed()

    claude = Offering.objects.get(slug="anthropic-claude")
    history = list(claude.status_changes.values_list("to_status", "effective_on", "confidence"))
    agreement = claude.agreements.get()

    assert claude.status == Offering.Status.CONTESTED
    assert history == [
        ("approved", dt.date(2025, 8, 12), "confirmed"),
        ("removed", dt.date(2026, 2, 27), "confirmed"),
        ("contested", dt.date(2026, 3, 9), "confirmed"),
    ]
    assert "reportedly" not in claude.status_changes.last().reason
    assert "Reported only" in claude.status_changes.last().note
    assert (agreement.terminated_on, agreement.lifecycle) == (dt.date(2026, 2, 27), "terminated")
    assert agreement.termination_source_url.startswith("https://www.gsa.gov/")


def test_microsoft_terms_are_words_with_an_opt_in_window_not_a_price():
    _seed()

    agreement = Agreement.objects.get(offering__slug="microsoft-365-copilot")

    assert agreement.price_per_agency is None
    assert "Copilot free for up to 12 months" in agreement.terms
    assert (agreement.offer_ends_on, agreement.expires_on) == (dt.date(2026, 9, 30), None)
    assert "36 months" in agreement.dates_note


def test_oracle_end_is_unknown_not_open_ended():
    _seed()

    agreement = Agreement.objects.get(offering__slug="oracle-licenses-and-cloud")

    assert (agreement.expires_on, agreement.offer_ends_on, agreement.end_unknown) == (None, None, True)


def test_perplexity_is_pending_with_its_fedramp_id_and_no_unsourced_agreement():
    _seed()

    perplexity = Offering.objects.get(slug="perplexity-enterprise-pro")

    assert perplexity.status == Offering.Status.PENDING
    assert perplexity.fedramp_ids == ["FR2604643715"]
    assert not perplexity.agreements.exists()
    assert "$0.25 per agency" in perplexity.description


def test_llama_parameter_counts_say_whether_they_are_nominal():
    _seed()

    scout = ModelVersion.objects.get(repo_id="meta-llama/Llama-4-Scout-17B-16E-Instruct")
    small = ModelVersion.objects.get(repo_id="meta-llama/Llama-3.2-1B")
    eight = ModelVersion.objects.get(repo_id="meta-llama/Llama-3.1-8B")

    assert (scout.parameter_count, scout.parameter_count_basis) == (109_000_000_000, "published")
    assert ModelVersion.objects.get(repo_id="meta-llama/Llama-4-Maverick-17B-128E-Instruct").parameter_count == (
        400_000_000_000
    )
    assert (small.parameter_count, small.parameter_count_basis) == (1_240_000_000, "published")
    assert eight.parameter_count_basis == "nominal"
    assert "'8B'" in eight.parameter_count_note


def _age_to_the_previous_seed():
    """Put back what the previous seed wrote: invented dates, Microsoft at 0.00, Claude only removed, unterminated."""
    gemini = Offering.objects.get(slug="google-gemini-for-government")
    Agreement.objects.filter(offering=gemini).update(announced_on=None)
    gemini.status_changes.update(effective_on=dt.date(2025, 4, 1), note="")
    Agreement.objects.filter(offering__slug="microsoft-365-copilot").update(
        price_per_agency=Decimal("0.00"), price_unit="M365 Copilot free", terms="", expires_on=dt.date(2026, 9, 30)
    )
    claude = Offering.objects.get(slug="anthropic-claude")
    claude.status_changes.filter(to_status="contested").delete()
    Offering.objects.filter(pk=claude.pk).update(status="removed")
    Agreement.objects.filter(offering=claude).update(
        terminated_on=None, termination_reason="", termination_source_url=""
    )


def test_on_a_database_seeded_before_it_records_the_corrections_as_changes():
    _seed()
    _age_to_the_previous_seed()
    events_before = AuditEvent.objects.count()

    output = _seed()

    gemini_approval = OfferingStatusChange.objects.get(offering__slug="google-gemini-for-government")
    microsoft = Agreement.objects.get(offering__slug="microsoft-365-copilot")
    claude = Offering.objects.get(slug="anthropic-claude")
    corrections = AuditEvent.objects.filter(seq__gt=events_before, action__endswith=".corrected")
    microsoft_fix = corrections.get(action="agreement.corrected", object_id=str(microsoft.pk))
    assert gemini_approval.effective_on == dt.date(2025, 8, 21)
    assert "Earlier recorded as 01 Apr 2025" in gemini_approval.note
    assert microsoft.price_per_agency is None
    assert microsoft_fix.before["price_per_agency"] == "0.00"
    assert microsoft_fix.after["price_per_agency"] is None
    assert claude.status == Offering.Status.CONTESTED
    assert claude.agreements.get().terminated_on == dt.date(2026, 2, 27)
    assert "corrected" in output


def test_corrections_are_applied_once():
    _seed()
    _age_to_the_previous_seed()
    _seed()
    before = _counts()

    output = _seed()

    assert _counts() == before
    assert "nothing changed" in output


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


# Issue 12: every agency that reports.


def test_it_seeds_the_agencies_of_ombs_2025_inventory_and_the_cfo_act_agencies():
    from agencies.seed_data import OMB_2025_INVENTORY_KEYS

    _seed()

    abbreviations = set(Agency.objects.values_list("abbreviation", flat=True))
    assert len(OMB_2025_INVENTORY_KEYS) == 41
    assert abbreviations >= OMB_2025_INVENTORY_KEYS
    assert Agency.objects.filter(is_cfo_act=True).count() == 24
    assert abbreviations == OMB_2025_INVENTORY_KEYS | {"DOD", "OPM", "USAID"}


def test_state_is_keyed_as_omb_keys_it_with_dos_as_an_alias():
    _seed()

    state = Agency.objects.get(abbreviation="STATE")

    assert state.cgac_code == "019"
    assert "DOS" in state.aliases
    assert not Agency.objects.filter(abbreviation="DOS").exists()


def test_an_agency_seeded_earlier_as_dos_is_re_keyed_to_state_not_duplicated():
    Agency.objects.create(name="Department of State", abbreviation="DOS", cgac_code="019", is_cfo_act=True)

    _seed()

    assert Agency.objects.filter(name="Department of State").count() == 1
    assert Agency.objects.get(name="Department of State").abbreviation == "STATE"


def test_usaid_is_closed_since_1_july_2025_with_its_source():
    _seed()

    usaid = Agency.objects.get(abbreviation="USAID")

    assert (usaid.status, usaid.closed_on) == ("closed", dt.date(2025, 7, 1))
    assert "policy.md" in usaid.status_source


def test_the_llm_offerings_are_marked_for_m_26_04():
    _seed()

    assert Offering.objects.get(slug="meta-llama").is_llm is True
    assert Offering.objects.get(slug="google-workspace").is_llm is False
