"""Loading the public OneGov catalog and the CFO Act agencies, idempotently."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from agencies import seed_data
from agencies.models import Agency, Deployment, Onboarding, Role, User
from agencies.services import onboarding_request, onboarding_transition
from catalog.models import Agreement, ModelVersion, Offering, Vendor
from catalog.services import OFFERING_STATUS_MOVES, offering_change_status
from core.audit import audit_record, audited_save


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, label: str, was_created: bool) -> None:
        if was_created:
            self.created[label] = self.created.get(label, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created)


def _sync(model, lookup: dict, values: dict, report: SeedReport, label: str):
    """Create the row, or bring an existing one back to the reference values (saving only if they differ)."""
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if not created:
        stale = {name: value for name, value in values.items() if getattr(obj, name) != value}
        if stale:
            for name, value in stale.items():
                setattr(obj, name, value)
            obj.save()
            report.count(f"{label} updated", True)
    report.count(label, created)
    return obj


@transaction.atomic
def seed_onegov() -> SeedReport:
    """1. Agencies. 2. Vendors, offerings, agreements and their status history. 3. Llama model versions."""
    report = SeedReport()
    _seed_agencies(report)
    for vendor_name in seed_data.VENDORS_TERMS_NOT_CONFIRMED:
        _sync(Vendor, {"name": vendor_name}, {}, report, "vendors")
    for spec in seed_data.OFFERINGS:
        _seed_offering(spec, report)
    _seed_llama_versions(report)
    _seed_llm_flags(report)
    if report.changed:
        audit_record(actor=None, action="catalog.seeded", object_type="seed", after=report.created)
    return report


# --- Offerings, agreements and model versions (issue 13) ----------------------------------------------
#
# A first run creates them. On a database seeded before, a value that differs from the reference is a
# correction: it is applied with an audit event that keeps the old value and says why (never a silent
# rewrite), and the offering's status history is appended to, never reordered.

CORRECTION = "Corrected by seed_onegov from the public record (the source is on the corrected row)."


def _plain(values: dict) -> dict:
    """JSON-ready values for an audit event: rows by primary key, dates and decimals as strings."""
    rows = {name: (value.pk if isinstance(value, models.Model) else value) for name, value in values.items()}
    return json.loads(json.dumps(rows, cls=DjangoJSONEncoder))


def _correct(obj, values: dict, report: SeedReport, label: str) -> bool:
    """Bring an existing row to the reference values, recording the old and new values in the audit trail."""
    stale = {name: value for name, value in values.items() if getattr(obj, name) != value}
    if not stale:
        return False
    before = {name: getattr(obj, name) for name in stale}
    for name, value in stale.items():
        setattr(obj, name, value)
    obj.full_clean(validate_constraints=False)
    obj.save()
    audit_record(
        actor=None,
        action=f"{obj._meta.model_name}.corrected",
        obj=obj,
        before=_plain(before) | {"reason": CORRECTION},
        after=_plain(stale),
    )
    report.count(f"{label} corrected", True)
    return True


# --- Issue 12: the agencies (CFO Act and OMB's 2025 inventory), their aliases, status and IC flag. ---


def _agency_specs() -> list[dict]:
    specs = [
        {"name": name, "abbreviation": abbreviation, "cgac_code": cgac, "is_cfo_act": True}
        for name, abbreviation, cgac in seed_data.CFO_ACT_AGENCIES
    ]
    specs += [
        {"name": name, "abbreviation": abbreviation, "cgac_code": None, "is_cfo_act": False}
        for name, abbreviation in seed_data.OMB_2025_INVENTORY_AGENCIES
    ]
    for spec in specs:
        closed = seed_data.AGENCY_CLOSURES.get(spec["abbreviation"])
        spec.update(
            aliases=seed_data.AGENCY_ALIASES.get(spec["abbreviation"], []),
            is_intelligence_community=spec["abbreviation"] in seed_data.INTELLIGENCE_COMMUNITY,
            status=Agency.Status.CLOSED if closed else Agency.Status.ACTIVE,
            closed_on=closed[0] if closed else None,
            status_source=closed[1] if closed else "",
        )
    return specs


def _seed_agencies(report: SeedReport) -> None:
    """Create or correct each agency; one recorded under an alias (DOS before OMB's STATE) is re-keyed."""
    for spec in _agency_specs():
        abbreviation = spec.pop("abbreviation")
        known = [abbreviation, *(alias for alias in spec["aliases"] if alias.isupper())]
        existing = Agency.objects.filter(abbreviation__in=known).order_by("pk").first()
        if existing is not None and existing.abbreviation != abbreviation:
            existing.abbreviation = abbreviation
            existing.save(update_fields=["abbreviation"])
            report.count("agencies updated", True)
        _sync(Agency, {"abbreviation": abbreviation}, spec, report, "agencies")


def _seed_llm_flags(report: SeedReport) -> None:
    """Record which offerings are LLMs (M-26-04), only where it is not recorded yet: GSA's later edits stand."""
    for slug, is_llm in seed_data.OFFERING_IS_LLM.items():
        updated = Offering.objects.filter(slug=slug, is_llm__isnull=True).update(is_llm=is_llm)
        report.count("offerings marked LLM or not", bool(updated))


# --- end of issue 12's agency seeding ---


def _seed_offering(spec: dict, report: SeedReport) -> None:
    vendor = _sync(Vendor, {"name": spec["vendor"]}, {}, report, "vendors")
    values = {
        "vendor": vendor,
        "name": spec["name"],
        "kind": spec["kind"],
        "description": spec["description"],
        "allowed_licenses": spec.get("allowed_licenses", []),
        "fedramp_ids": spec["fedramp_ids"],
    }
    offering = Offering.objects.filter(slug=spec["slug"]).first()
    if offering is None:
        fedramp = Offering.FedRAMP.NOT_APPLICABLE if spec["kind"] == "open_weight" else Offering.FedRAMP.NOT_RECORDED
        offering = audited_save(actor=None, instance=Offering(slug=spec["slug"], fedramp_level=fedramp, **values))
        report.count("offerings", True)
    else:
        _correct(offering, values, report, "offerings")
    if spec["agreement"]:
        _seed_agreement(offering, spec["agreement"], report)
    _seed_history(offering, spec["history"], report)


def _seed_agreement(offering: Offering, terms: dict, report: SeedReport) -> None:
    defaults = {"price_unit": "", "terms": "", "offer_ends_on": None, "end_unknown": False}
    values = defaults | {key: value for key, value in terms.items() if key != "title"}
    agreement = Agreement.objects.filter(offering=offering, title=terms["title"]).first()
    if agreement is None:
        agreement = Agreement(offering=offering, title=terms["title"], **values)
        agreement.full_clean()
        audited_save(actor=None, instance=agreement)
        report.count("agreements", True)
    else:
        _correct(agreement, values, report, "agreements")


def _seed_history(offering: Offering, history: list[dict], report: SeedReport) -> None:
    """Record each reference status change once: correct what an earlier seed recorded, append what is missing.

    Changes are matched in order with the offering's recorded history. A change that the offering's
    current status does not allow (GSA has moved it on since) is left out rather than forced.
    """
    recorded = list(offering.status_changes.order_by("pk"))
    for index, change in enumerate(history):
        if index < len(recorded):
            row = recorded[index]
            if row.to_status != change["to_status"]:
                return
            fixes = {key: change.get(key, "") for key in ("effective_on", "source_url", "confidence", "note")}
            if row.effective_on == seed_data.INVENTED_APPROVAL_DATE and change["effective_on"] is None:
                fixes["note"] = f"{change.get('note', '')} The date 1 Apr 2025 recorded earlier had no source.".strip()
            elif row.effective_on != change["effective_on"] and row.effective_on is not None:
                fixes["note"] = f"{change.get('note', '')} Earlier recorded as {row.effective_on:%d %b %Y}.".strip()
            if row.note.startswith(fixes["note"]) and row.effective_on == change["effective_on"]:
                fixes.pop("note")
            _correct(row, fixes, report, "status changes")
            continue
        offering.refresh_from_db()
        if change["to_status"] not in OFFERING_STATUS_MOVES.get(offering.status, set()):
            return
        offering_change_status(
            actor=None,
            offering=offering,
            to_status=change["to_status"],
            reason=change["reason"],
            effective_on=change["effective_on"],
            date_unknown=change["effective_on"] is None,
            source_url=change.get("source_url", ""),
            confidence=change.get("confidence", "confirmed"),
            note=change.get("note", ""),
        )
        report.count("status changes", True)


def _seed_llama_versions(report: SeedReport) -> None:
    offering = Offering.objects.get(slug="meta-llama")
    for family, license_id, released, repos in seed_data.LLAMA_FAMILIES:
        for repo_id, parameters, basis, note in repos:
            values = {
                "offering": offering,
                "name": f"{family}: {repo_id.split('/', 1)[1]}",
                "declared_license": license_id,
                "release_date": released,
            }
            counted = {"parameter_count": parameters, "parameter_count_basis": basis, "parameter_count_note": note}
            version = ModelVersion.objects.filter(repo_id=repo_id, revision="main").first()
            if version is None:
                audited_save(actor=None, instance=ModelVersion(repo_id=repo_id, revision="main", **values, **counted))
                report.count("model versions", True)
                continue
            if version.parameter_count_basis == "safetensors":
                counted = {}  # an exact count read from the Hub is better than the reference's
            _correct(version, values | counted, report, "model versions")


DEMO_USERS = [
    ("gsa.officer", Role.GSA_OFFICER, None, "demo-gsa-officer-pass"),
    ("va.officer", Role.AGENCY_OFFICER, "VA", "demo-va-officer-pass"),
    ("doe.officer", Role.AGENCY_OFFICER, "DOE", "demo-doe-officer-pass"),
    ("auditor", Role.AUDITOR, None, "demo-auditor-pass"),
]


@transaction.atomic
def seed_demo() -> list[tuple[str, str, str]]:
    """Demo users (one per role, two agencies) and a few onboardings and deployments to look at."""
    credentials = []
    for username, role, abbreviation, password in DEMO_USERS:
        agency = Agency.objects.get(abbreviation=abbreviation) if abbreviation else None
        user, created = User.objects.get_or_create(username=username, defaults={"role": role, "agency": agency})
        if created:
            user.set_password(password)
            user.save()
        shown = password if user.check_password(password) else "(changed since seeding)"
        credentials.append((username, str(Role(role).label), shown))
    gsa = User.objects.get(username="gsa.officer")
    va_officer = User.objects.get(username="va.officer")
    doe_officer = User.objects.get(username="doe.officer")
    va, doe = Agency.objects.get(abbreviation="VA"), Agency.objects.get(abbreviation="DOE")
    llama = Offering.objects.get(slug="meta-llama")
    if not Onboarding.objects.filter(agency=va, offering=llama).exists():
        onboarding = onboarding_request(
            actor=va_officer,
            agency=va,
            offering=llama,
            purpose="Summarize claims correspondence inside the VA enclave.",
            no_training_on_agency_data=True,
            data_portability=True,
            ato_granted_on=dt.date(2025, 11, 3),
            ato_expires_on=dt.date(2028, 11, 2),
        )
        onboarding_transition(actor=gsa, onboarding=onboarding, action="review", reason="Demo review.")
        onboarding_transition(actor=gsa, onboarding=onboarding, action="approve", reason="Contract facts in order.")
        onboarding_transition(actor=va_officer, onboarding=onboarding, action="activate", reason="ATO granted.")
        version = ModelVersion.objects.get(repo_id="meta-llama/Llama-3.2-1B-Instruct")
        root = Path(settings.MODEL_ROOTS[0])
        Deployment.objects.create(
            agency=va,
            model_version=version,
            onboarding=onboarding,
            name="claims-summarizer",
            storage_path=str(root / "va" / "Llama-3.2-1B-Instruct"),
            created_by=va_officer,
        )
    # ChatGPT's $1 term lapsed in Aug 2026 and cannot be requested any more: the demo uses Grok (to Mar 2027).
    grok = Offering.objects.get(slug="xai-grok-for-government")
    if not Onboarding.objects.filter(agency=doe, offering=grok).exists():
        onboarding_request(
            actor=doe_officer,
            agency=doe,
            offering=grok,
            purpose="Drafting and summarizing unclassified lab reports.",
            contract_number="47QTCA25D0001",
            no_training_on_agency_data=True,
            data_portability=None,
        )
    return credentials
