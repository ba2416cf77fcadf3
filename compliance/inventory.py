"""The AI use case inventory in OMB's 2025 CSV formats: import and export.

OMB's published files are the official record and import as they are. Two files are told apart by
their header: the individual file (OMB's snake_case columns 1-36 of Validation/data_dictionary.md in
github.com/ombegov/2025-Federal-Agency-AI-Use-Case-Inventory, UTF-8 with a BOM) and the consolidated
commercial (COTS) file (`Agency, AI Use Case, Agency Use (Y/N)?, Name of Commercial Product or Service
Used, Estimated # of Licenses/Users`, keyed by agency name, see `compliance.inventory_cots`).

What the data dictionary allows is accepted; a value outside its answer sets (a misspelt answer, free
text in a choice column) or a conditional rule not met (a justification, a vendor name) is kept as
written and listed as a warning on the use case and in the result. Only what cannot be stored
meaningfully refuses a row: an agency that matches no agency or alias, a row without a use case name,
a cell longer than its column, a key repeated in the file. The other rows import.

A multiple-choice answer written in the form's lettered wording is stored as OMB's shorthand code
(the form OMB's published files use); everything else is stored as written, dates included, so an
export gives back the same cells. Rows are matched on agency and id, or, when the id column is empty
(agencies may drop it from public files), on the use case name and bureau (`use_case_key`).
Two optional trailing columns, `onegov_offering` (an offering slug) and `onegov_deployment` (a
deployment name of the same agency), link a use case to what it runs on.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import QuerySet

from agencies.models import Agency, Deployment, User
from agencies.selectors import scope_to_agency
from agencies.services import require_agency_access
from catalog.models import Offering
from compliance.models import UseCase
from compliance.models.inventory import omb_list_format, use_case_key
from compliance.validators import CsvLimitError, csv_rows_bounded
from core.api.csv_export import csv_cell_restore, csv_lines
from core.audit import audit_record, audited_save, snapshot
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
REQUIRED_COLUMNS = ["agency", "use_case_name"]
# CSV column → model field, where the names differ.
FIELD_OF = {"id": "use_case_id", "HI_justification": "hi_justification", **RISK_FIELDS}
SKIPPED = {"agency", "agency_name", "operational_date", *LINK_COLUMNS}
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
# The date forms found in OMB's 2025 files and what each means (a month alone is read as its first day).
DATE_FORMS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y", "%m/%d/%Y %H:%M:%S", "%m/%Y", "%m/%d/%y")
# The data dictionary's "Required: Yes, for ..." rules, by development stage.
IN_USE = {"Pilot", "Deployed"}
ACTIVE = {"Pre-deployment", "Pilot", "Deployed"}
REQUIRED_FOR = {
    "agency_bureau": None,
    "is_withheld": None,
    "development_stage": None,
    "is_high_impact": None,
    "topic_area": ACTIVE,
    "classification": ACTIVE,
    "problem_solved": ACTIVE,
    "benefits": ACTIVE,
    "system_outputs": ACTIVE,
    "operational_date": IN_USE,
    "contracting_usage": IN_USE,
    "have_ato": IN_USE,
    "data_description": IN_USE,
    "has_pii": IN_USE,
    "demographic_features": IN_USE,
    "has_custom_code": IN_USE,
}

NOT_CSV = "The file is not UTF-8 CSV text."
MISSING_COLUMNS = "The header lacks the column(s) {columns}."
UNKNOWN_AGENCY = "No agency has the abbreviation, name or alias {value!r}."
OTHER_AGENCY = "You may import use cases of your own agency only."
REQUIRED = "This field is required."
REQUIRED_WHEN = "Required by OMB's data dictionary {when}, but empty."
NOT_AN_ANSWER = "{value!r} is not one of OMB's answers ({choices}); kept as written."
NOT_AN_ITEM = "{value!r} is not one of OMB's answers ({choices}); kept as written."
BAD_LIST = "Not a list as OMB writes it (['a', 'b']); kept as written."
BAD_DATE = "{value!r} is not a date in a form OMB uses; kept as written."
BAD_EMAIL = "{value!r} is not an e-mail address; kept as written."
JUSTIFICATION_MISSING = (
    "A presumed high-impact use determined not high-impact needs a justification (HI_justification)."
)
VENDOR_MISSING = "A vendor-supplied use case in pilot or deployment needs the vendor's name (vendor_name)."
ATO_SYSTEM_MISSING = "A use case with an ATO in pilot or deployment needs the system's name (system_name_ato)."
RISK_MISSING = "OMB requires this answer for a deployed high-impact use case."
DUPLICATE_KEY = "The same use case ({value}) already appears on line {line}."
UNKNOWN_OFFERING = "No offering has the slug {value!r}."
UNKNOWN_DEPLOYMENT = "The agency has no deployment named {value!r}."
TOO_LONG = "At most {limit} characters."


@dataclass(frozen=True)
class RowError:
    """One problem of one cell: a refusal (the row is not stored) or a warning (stored as written)."""

    line: int
    field: str
    message: str
    value: str = ""
    refused: bool = True

    def __str__(self) -> str:
        kind = "refused" if self.refused else "warning"
        value = f" [{self.value[:60]!r}]" if self.value else ""
        return f"line {self.line}, {self.field}{value}: {kind}: {self.message}"


class InventoryImportError(ServiceError):
    """A file refused as a whole (not CSV, or a header without the columns that identify a row)."""

    code = "invalid_inventory"

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "; ".join(str(error) for error in errors[:20])
        more = f" (and {len(errors) - 20} more)" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} problem(s): {shown}{more}")


@dataclass
class ImportResult:
    kind: str = "individual"
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    with_warnings: int = 0
    refused: int = 0
    agencies: list[str] = field(default_factory=list)
    problems: list[RowError] = field(default_factory=list)

    @property
    def warnings(self) -> list[RowError]:
        return [problem for problem in self.problems if not problem.refused]

    @property
    def refusals(self) -> list[RowError]:
        return [problem for problem in self.problems if problem.refused]


def parse_omb_date(value: str) -> dt.date | None:
    """A date in any form OMB's 2025 files use, or None."""
    for form in DATE_FORMS:
        try:
            return dt.datetime.strptime(value, form).date()
        except ValueError:
            continue
    return None


