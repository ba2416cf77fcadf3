"""OMB's own 2025 files import as OMB published them (M-25-21 §3(b)(v) inventory; OMB's data dictionary).

The fixtures are built from the real shapes of ombegov/2025-Federal-Agency-AI-Use-Case-Inventory
(Data/2025_individually_reported_AI_use_cases, Data/2025_consolidated_COTS_AI_use_cases and
Validation/data_dictionary.md): every date form OMB's file uses, a row without an id, free text in the
link columns, `[]` lists, empty stage and impact cells, an "Other" classification, a topic OMB never
standardized, a misspelt answer, and a COTS file keyed by inconsistently spelled agency names.
"""

import csv
import datetime as dt
import io
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from agencies.seeding import seed_onegov
from compliance.inventory import use_case_export, use_case_import
from compliance.inventory_cots import commercial_use_case_export
from compliance.models import CommercialUseCase, UseCase
from core.models import AuditEvent
from tests.factories import agency_officer, gsa_officer

FIXTURES = Path(__file__).parent / "fixtures"
INDIVIDUAL = FIXTURES / "omb_2025_individual_published.csv"
COTS = FIXTURES / "omb_2025_cots_published.csv"


def cells(data: bytes | str) -> list[list[str]]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text, newline="")))


def run(path: Path, username: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_use_cases", str(path), "--as", username, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue() + str(exc), 1
    return out.getvalue(), err.getvalue(), 0


class OmbPublishedFilesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_onegov()
        cls.gsa = gsa_officer(username="gsa-importer")

    def test_m21_13_3bv_the_individual_file_imports_every_row_with_warnings_not_refusals(self):
        out, err, code = run(INDIVIDUAL, "gsa-importer")

        self.assertEqual(code, 0, err)
        self.assertIn("7 imported, 0 updated, 0 unchanged", out)
        self.assertIn("0 refused", out)
        self.assertEqual(UseCase.objects.count(), 7)
        self.assertIn("line 4, classification ['Other']: warning", out)
        self.assertIn("Mission-Enabling", out)
        self.assertIn("line 7, hi_testing_conducted ['In progress']: warning", out)
        self.assertIn("HI_justification", out)
        self.assertIn("vendor_name", out)

    def test_m21_13_3bv_cells_are_stored_as_omb_wrote_them(self):
        use_case_import(actor=self.gsa, data=INDIVIDUAL.read_bytes())

        no_id = UseCase.objects.get(use_case_name="Appointment no-show prediction")
        state = UseCase.objects.get(use_case_id="STATE-0042")
        self.assertEqual((no_id.use_case_id, no_id.operational_date_as_written), ("", "01/2024"))
        self.assertEqual(no_id.operational_date, dt.date(2024, 1, 1))
        self.assertEqual((no_id.link_to_data, no_id.pia_url, no_id.demographic_features), ("No", "Not available", "[]"))
        self.assertEqual(state.agency.abbreviation, "STATE")
        self.assertEqual(state.operational_date, dt.date(2025, 3, 15))
        self.assertEqual(UseCase.objects.get(use_case_id="VA-2025-0101").operational_date, dt.date(2024, 10, 1))
        treasury = UseCase.objects.get(use_case_id="TREAS-17")
        self.assertEqual((treasury.development_stage, treasury.is_high_impact), ("", ""))
        self.assertTrue(any("Mission-Enabling" in warning for warning in treasury.import_warnings))

    def test_m21_13_3bv_a_second_import_changes_nothing(self):
        run(INDIVIDUAL, "gsa-importer")
        events = AuditEvent.objects.count()
        stamps = list(UseCase.objects.order_by("pk").values_list("updated_at", flat=True))

        out, err, code = run(INDIVIDUAL, "gsa-importer")

        self.assertEqual(code, 0, err)
        self.assertIn("0 imported, 0 updated, 7 unchanged", out)
        self.assertEqual(UseCase.objects.count(), 7)
        self.assertEqual(list(UseCase.objects.order_by("pk").values_list("updated_at", flat=True)), stamps)
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_m21_13_3bv_the_export_reproduces_the_cells(self):
        use_case_import(actor=self.gsa, data=INDIVIDUAL.read_bytes())

        exported = use_case_export(use_cases=UseCase.objects.order_by("pk"))

        self.assertEqual(cells(exported), cells(INDIVIDUAL.read_bytes()))

    def test_m21_13_3bv_the_export_command_writes_the_same_cells(self):
        use_case_import(actor=self.gsa, data=INDIVIDUAL.read_bytes())
        target = Path(self.enterContext(__import__("tempfile").TemporaryDirectory())) / "out.csv"

        call_command("export_use_cases", "--as", "gsa-importer", "--out", str(target), stdout=io.StringIO())

        self.assertEqual(cells(target.read_bytes()), cells(INDIVIDUAL.read_bytes()))

    def test_the_cots_file_matches_agency_name_variants_and_round_trips(self):
        out, err, code = run(COTS, "gsa-importer")

        self.assertEqual(code, 0, err)
        self.assertIn("Commercial (COTS) use: 8 imported", out)
        treasury = CommercialUseCase.objects.filter(agency__abbreviation="TREAS")
        self.assertEqual(
            sorted(treasury.values_list("agency_as_written", flat=True)),
            ["Department of Treasury", "Department of the Treasury"],
        )
        self.assertEqual(CommercialUseCase.objects.get(agency__abbreviation="STATE").estimated_users, "10,000-50,000")
        self.assertIn("0 imported, 0 updated, 8 unchanged", run(COTS, "gsa-importer")[0])
        exported = commercial_use_case_export(rows=CommercialUseCase.objects.order_by("pk"))
        self.assertEqual(cells(exported), cells(COTS.read_text("utf-8")))

    def test_a_row_of_an_unknown_agency_is_refused_with_line_column_and_value_and_the_rest_imports(self):
        text = INDIVIDUAL.read_text("utf-8-sig").replace("\nDOJ,", "\nXYZ,", 1)
        path = Path(self.enterContext(__import__("tempfile").TemporaryDirectory())) / "bad.csv"
        path.write_text(text, "utf-8")

        out, err, code = run(path, "gsa-importer")

        self.assertEqual(code, 1)
        self.assertIn("line 6, agency ['XYZ']: refused: No agency has the abbreviation, name or alias 'XYZ'.", err)
        self.assertIn("6 imported", err)
        self.assertIn("1 refused", err)
        self.assertEqual(UseCase.objects.count(), 6)

    def test_a_row_without_a_use_case_name_is_refused(self):
        text = INDIVIDUAL.read_text("utf-8-sig").replace("Tip line triage", "", 1)
        path = Path(self.enterContext(__import__("tempfile").TemporaryDirectory())) / "bad.csv"
        path.write_text(text, "utf-8")

        out, err, code = run(path, "gsa-importer")

        self.assertEqual(code, 1)
        self.assertIn("line 6, use_case_name: refused: This field is required.", err)

    def test_an_agency_officer_imports_only_their_agencys_rows(self):
        agency_officer(UseCase._meta.get_field("agency").related_model.objects.get(abbreviation="VA"), username="va")

        out, err, code = run(INDIVIDUAL, "va")

        self.assertEqual(code, 1)
        self.assertIn("2 imported", err)
        self.assertIn("5 refused", err)
        self.assertEqual(set(UseCase.objects.values_list("agency__abbreviation", flat=True)), {"VA"})

    def test_exported_free_text_is_safe_against_spreadsheet_formulas_and_reads_back(self):
        text = INDIVIDUAL.read_text("utf-8-sig").replace("Tip line triage", '=HYPERLINK("http://x")', 1)

        use_case_import(actor=self.gsa, data=text)
        exported = use_case_export(use_cases=UseCase.objects.order_by("pk"))
        row = next(r for r in cells(exported) if r[2] == "DOJ-0009")
        use_case_import(actor=self.gsa, data=exported)

        self.assertEqual(row[3], '\'=HYPERLINK("http://x")')
        self.assertEqual(UseCase.objects.get(use_case_id="DOJ-0009").use_case_name, '=HYPERLINK("http://x")')

    def test_a_deployed_high_impact_row_without_practice_answers_is_flagged(self):
        text = INDIVIDUAL.read_text("utf-8-sig").replace("Internal Independent Review", "", 1)

        result = use_case_import(actor=self.gsa, data=text)

        flagged = [w for w in result.warnings if w.field == "hi_independent_review"]
        self.assertEqual([w.line for w in flagged], [2])
