"""The requirement catalog: loading the versioned data files and assessing agencies against them.

Each memo is one JSON file under `compliance/data/requirements/` (format in the README). Loading
is idempotent: a file whose sha256 has not changed is skipped; requirements that left a file are
kept (evidence points at them) but marked inactive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from compliance.checks import CHECKS
from compliance.models import Requirement, RequirementCatalog
from core.audit import audit_record

REQUIREMENTS_DIR = Path(__file__).resolve().parent / "data" / "requirements"
REQUIRED_KEYS = ("id", "section", "title", "text", "applies_to", "evidence")


class RequirementDataError(ValueError):
    """A requirement file that cannot be loaded, with the file and the entry at fault."""


@dataclass
class LoadReport:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    requirements: int = 0


def _parse_entry(entry: dict, issued_on: dt.date, where: str) -> dict:
    missing = [key for key in REQUIRED_KEYS if not entry.get(key)]
    if missing:
        raise RequirementDataError(f"{where}: missing {', '.join(missing)}")
    if entry["applies_to"] not in Requirement.AppliesTo.values:
        raise RequirementDataError(f"{where}: applies_to {entry['applies_to']!r} is not one of the known scopes")
    check = entry.get("automatic_check") or ""
    if check and check not in CHECKS:
        raise RequirementDataError(f"{where}: automatic_check {check!r} is not a known check")
    if check and CHECKS[check].scope != _scope_of(entry["applies_to"]):
        raise RequirementDataError(f"{where}: check {check!r} does not decide {entry['applies_to']!r} requirements")
    deadline = None
    if entry.get("deadline"):
        deadline = dt.date.fromisoformat(entry["deadline"])
    elif entry.get("deadline_days") is not None:
        deadline = issued_on + dt.timedelta(days=int(entry["deadline_days"]))
    every = entry.get("recurs_every_months")
    if every is not None and (not isinstance(every, int) or every < 1 or deadline is None):
        raise RequirementDataError(f"{where}: recurs_every_months needs a whole number of months and a deadline")
    return {
        "kind": Requirement.Kind.MEMO,
        "supports": "",
        "waivable": bool(entry.get("waivable", False)),
        "recurs_every_months": every,
        "recurs_until": dt.date.fromisoformat(entry["recurs_until"]) if entry.get("recurs_until") else None,
        "section": entry["section"],
        "title": entry["title"],
        "text": entry["text"],
        "applies_to": entry["applies_to"],
        "excludes": list(entry.get("excludes", [])),
        "mandatory": bool(entry.get("mandatory", True)),
        "deadline": deadline,
        "deadline_note": entry.get("deadline_note", ""),
        "recurrence": entry.get("recurrence", ""),
        "evidence_expected": entry["evidence"],
        "automatic_check": check,
        "is_active": True,
    }


def _parse_control(entry: dict, issued_on: dt.date, where: str, memo_codes: set[str]) -> dict:
    """A registry control: the registry's own rule, shown apart from the memo's text, mapped to the item it supports."""
    if entry.get("supports") not in memo_codes:
        raise RequirementDataError(f"{where}: supports {entry.get('supports')!r} is not a requirement of this file")
    if not entry.get("automatic_check"):
        raise RequirementDataError(f"{where}: a registry control is decided by an automatic check")
    values = _parse_entry(entry, issued_on, where)
    values.update(kind=Requirement.Kind.REGISTRY_CONTROL, supports=entry["supports"], waivable=False)
    return values


def _scope_of(applies_to: str) -> str:
    return {"high_impact_use_case": "use_case", "onboarding": "onboarding"}.get(applies_to, "agency")


def requirement_file_load(path: Path, report: LoadReport) -> None:
    """Load one memo file inside one transaction: all of it or nothing."""
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    try:
        doc = json.loads(raw)
        memo, slug, issued_on = doc["memo"], doc["slug"], dt.date.fromisoformat(doc["issued_on"])
    except (ValueError, KeyError) as exc:
        raise RequirementDataError(f"{path.name}: not a requirement file ({exc})") from exc
    current = RequirementCatalog.objects.filter(memo=memo).first()
    if current and current.file_sha256 == digest and current.requirements.filter(is_active=True).exists():
        report.unchanged.append(memo)
        return
    entries = doc.get("requirements") or []
    parsed = [(e.get("id"), _parse_entry(e, issued_on, f"{path.name} entry {i + 1}")) for i, e in enumerate(entries)]
    memo_codes = {code for code, _ in parsed}
    for i, entry in enumerate(doc.get("registry_controls") or []):
        parsed.append((entry.get("id"), _parse_control(entry, issued_on, f"{path.name} control {i + 1}", memo_codes)))
    codes = [code for code, _ in parsed]
    if len(set(codes)) != len(codes):
        raise RequirementDataError(f"{path.name}: requirement ids repeat")
    with transaction.atomic():
        catalog, _ = RequirementCatalog.objects.update_or_create(
            memo=memo,
            defaults={
                "slug": slug,
                "title": doc.get("title", memo),
                "issued_on": issued_on,
                "version": doc.get("version", ""),
                "source_url": doc.get("source_url", ""),
                "file_sha256": digest,
            },
        )
        for position, (code, values) in enumerate(parsed):
            Requirement.objects.update_or_create(
                code=code, defaults={**values, "catalog": catalog, "position": position}
            )
        catalog.requirements.exclude(code__in=codes).update(is_active=False)
        audit_record(
            actor=None,
            action="requirements.loaded",
            obj=catalog,
            after={"memo": memo, "version": catalog.version, "sha256": digest, "requirements": codes},
        )
    report.loaded.append(memo)
    report.requirements += len(codes)


def load_requirements(*, directory: Path | None = None) -> LoadReport:
    """Load every `*.json` requirement file of a folder (by default the shipped catalog), in name order."""
    report = LoadReport()
    for path in sorted((directory or REQUIREMENTS_DIR).glob("*.json")):
        requirement_file_load(path, report)
    return report


def requirement_list(*, frameworks: list[str] | None = None):
    """Active requirements, optionally of some catalogs (by slug, e.g. ["m-25-21"]), in catalog order."""
    queryset = Requirement.objects.filter(is_active=True).select_related("catalog")
    if frameworks:
        queryset = queryset.filter(catalog__slug__in=frameworks)
    return queryset


def requirement_deadlines(*, frameworks: list[str] | None = None, after: dt.date | None = None) -> list[Requirement]:
    """Requirements with a dated deadline (for alerts), by their next due date as of `after`, soonest first.

    A recurring deadline (the compliance plan, the inventory) counts with its next occurrence, so a
    requirement whose first deadline has passed is still listed when it comes round again.
    """
    requirements = list(requirement_list(frameworks=frameworks).filter(deadline__isnull=False))
    if after:
        requirements = [r for r in requirements if r.next_due(after) >= after]
    today = after or dt.date.today()
    return sorted(requirements, key=lambda r: (r.next_due(today), r.code))
