"""The AI use case inventory in OMB's 2025 CSV format: import (all rows or none) and export.

Columns are OMB's snake_case names, as OMB's data dictionary of the 2025 consolidated inventory gives
them (github.com/ombegov/2025-Federal-Agency-AI-Use-Case-Inventory, Validation/data_dictionary.md,
columns 1-36; UTF-8 with a BOM). The nine risk-management columns are `hi_*`; the names this module
wrote before (`pre_deployment_testing` ... `public_consultation`) are still read on import.
Multiple-choice cells take OMB's answer sets (`CHOICE_COLUMNS`, `LIST_COLUMNS`; see the choices on `UseCase`),
in the CSV's shorthand code or the form's lettered wording, and are written back as the code.
Two optional trailing columns, `onegov_offering` (an offering slug) and `onegov_deployment`
(a deployment name of the same agency), link a use case to what it runs on.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import QuerySet

from agencies.models import Agency, Deployment, User
from agencies.selectors import scope_to_agency
from agencies.services import require_agency_access
from catalog.models import Offering
from compliance.models import UseCase
from compliance.models.inventory import omb_list_format
from core.audit import audit_record, audited_save
from core.errors import PermissionRefused, ServiceError

BASE_COLUMNS = [
    "agency", "agency_name", "id", "use_case_name", "agency_bureau", "contact_email", "is_withheld",
    "development_stage", "is_high_impact", "HI_justification", "topic_area", "classification", "problem_solved",
    "benefits", "system_outputs", "operational_date", "contracting_usage", "vendor_name", "have_ato",
    "system_name_ato", "data_description", "link_to_data", "has_pii", "pia_url", "demographic_features",
    "has_custom_code", "code_url",
]  # fmt: skip
# OMB's risk-management column → the UseCase field (the M-25-21 practice it documents).
RISK_FIELDS = {
    "hi_testing_conducted": "pre_deployment_testing",
    "hi_assessment_completed": "impact_assessment",
    "hi_potential_impacts": "potential_impacts",
    "hi_independent_review": "independent_review",
    "hi_ongoing_monitoring": "ongoing_monitoring",
    "hi_training_established": "operator_training",
    "hi_failsafe_presence": "fail_safe",
    "hi_appeal_process": "appeal_process",
    "hi_public_consultation": "public_consultation",
}
RISK_COLUMNS = list(RISK_FIELDS)
# The risk column names the registry used before it followed OMB's data dictionary, still accepted on import.
LEGACY_RISK_COLUMNS = {field: column for column, field in RISK_FIELDS.items()}
LINK_COLUMNS = ["onegov_offering", "onegov_deployment"]
OMB_COLUMNS = BASE_COLUMNS + RISK_COLUMNS
REQUIRED_COLUMNS = ["agency", "id", "use_case_name", "development_stage", "is_high_impact"]
# CSV column → model field, where the names differ.
FIELD_OF = {"id": "use_case_id", "HI_justification": "hi_justification", **RISK_FIELDS}
SKIPPED = {"agency", "agency_name", *LINK_COLUMNS}
# Each multiple-choice column and its answer set (values as OMB's CSV writes them, labels as OMB's form words them).
CHOICE_COLUMNS: dict[str, type[models.TextChoices]] = {
    "is_withheld": UseCase.Withheld,
    "development_stage": UseCase.Stage,
    "is_high_impact": UseCase.Impact,
    "topic_area": UseCase.Topic,
    "classification": UseCase.Classification,
    "contracting_usage": UseCase.Contracting,
    "have_ato": UseCase.YesNo,
    "has_pii": UseCase.YesNo,
    "has_custom_code": UseCase.YesNo,
    "hi_testing_conducted": UseCase.Practice,
    "hi_assessment_completed": UseCase.Practice,
    "hi_independent_review": UseCase.Review,
    "hi_ongoing_monitoring": UseCase.Monitoring,
    "hi_training_established": UseCase.Training,
    "hi_failsafe_presence": UseCase.FailSafe,
    "hi_appeal_process": UseCase.Appeal,
}
# OMB's two select-multiple columns, stored as OMB's stringified Python list.
LIST_COLUMNS: dict[str, type[models.TextChoices]] = {
    "demographic_features": UseCase.Demographic,
    "hi_public_consultation": UseCase.Consultation,
}
URL_COLUMNS = {"link_to_data", "pia_url", "code_url"}
# What OMB's standardized files write in a link column when there is no link (data_standardization_report.md).
NO_LINK = {"N/A", "None"}

NOT_CSV = "The file is not UTF-8 CSV text."
MISSING_COLUMNS = "The header lacks the column(s) {columns}."
UNKNOWN_AGENCY = "No agency has the abbreviation {value!r}."
OTHER_AGENCY = "You may import use cases of your own agency only."
REQUIRED = "This field is required."
CHOOSE = "Use one of: {choices}."
CHOOSE_ITEM = "{value!r} is not one of: {choices}."
BAD_LIST = "Give a list as OMB writes it, e.g. ['{example}'] (or items separated by semicolons)."
BAD_DATE = "Give a date as YYYY-MM-DD or M/D/YYYY."
BAD_EMAIL = "Give a valid e-mail address."
BAD_URL = "Give an http:// or https:// address (or N/A)."
DUPLICATE_ID = "The id {value!r} already appears on line {line}."
UNKNOWN_OFFERING = "No offering has the slug {value!r}."
UNKNOWN_DEPLOYMENT = "The agency has no deployment named {value!r}."
TOO_LONG = "At most {limit} characters."


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


class InventoryImportError(ServiceError):
    """An import refused as a whole, with every bad row's line and field."""

    code = "invalid_inventory"

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "; ".join(str(error) for error in errors[:20])
        more = f" (and {len(errors) - 20} more)" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} problem(s): {shown}{more}")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    agencies: list[str] = field(default_factory=list)