def _words(text: str) -> str:
    return " ".join(text.replace("–", "-").replace("’", "'").split()).casefold()


def _answers(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every spelling OMB uses for an answer → the stored value: the CSV's shorthand code, the form's
    lettered selection ("b) In-progress") and that selection without its letter."""
    answers = {}
    for value, label in choices.choices:
        for spelling in (label, value, *(re.sub(r"^[a-z]\)\s*", "", text) for text in (label, value))):
            answers[_words(spelling)] = value
    return answers


class AgencyIndex:
    """Finds an agency by OMB abbreviation, full name or alias, whatever the case, spacing or a missing "the"."""

    def __init__(self, agencies: list[Agency]):
        self.by_key: dict[str, Agency] = {}
        for agency in agencies:
            for spelling in (agency.abbreviation, agency.name, *agency.aliases):
                self.by_key.setdefault(self.key(spelling), agency)

    @staticmethod
    def key(text: str) -> str:
        words = [
            w for w in re.split(r"[\s.,]+", text.replace("&", "and").casefold()) if w and w not in {"the", "u", "s"}
        ]
        return " ".join(words)

    def find(self, text: str) -> Agency | None:
        return self.by_key.get(self.key(text)) if text.strip() else None


def agency_index() -> AgencyIndex:
    return AgencyIndex(list(Agency.objects.all()))


class _RowParser:
    """Turns one CSV row into model field values, collecting refusals and warnings with line, column and value."""

    def __init__(self, agencies: AgencyIndex, offerings: dict[str, Offering], deployments: dict, actor: User):
        self.agencies, self.offerings, self.deployments, self.actor = agencies, offerings, deployments, actor
        self.max_length = {f.name: f.max_length for f in UseCase._meta.concrete_fields if f.max_length}

    def parse(self, line: int, row: dict[str, str], problems: list[RowError]) -> dict | None:
        start = len(problems)
        cell = {column: csv_cell_restore((row.get(column) or "").strip()) for column in row if column}
        for legacy, column in LEGACY_RISK_COLUMNS.items():
            if legacy in cell and column not in cell:
                cell[column] = cell.pop(legacy)
        values: dict = {"agency": self._agency(line, cell.get("agency", ""), problems)}
        if not cell.get("use_case_name"):
            problems.append(RowError(line, "use_case_name", REQUIRED))
        values["agency_as_written"] = cell.get("agency", "")
        values["agency_name_as_written"] = cell.get("agency_name", "")
        for column in OMB_COLUMNS:
            if column not in SKIPPED:
                values[FIELD_OF.get(column, column)] = self._cell(line, column, cell.get(column, ""), problems)
        self._date(line, cell.get("operational_date", ""), values, problems)
        agency = values["agency"]
        values["offering"] = self._link(line, "onegov_offering", cell.get("onegov_offering", ""), agency, problems)
        values["deployment"] = self._link(
            line, "onegov_deployment", cell.get("onegov_deployment", ""), agency, problems
        )
        if any(problem.refused for problem in problems[start:]):
            return None
        self._conditional_rules(line, cell, values, problems)
        values["import_warnings"] = [str(problem) for problem in problems[start:]]
        return values

    def _agency(self, line: int, text: str, problems: list[RowError]) -> Agency | None:
        agency = self.agencies.find(text)
        if not text:
            problems.append(RowError(line, "agency", REQUIRED))
        elif agency is None:
            problems.append(RowError(line, "agency", UNKNOWN_AGENCY.format(value=text), text))
        elif self.actor.is_agency_officer and agency.pk != self.actor.agency_id:
            problems.append(RowError(line, "agency", OTHER_AGENCY, text))
        return agency

    def _cell(self, line: int, column: str, value: str, problems: list[RowError]) -> str:
        name = FIELD_OF.get(column, column)
        if value and column in CHOICE_COLUMNS:
            found = _answers(CHOICE_COLUMNS[column]).get(_words(value))
            if found is None:
                choices = ", ".join(CHOICE_COLUMNS[column].values)
                problems.append(
                    RowError(line, column, NOT_AN_ANSWER.format(value=value, choices=choices), value, False)
                )
            value = found or value
        elif value and column in LIST_COLUMNS:
            value = self._list(line, column, value, problems)
        elif value and column == "contact_email":
            try:
                validate_email(value)
            except ValidationError:
                problems.append(RowError(line, column, BAD_EMAIL.format(value=value), value, False))
        limit = self.max_length.get(name)
        if limit and len(value) > limit:
            problems.append(RowError(line, column, TOO_LONG.format(limit=limit), value))
        return value

    def _list(self, line: int, column: str, value: str, problems: list[RowError]) -> str:
        """OMB's stringified list ("['a', 'b']", "[]") or semicolon-separated items: kept as written when every
        item is OMB's own code; re-written as OMB's list when an item was given in the form's wording."""
        choices = LIST_COLUMNS[column]
        if value.startswith("["):
            try:
                items = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                items = None
            if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
                problems.append(RowError(line, column, BAD_LIST, value, False))
                return value
        else:
            items = value.split(";")
        answers, stored, unknown = _answers(choices), [], []
        for item in (item.strip() for item in items):
            found = answers.get(_words(item))
            unknown += [] if found else [item]
            stored.append(found or item)
        for item in unknown:
            message = NOT_AN_ITEM.format(value=item, choices=", ".join(choices.values))
            problems.append(RowError(line, column, message, item, False))
        canonical = [item.strip() for item in items] == stored
        return value if canonical or unknown else omb_list_format(stored)

    def _date(self, line: int, value: str, values: dict, problems: list[RowError]) -> None:
        values["operational_date_as_written"] = value
        values["operational_date"] = parse_omb_date(value) if value else None
        if value and values["operational_date"] is None:
            problems.append(RowError(line, "operational_date", BAD_DATE.format(value=value), value, False))
        if len(value) > 40:
            problems.append(RowError(line, "operational_date", TOO_LONG.format(limit=40), value))

    def _conditional_rules(self, line: int, cell: dict, values: dict, problems: list[RowError]) -> None:
        """The data dictionary's conditional rules, reported as warnings (OMB's file is the record)."""
        stage = values["development_stage"]
        for column, stages in REQUIRED_FOR.items():
            if not cell.get(column) and (stages is None or stage in stages):
                when = "for every use case" if stages is None else f"for {stage.lower()} use cases"
                problems.append(RowError(line, column, REQUIRED_WHEN.format(when=when), "", False))
        if values["is_high_impact"] == UseCase.Impact.PRESUMED_NOT and not values["hi_justification"]:
            problems.append(RowError(line, "HI_justification", JUSTIFICATION_MISSING, "", False))
        vendor_supplied = values["contracting_usage"] in (UseCase.Contracting.VENDOR, UseCase.Contracting.BOTH)
        if vendor_supplied and stage in IN_USE and not values["vendor_name"]:
            problems.append(RowError(line, "vendor_name", VENDOR_MISSING, "", False))
        if values["have_ato"] == UseCase.YesNo.YES and stage in IN_USE and not values["system_name_ato"]:
            problems.append(RowError(line, "system_name_ato", ATO_SYSTEM_MISSING, "", False))
        if values["is_high_impact"] == UseCase.Impact.HIGH_IMPACT and stage == UseCase.Stage.DEPLOYED:
            for column in RISK_COLUMNS:
                if not cell.get(column):
                    problems.append(RowError(line, column, RISK_MISSING, "", False))

    def _link(self, line: int, column: str, value: str, agency: Agency | None, problems: list[RowError]):
        if not value:
            return None
        if column == "onegov_offering":
            found, message = self.offerings.get(value), UNKNOWN_OFFERING
        else:
            found, message = self.deployments.get((agency.pk if agency else None, value)), UNKNOWN_DEPLOYMENT
        if found is None:
            problems.append(RowError(line, column, message.format(value=value), value))
        return found


def _rows(data: bytes | str) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header and the (line, row) pairs, read within the import limits (size, rows, cell length, NUL)."""
    try:
        header, rows = csv_rows_bounded(
            data,
            max_bytes=settings.USE_CASE_IMPORT_MAX_BYTES,
            max_rows=settings.USE_CASE_IMPORT_MAX_ROWS,
            max_cell_chars=settings.USE_CASE_IMPORT_MAX_CELL_CHARS,
        )
    except CsvLimitError as error:
        raise InventoryImportError([RowError(1, "file", str(error))]) from None
    return [column.strip() for column in header], rows


def use_case_import(*, actor: User, data: bytes | str) -> ImportResult:
    """Import one of OMB's inventory files (told apart by the header), row by row.

    1. Read the header: the COTS file goes to `commercial_use_case_import`; the individual file needs
       the columns that identify a row (agency, use_case_name).
    2. Parse every row, collecting refusals and warnings with the line (as an editor counts it), column and value.
    3. In one transaction, create, update or leave unchanged each row that was not refused (matched on the
       agency and the id, or name and bureau when there is no id), with its warnings; audit what changed.
    """
    if not (actor.is_gsa_officer or actor.is_agency_officer):
        raise PermissionRefused(OTHER_AGENCY)
    header, rows = _rows(data)
    from compliance.inventory_cots import COTS_COLUMNS, commercial_use_case_import

    if set(COTS_COLUMNS) <= set(header):
        return commercial_use_case_import(actor=actor, rows=rows)
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise InventoryImportError([RowError(1, c, MISSING_COLUMNS.format(columns=c)) for c in missing])
    parser = _RowParser(
        agency_index(),
        {o.slug: o for o in Offering.objects.all()},
        {(d.agency_id, d.name): d for d in Deployment.objects.all()},
        actor,
    )
    result, parsed, seen = ImportResult(), [], {}
    for start, row in rows:
        before = len(result.problems)
        values = parser.parse(start, row, result.problems)
        if values is not None:
            key = (
                values["agency"].pk,
                use_case_key(values["use_case_id"], values["use_case_name"], values["agency_bureau"]),
            )
            if key in seen:
                shown = values["use_case_id"] or values["use_case_name"][:60]
                result.problems.append(RowError(start, "id", DUPLICATE_KEY.format(value=shown, line=seen[key]), shown))
                values = None
            else:
                seen[key] = start
        if values is None:
            result.refused += 1
            continue
        result.with_warnings += len(result.problems) > before
        parsed.append(values)
    _save_rows(actor, parsed, result)
    return result


def _differs(existing: UseCase, values: dict) -> bool:
    for name, value in values.items():
        if name in ("offering", "deployment"):
            if getattr(existing, f"{name}_id") != (value.pk if value else None):
                return True
        elif getattr(existing, name) != value:
            return True
    return False


def _audit_row(actor: User, use_case: UseCase, before: dict | None) -> None:
    """One event per imported row, with the fields that changed (all of them for a new row)."""
    after = snapshot(use_case)
    if before is not None:
        changed = sorted(name for name in after if after[name] != before.get(name) and name != "updated_at")
        before = {name: before.get(name) for name in changed}
        after = {name: after[name] for name in changed}
    action = "use_case.import_created" if before is None else "use_case.import_updated"
    audit_record(actor=actor, action=action, obj=use_case, before=before, after=after)


def _save_rows(actor: User, parsed: list[dict], result: ImportResult) -> None:
    by_agency: dict[int, list[str]] = {}
    with transaction.atomic():
        agency_ids = {values["agency"].pk for values in parsed}
        existing_rows = {
            (uc.agency_id, uc.import_key): uc
            for uc in UseCase.objects.select_for_update().filter(agency_id__in=agency_ids)
        }
        for values in parsed:
            agency = values.pop("agency")
            key = use_case_key(values["use_case_id"], values["use_case_name"], values["agency_bureau"])
            existing = existing_rows.get((agency.pk, key))
            if existing is None:
                created = UseCase.objects.create(agency=agency, import_key=key, **values)
                _audit_row(actor, created, None)
                result.created += 1
            elif _differs(existing, values):
                before = snapshot(existing)
                for name, value in values.items():
                    setattr(existing, name, value)
                existing.save()
                _audit_row(actor, existing, before)
                result.updated += 1
            else:
                result.unchanged += 1
                continue
            by_agency.setdefault(agency.pk, []).append(values["use_case_id"] or key)
        for agency_id, keys in by_agency.items():
            audit_record(
                actor=actor,
                action="use_cases.imported",
                object_type="compliance.usecase",
                agency_id=agency_id,
                after={"use_cases": keys},
            )
    result.agencies = sorted(a.abbreviation for a in Agency.objects.filter(pk__in=by_agency))


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
    if not use_case.import_key:
        # The key a later import of OMB's file matches this use case on (the model's own rule, set before
        # validation, which requires it).
        use_case.import_key = use_case_key(use_case.use_case_id, use_case.use_case_name, use_case.agency_bureau)
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
            value = use_case.agency_as_written or use_case.agency.abbreviation
        elif column == "agency_name":
            value = use_case.agency_name_as_written or use_case.agency.name
        elif column == "operational_date":
            written, day = use_case.operational_date_as_written, use_case.operational_date
            value = written or (day.isoformat() if day else "")
        elif column == "onegov_offering":
            value = use_case.offering.slug if use_case.offering else ""
        elif column == "onegov_deployment":
            value = use_case.deployment.name if use_case.deployment else ""
        else:
            value = getattr(use_case, FIELD_OF.get(column, column))
        cells.append(value or "")
    return cells


def use_case_export(*, use_cases, include_links: bool = False) -> str:
    """The use cases as OMB's CSV: a BOM, then the snake_case header and one row per use case, cells as
    imported (dates in the form they came in, `[]` lists kept). A cell a spreadsheet would run as a formula
    gets a leading apostrophe, which the import removes again."""
    columns = OMB_COLUMNS + (LINK_COLUMNS if include_links else [])
    rows = (dict(zip(columns, _cells(use_case, columns), strict=True)) for use_case in use_cases)
    return "\ufeff" + "".join(csv_lines(rows, columns, quote_all=False))
