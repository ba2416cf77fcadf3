"""OMB's 2025 answer sets: a file written with OMB's own values imports, round-trips and drives the checks.

The fixture uses the values of OMB's data dictionary (ombegov/2025-Federal-Agency-AI-Use-Case-Inventory,
Validation/data_dictionary.md): the CSV's shorthand codes and stringified lists.
"""

import csv
import datetime as dt
import io
from pathlib import Path

from django.test import TestCase

from compliance.assessment import agency_assess
from compliance.inventory import CHOICE_COLUMNS, FIELD_OF, use_case_export, use_case_import
from compliance.models import UseCase
from compliance.requirements import load_requirements
from tests.factories import AgencyFactory, gsa_officer

FIXTURE = Path(__file__).parent / "fixtures" / "omb_inventory_2025.csv"
PRACTICE_CODES = ["M21-21", "M21-22", "M21-23", "M21-24", "M21-25", "M21-26", "M21-27"]


def rows_of(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def with_cell(line_index: int, column: str, value: str, data: bytes | None = None) -> bytes:
    """The fixture (or data) with one cell of one data row replaced."""
    rows = rows_of(data or FIXTURE.read_bytes())
    rows[line_index][column] = value
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


class OmbFileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.doe = AgencyFactory(abbreviation="DOE", name="Department of Energy")
        cls.gsa = gsa_officer()

    def test_an_omb_format_file_imports_every_row(self):
        result = use_case_import(actor=self.gsa, data=FIXTURE.read_bytes())

        self.assertEqual(result.created, 6)
        waived = UseCase.objects.get(use_case_id="DOE-103")
        self.assertEqual((waived.independent_review, waived.public_consultation), ("CAIO Waived", "['CAIO Waived']"))
        first = UseCase.objects.get(use_case_id="DOE-101")
        self.assertEqual(first.demographic_feature_list, ["b) Sex", "c) Age"])
        self.assertEqual(first.public_consultation_list, ["Public Feedback Solicitations", "Usability Testing"])
        self.assertEqual(
            first.get_appeal_process_display(),
            (
                "d) Law, operational limitations, or governmentwide guidance precludes an opportunity for an "
                "individual to appeal"
            ),
        )

    def test_an_export_of_an_omb_file_gives_back_the_same_bytes(self):
        source = FIXTURE.read_bytes()
        use_case_import(actor=self.gsa, data=source)

        exported = use_case_export(use_cases=UseCase.objects.order_by("use_case_id")).encode("utf-8")

        self.assertEqual(rows_of(exported), rows_of(source))
        self.assertEqual(exported, source)

    def test_omb_long_answers_and_semicolon_lists_are_stored_as_the_csv_codes(self):
        data = with_cell(
            1, "hi_training_established", "b) Establishment of sufficient and periodic training is in-progress"
        )
        data = with_cell(
            1,
            "hi_independent_review",
            data=data,
            value="b) Yes – by an agency AI oversight board not directly involved in the AI’s development",
        )
        data = with_cell(1, "hi_public_consultation", data=data, value="a) Direct usability testing; d) Other")
        data = with_cell(1, "demographic_features", data=data, value='["Race/Ethnicity", "Income"]')

        use_case_import(actor=self.gsa, data=data)

        use_case = UseCase.objects.get(use_case_id="DOE-102")
        self.assertEqual(use_case.operator_training, "Training In-progress")
        self.assertEqual(use_case.independent_review, "Oversight Board Review")
        self.assertEqual(use_case.public_consultation, "['Usability Testing', 'Other']")
        self.assertEqual(use_case.demographic_features, "['a) Race/Ethnicity', 'i) Income']")

    def test_every_answer_omb_allows_round_trips(self):
        for column, choices in CHOICE_COLUMNS.items():
            for value in choices.values:
                with self.subTest(column=column, value=value):
                    UseCase.objects.all().delete()
                    use_case_import(actor=self.gsa, data=with_cell(0, column, value))
                    exported = use_case_export(use_cases=UseCase.objects.filter(use_case_id="DOE-101"))
                    self.assertEqual(rows_of(exported.encode("utf-8"))[0][column], value)

    def test_values_omb_does_not_allow_are_kept_as_written_and_reported_with_line_and_field(self):
        # Data rows start on line 2; no cell of the fixture holds a line break.
        cases = [
            (0, "hi_independent_review", "Yes"),
            (1, "hi_ongoing_monitoring", "No"),
            (2, "hi_public_consultation", "['Usability Testing', 'Town hall']"),
            (3, "demographic_features", "['b) Sex'"),
            (4, "topic_area", "Other – Economic & Financial"),
            (5, "is_withheld", "Maybe"),
        ]
        for index, column, value in cases:
            with self.subTest(column=column, value=value):
                result = use_case_import(actor=self.gsa, data=with_cell(index, column, value))
                self.assertIn((index + 2, column), [(e.line, e.field) for e in result.warnings])
                self.assertEqual(result.refused, 0)
                row = rows_of(with_cell(index, column, value))[index]
                stored = UseCase.objects.get(use_case_id=row["id"])
                self.assertEqual(getattr(stored, FIELD_OF.get(column, column)), value)


class OmbAnswersDrivePracticeChecksTests(TestCase):
    """DOE-101 has done (or need not do) every practice, DOE-102 has them in progress, DOE-103 waived them."""

    @classmethod
    def setUpTestData(cls):
        load_requirements()
        cls.doe = AgencyFactory(
            abbreviation="DOE",
            name="Department of Energy",
            caio_name="Grace Hopper",
            caio_designated_on=dt.date(2025, 5, 1),
        )
        use_case_import(actor=gsa_officer(), data=FIXTURE.read_bytes())

    def statuses(self, agency, code):
        found = next(r for r in agency_assess(agency=agency).results if r.requirement.code == code)
        return {subject.label: subject.status for subject in found.subjects}

    def test_each_practice_is_met_in_progress_or_waived_as_the_answers_say(self):
        expected = {"DOE-101": "met", "DOE-102": "partially_met", "DOE-103": "waived"}
        for code in PRACTICE_CODES:
            with self.subTest(code=code):
                statuses = self.statuses(self.doe, code)
                if code in ("M21-25", "M21-26"):  # "Not Applicable" / "Appeal Precluded by Law" for DOE-101
                    self.assertEqual(statuses, expected | {"DOE-101": "not_applicable"})
                else:
                    self.assertEqual(statuses, expected)

    def test_an_assessment_done_with_its_review_in_progress_is_partially_met(self):
        use_case = UseCase.objects.get(use_case_id="DOE-102")
        self.assertEqual((use_case.impact_assessment, use_case.independent_review), ("Yes", "In-progress"))
        self.assertEqual(self.statuses(self.doe, "M21-22")["DOE-102"], "partially_met")

    def test_a_caio_waiver_names_the_chief_ai_officer(self):
        found = next(r for r in agency_assess(agency=self.doe).results if r.requirement.code == "M21-24")
        waived = next(s for s in found.subjects if s.label == "DOE-103")
        self.assertIn("Grace Hopper", waived.detail)
        self.assertTrue(waived.automatic)

    def test_a_caio_waiver_without_a_designated_caio_is_not_met(self):
        self.doe.caio_terms.update(ended_on=dt.date(2025, 6, 1))

        self.assertEqual(self.statuses(self.doe, "M21-21")["DOE-103"], "not_met")
        overall = next(r for r in agency_assess(agency=self.doe).results if r.requirement.code == "M21-15")
        self.assertEqual(overall.status, "partially_met")
        self.assertIn("DOE-103", overall.detail)

    def test_minimum_practices_are_partially_met_while_some_are_in_progress(self):
        overall = next(r for r in agency_assess(agency=self.doe).results if r.requirement.code == "M21-15")

        self.assertEqual(overall.status, "partially_met")
        self.assertIn("1 of 3 high-impact use cases have practices in progress (DOE-102)", overall.detail)
        self.assertNotIn("lack", overall.detail)

    def test_minimum_practices_are_met_once_the_work_in_progress_is_done(self):
        UseCase.objects.filter(use_case_id="DOE-102").update(
            pre_deployment_testing="Yes", independent_review="Internal Independent Review",
            ongoing_monitoring="Yes - Monitoring Established", operator_training="Training Established",
            fail_safe="Yes", appeal_process="Appeal Process Established", public_consultation="['Other']",
        )  # fmt: skip

        overall = next(r for r in agency_assess(agency=self.doe).results if r.requirement.code == "M21-15")

        self.assertEqual(overall.status, "met")

    def test_the_report_marks_each_practice_done_in_progress_or_waived(self):
        from django.utils import timezone

        from compliance.models import Report
        from compliance.reports import report_context

        context = report_context(Report(agency=self.doe, framework="m-25-21"), now=timezone.now())

        marks = {row["use_case"].use_case_id: "".join(row["marks"]) for row in context["high_impact_rows"]}
        self.assertEqual(marks, {"DOE-101": "✓✓✓✓––✓", "DOE-102": "…" * 7, "DOE-103": "W" * 7})