def _parse_date(value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(BAD_DATE)


class _RowParser:
    """Turns one CSV row into model field values, collecting RowErrors instead of stopping at the first."""

    def __init__(self, agencies: dict[str, Agency], offerings: dict[str, Offering], deployments: dict, actor: User):
        self.agencies, self.offerings, self.deployments, self.actor = agencies, offerings, deployments, actor
        self.max_length = {f.name: f.max_length for f in UseCase._meta.concrete_fields if f.max_length}

    def parse(self, line: int, row: dict[str, str], errors: list[RowError]) -> dict | None:
        start = len(errors)
        values: dict = {}
        cell = {column: (row.get(column) or "").strip() for column in row if column}
        for legacy, column in LEGACY_RISK_COLUMNS.items():
            if legacy in cell and column not in cell:
                cell[column] = cell.pop(legacy)
        agency = self.agencies.get(cell.get("agency", ""))
        if not cell.get("agency"):
            errors.append(RowError(line, "agency", REQUIRED))
        elif agency is None:
            errors.append(RowError(line, "agency", UNKNOWN_AGENCY.format(value=cell["agency"])))
        elif self.actor.is_agency_officer and agency.pk != self.actor.agency_id:
            errors.append(RowError(line, "agency", OTHER_AGENCY))
        values["agency"] = agency
        for column in OMB_COLUMNS:
            if column not in SKIPPED:
                self._cell(line, column, cell.get(column, ""), values, errors)
        values["offering"] = self._link(line, "onegov_offering", cell.get("onegov_offering", ""), agency, errors)
        values["deployment"] = self._link(line, "onegov_deployment", cell.get("onegov_deployment", ""), agency, errors)
        return values if len(errors) == start else None

    def _cell(self, line: int, column: str, value: str, values: dict, errors: list[RowError]) -> None:
        name = FIELD_OF.get(column, column)
        try:
            values[name] = self._convert(column, name, value)
        except ValueError as exc:
            errors.append(RowError(line, column, str(exc)))

    def _convert(self, column: str, name: str, value: str):
        if column in REQUIRED_COLUMNS and not value:
            raise ValueError(REQUIRED)
        if not value:
            return None if column == "operational_date" else ""
        if column in CHOICE_COLUMNS:
            return _choice(value, CHOICE_COLUMNS[column])
        if column in LIST_COLUMNS:
            return _choice_list(value, LIST_COLUMNS[column])
        if column == "operational_date":
            return _parse_date(value)
        if column == "contact_email":
            try:
                validate_email(value)
            except ValidationError:
                raise ValueError(BAD_EMAIL) from None
        if column in URL_COLUMNS and value not in NO_LINK and not value.lower().startswith(("http://", "https://")):
            raise ValueError(BAD_URL)
        limit = self.max_length.get(name)
        if limit and len(value) > limit:
            raise ValueError(TOO_LONG.format(limit=limit))
        return value

    def _link(self, line: int, column: str, value: str, agency: Agency | None, errors: list[RowError]):
        if not value:
            return None
        if column == "onegov_offering":
            found = self.offerings.get(value)
            message = UNKNOWN_OFFERING
        else:
            found = self.deployments.get((agency.pk if agency else None, value))
            message = UNKNOWN_DEPLOYMENT
        if found is None:
            errors.append(RowError(line, column, message.format(value=value)))
        return found


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def _answers(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every spelling OMB uses for an answer → the stored value: the CSV's shorthand code, the form's
    lettered selection ("b) In-progress") and that selection without its letter."""
    answers = {}
    for value, label in choices.choices:
        for spelling in (label, value, *(re.sub(r"^[a-z]\)\s*", "", text) for text in (label, value))):
            answers[_words(spelling)] = value
    return answers


def _choice(value: str, choices: type[models.TextChoices]) -> str:
    found = _answers(choices).get(_words(value))
    if found is None:
        raise ValueError(CHOOSE.format(choices=", ".join(choices.values)))
    return found


def _choice_list(value: str, choices: type[models.TextChoices]) -> str:
    """OMB's stringified list ("['a', 'b']"), a JSON list, or items separated by semicolons → OMB's form."""
    if value.startswith("["):
        try:
            items = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            items = None
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise ValueError(BAD_LIST.format(example=choices.values[0]))
    else:
        items = value.split(";")
    answers = _answers(choices)
    stored = []
    for item in (item.strip() for item in items):
        if _words(item) not in answers:
            raise ValueError(CHOOSE_ITEM.format(value=item, choices=", ".join(choices.values)))
        stored.append(answers[_words(item)])
    return omb_list_format(stored)


def _rows(data: bytes | str) -> tuple[csv.DictReader, io.StringIO]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InventoryImportError([RowError(1, "file", NOT_CSV)]) from None
    text = io.StringIO(data.removeprefix("\ufeff"), newline="")
    return csv.DictReader(text), text


def use_case_import(*, actor: User, data: bytes | str) -> ImportResult:
    """Import an inventory CSV: every row is checked first; any bad row refuses the whole file.

    1. Read the header and check the required columns are there.
    2. Parse every row, collecting each problem with its line (as an editor counts it) and column.
    3. Only when nothing is wrong, create or update all rows (keyed on agency and id) in one transaction.
    """
    if not (actor.is_gsa_officer or actor.is_agency_officer):
        raise PermissionRefused(OTHER_AGENCY)
    reader, _ = _rows(data)
    header = reader.fieldnames or []
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise InventoryImportError([RowError(1, c, MISSING_COLUMNS.format(columns=c)) for c in missing])
    parser = _RowParser(
        {a.abbreviation: a for a in Agency.objects.all()},
        {o.slug: o for o in Offering.objects.all()},
        {(d.agency_id, d.name): d for d in Deployment.objects.all()},
        actor,
    )
    parsed, errors, seen = [], [], {}
    line = 1
    for row in reader:
        start, line = line + 1, reader.line_num
        values = parser.parse(start, row, errors)
        key = (row.get("agency", "").strip(), row.get("id", "").strip())
        if key in seen:
            errors.append(RowError(start, "id", DUPLICATE_ID.format(value=key[1], line=seen[key])))
        seen.setdefault(key, start)
        if values is not None:
            parsed.append(values)
    if errors:
        raise InventoryImportError(errors)
    return _save_rows(actor, parsed)


def _save_rows(actor: User, parsed: list[dict]) -> ImportResult:
    result = ImportResult()
    by_agency: dict[int, list[str]] = {}
    with transaction.atomic():
        for values in parsed:
            agency = values.pop("agency")
            use_case_id = values.pop("use_case_id")
            _, created = UseCase.objects.update_or_create(agency=agency, use_case_id=use_case_id, defaults=values)
            result.created += created
            result.updated += not created
            by_agency.setdefault(agency.pk, []).append(use_case_id)
        for agency_id, ids in by_agency.items():
            audit_record(
                actor=actor,
                action="use_cases.imported",
                object_type="compliance.usecase",
                agency_id=agency_id,
                after={"use_case_ids": ids},
            )
    result.agencies = sorted(a.abbreviation for a in Agency.objects.filter(pk__in=by_agency))
    return result


@dataclass(frozen=True)
class InventoryColumn:
    name: str
    required: bool
    meaning: str
    answers: list[str]


COLUMN_MEANINGS = {
    "agency": "The agency's abbreviation in the registry, e.g. DOE.",
    "agency_name": "The agency's name (read for information; the abbreviation decides).",
    "onegov_offering": "Optional: the slug of the OneGov offering the use case runs on.",
    "onegov_deployment": "Optional: the name of the agency's registered deployment it runs on.",
    "operational_date": "A date, YYYY-MM-DD.",
}


def inventory_columns() -> list[InventoryColumn]:
    """The import file's columns, in order: whether each is required, what it holds and its answer set."""
    columns = []
    for name in OMB_COLUMNS + LINK_COLUMNS:
        field_name = FIELD_OF.get(name, name)
        try:
            field = UseCase._meta.get_field(field_name)
        except FieldDoesNotExist:  # agency_name and the link columns are not fields of their own
            field = None
        meaning = COLUMN_MEANINGS.get(name) or (str(field.verbose_name).capitalize() + "." if field else "")
        choices = CHOICE_COLUMNS.get(name) or LIST_COLUMNS.get(name)
        answers = [value for value, _ in choices.choices] if choices else []
        if name in LIST_COLUMNS:
            meaning += " A list of answers, e.g. ['Other']."
        columns.append(InventoryColumn(name, name in REQUIRED_COLUMNS, meaning, answers))
    return columns


def use_case_save(*, actor: User, use_case: UseCase) -> UseCase:
    """Create or edit one use case (the portal's form), for GSA or an officer of the use case's agency.

    The answers are OMB's own strings (the model's choices); the model's clean() and constraints hold the rules,
    audited_save records the before and after.
    """
    if not (actor.is_gsa_officer or actor.is_agency_officer):
        raise PermissionRefused(OTHER_AGENCY)
    if use_case.pk is not None:
        stored = UseCase.objects.filter(pk=use_case.pk).values_list("agency_id", flat=True).first()
        require_agency_access(actor, stored)
    require_agency_access(actor, use_case.agency_id)
    return audited_save(actor=actor, instance=use_case)


def use_case_list(*, user: User, agency: Agency | None = None) -> QuerySet[UseCase]:
    queryset = UseCase.objects.select_related("agency", "offering", "deployment")
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    return scope_to_agency(queryset, user)


def _cells(use_case: UseCase, columns: list[str]) -> list[str]:
    cells = []
    for column in columns:
        if column == "agency":
            value = use_case.agency.abbreviation
        elif column == "agency_name":
            value = use_case.agency.name
        elif column == "onegov_offering":
            value = use_case.offering.slug if use_case.offering else ""
        elif column == "onegov_deployment":
            value = use_case.deployment.name if use_case.deployment else ""
        else:
            value = getattr(use_case, FIELD_OF.get(column, column))
        cells.append(value.isoformat() if isinstance(value, dt.date) else (value or ""))
    return cells


def use_case_export(*, use_cases, include_links: bool = False) -> str:
    """The use cases as OMB's CSV (a BOM, then the snake_case header and one row per use case)."""
    columns = OMB_COLUMNS + (LINK_COLUMNS if include_links else [])
    out = io.StringIO(newline="")
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for use_case in use_cases:
        writer.writerow(_cells(use_case, columns))
    return out.getvalue()
