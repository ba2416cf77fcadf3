"""OMB's consolidated commercial (COTS) AI use file: import and export.

The file has five columns (`Agency, AI Use Case, Agency Use (Y/N)?, Name of Commercial Product or
Service Used, Estimated # of Licenses/Users`) and keys agencies by name, spelled as each agency wrote
it ("Department of Treasury"); the name is matched against agency names and aliases and kept as written.
A row is one agency and one of OMB's common tasks; a second import of the same file changes nothing.
"""

from __future__ import annotations

import csv
import io

from django.db import transaction

from agencies.models import User
from compliance.inventory import (
    OTHER_AGENCY,
    REQUIRED,
    TOO_LONG,
    UNKNOWN_AGENCY,
    ImportResult,
    RowError,
    agency_index,
)
from compliance.models import CommercialUseCase
from core.api.csv_export import csv_cell, csv_cell_restore
from core.audit import audit_record

COTS_COLUMNS = [
    "Agency",
    "AI Use Case",
    "Agency Use (Y/N)?",
    "Name of Commercial Product or Service Used",
    "Estimated # of Licenses/Users",
]
FIELD_OF = {
    "Agency": "agency_as_written",
    "AI Use Case": "ai_use_case",
    "Agency Use (Y/N)?": "agency_use",
    "Name of Commercial Product or Service Used": "products",
    "Estimated # of Licenses/Users": "estimated_users",
}
USE_ANSWERS = {"Y", "N"}
NOT_Y_OR_N = "{value!r} is not Y or N; kept as written."
USE_WITHOUT_PRODUCT = "Agency use is Y but no product is named."
DUPLICATE_TASK = "The agency's task already appears on line {line}."


def _parse(line: int, row: dict, index, actor: User, problems: list[RowError]) -> dict | None:
    start = len(problems)
    cell = {column: csv_cell_restore((row.get(column) or "").strip()) for column in COTS_COLUMNS}
    agency = index.find(cell["Agency"])
    if not cell["Agency"]:
        problems.append(RowError(line, "Agency", REQUIRED))
    elif agency is None:
        problems.append(RowError(line, "Agency", UNKNOWN_AGENCY.format(value=cell["Agency"]), cell["Agency"]))
    elif actor.is_agency_officer and agency.pk != actor.agency_id:
        problems.append(RowError(line, "Agency", OTHER_AGENCY, cell["Agency"]))
    if not cell["AI Use Case"]:
        problems.append(RowError(line, "AI Use Case", REQUIRED))
    limits = {"Agency": 300, "Agency Use (Y/N)?": 100, "Estimated # of Licenses/Users": 100}
    for column, limit in limits.items():
        if len(cell[column]) > limit:
            problems.append(RowError(line, column, TOO_LONG.format(limit=limit), cell[column]))
    if any(problem.refused for problem in problems[start:]):
        return None
    use = cell["Agency Use (Y/N)?"]
    if use not in USE_ANSWERS:
        problems.append(RowError(line, "Agency Use (Y/N)?", NOT_Y_OR_N.format(value=use), use, False))
    elif use == "Y" and not cell["Name of Commercial Product or Service Used"]:
        problems.append(RowError(line, "Name of Commercial Product or Service Used", USE_WITHOUT_PRODUCT, "", False))
    values = {FIELD_OF[column]: value for column, value in cell.items()}
    values["agency"] = agency
    values["import_warnings"] = [str(problem) for problem in problems[start:]]
    return values


def commercial_use_case_import(*, actor: User, rows: list[tuple[int, dict]]) -> ImportResult:
    """Import OMB's COTS file: each row matched on agency and task, created, updated or left unchanged."""
    index = agency_index()
    result, parsed, seen = ImportResult(kind="cots"), [], {}
    for start, row in rows:
        before = len(result.problems)
        values = _parse(start, row, index, actor, result.problems)
        if values is not None:
            key = (values["agency"].pk, values["ai_use_case"])
            if key in seen:
                result.problems.append(RowError(start, "AI Use Case", DUPLICATE_TASK.format(line=seen[key])))
                values = None
            else:
                seen[key] = start
        if values is None:
            result.refused += 1
            continue
        result.with_warnings += len(result.problems) > before
        parsed.append(values)
    _save(actor, parsed, result)
    return result


def _save(actor: User, parsed: list[dict], result: ImportResult) -> None:
    changed: dict[int, int] = {}
    with transaction.atomic():
        existing = {
            (row.agency_id, row.ai_use_case): row
            for row in CommercialUseCase.objects.select_for_update().filter(
                agency_id__in={values["agency"].pk for values in parsed}
            )
        }
        for values in parsed:
            agency = values.pop("agency")
            row = existing.get((agency.pk, values["ai_use_case"]))
            if row is None:
                CommercialUseCase.objects.create(agency=agency, **values)
                result.created += 1
            elif any(getattr(row, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(row, name, value)
                row.save()
                result.updated += 1
            else:
                result.unchanged += 1
                continue
            changed[agency.pk] = changed.get(agency.pk, 0) + 1
        for agency_id, count in changed.items():
            audit_record(
                actor=actor,
                action="commercial_use_cases.imported",
                object_type="compliance.commercialusecase",
                agency_id=agency_id,
                after={"rows_changed": count},
            )
    from agencies.models import Agency

    result.agencies = sorted(Agency.objects.filter(pk__in=changed).values_list("abbreviation", flat=True))


def commercial_use_case_export(*, rows) -> str:
    """The COTS rows as OMB's file (a BOM, OMB's five columns), agency names as they were written."""
    out = io.StringIO(newline="")
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COTS_COLUMNS)
    for row in rows:
        writer.writerow([csv_cell(getattr(row, FIELD_OF[column]) or "") for column in COTS_COLUMNS])
    return out.getvalue()


def commercial_use_case_list(*, user: User, agency=None):
    """The COTS rows the user may see, in import order."""
    from agencies.selectors import scope_to_agency

    queryset = CommercialUseCase.objects.select_related("agency").order_by("pk")
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    return scope_to_agency(queryset, user)
