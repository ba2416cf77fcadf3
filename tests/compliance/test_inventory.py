import csv
import io
from unittest import mock

from django.test import TestCase

from compliance.inventory import (
    BASE_COLUMNS,
    LEGACY_RISK_COLUMNS,
    OMB_COLUMNS,
    InventoryImportError,
    use_case_export,
    use_case_import,
)
from compliance.models import UseCase
from core.errors import PermissionRefused
from core.models import AuditEvent
from tests.factories import AgencyFactory, DeploymentFactory, OfferingFactory, agency_officer, gsa_officer

GOOD_ROW = {
    "agency": "DOE",
    "agency_name": "Department of Energy",
    "id": "DOE-1",
    "use_case_name": 'Grant triage, with commas, and "quotes"',
    "agency_bureau": "Office of Science",
    "contact_email": "ai@energy.example",
    "is_withheld": "No",
    "development_stage": "Deployed",
    "is_high_impact": "High-impact",
    "topic_area": "Science",
    "classification": "Generative AI",
    "problem_solved": "Too many proposals.\nSecond line.",
    "operational_date": "2025-06-30",
    "contracting_usage": "Vendor Purchased",
    "vendor_name": "Meta",
    "have_ato": "Yes",
    "has_pii": "No",
    "pia_url": "https://energy.example/pia",
    "has_custom_code": "No",
    "hi_testing_conducted": "Yes",
    "hi_assessment_completed": "Yes",
    "hi_potential_impacts": "Bias in selection; reviewed by panel.",
    "hi_independent_review": "Oversight Board Review",
    "hi_ongoing_monitoring": "Yes - Monitoring Established",
    "hi_training_established": "Training Established",
    "hi_failsafe_presence": "Yes",
    "hi_appeal_process": "Appeal Process Established",
    "hi_public_consultation": "['Usability Testing']",
}
# OMB's 2025 data dictionary (ombegov/2025-Federal-Agency-AI-Use-Case-Inventory, Validation/data_dictionary.md),
# columns 1 to 36 in its order.
OMB_DATA_DICTIONARY_COLUMNS = [
    "agency", "agency_name", "id", "use_case_name", "agency_bureau", "contact_email", "is_withheld",
    "development_stage", "is_high_impact", "HI_justification", "topic_area", "classification", "problem_solved",
    "benefits", "system_outputs", "operational_date", "contracting_usage", "vendor_name", "have_ato",
    "system_name_ato", "data_description", "link_to_data", "has_pii", "pia_url", "demographic_features",
    "has_custom_code", "code_url", "hi_testing_conducted", "hi_assessment_completed", "hi_potential_impacts",
    "hi_independent_review", "hi_ongoing_monitoring", "hi_training_established", "hi_failsafe_presence",
    "hi_appeal_process", "hi_public_consultation",
]  # fmt: skip


def csv_bytes(rows, columns=OMB_COLUMNS, bom=True):
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


class InventoryImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.doe = AgencyFactory(abbreviation="DOE", name="Department of Energy")
        cls.gsa = gsa_officer()

    def test_a_good_file_creates_each_use_case_with_its_fields(self):
        second = {**GOOD_ROW, "id": "DOE-2", "is_high_impact": "not high-impact", "operational_date": "7/1/2025"}

        result = use_case_import(actor=self.gsa, data=csv_bytes([GOOD_ROW, second]))

        self.assertEqual((result.created, result.updated), (2, 0))
        use_case = UseCase.objects.get(use_case_id="DOE-1")
        self.assertEqual(use_case.use_case_name, GOOD_ROW["use_case_name"])
        self.assertEqual(use_case.problem_solved, "Too many proposals.\nSecond line.")
        self.assertEqual(str(use_case.operational_date), "2025-06-30")
        self.assertEqual(UseCase.objects.get(use_case_id="DOE-2").is_high_impact, "Not High-impact")
        self.assertTrue(AuditEvent.objects.filter(action="use_cases.imported", agency_id=self.doe.pk).exists())

    def test_values_outside_ombs_answers_are_kept_as_warnings_and_unknown_agencies_refused(self):
        bad_stage = {**GOOD_ROW, "id": "DOE-2", "development_stage": "Maybe"}
        bad_email = {**GOOD_ROW, "id": "DOE-3", "contact_email": "not-an-email"}
        unknown_agency = {**GOOD_ROW, "id": "X-1", "agency": "NOPE"}

        result = use_case_import(actor=self.gsa, data=csv_bytes([GOOD_ROW, bad_stage, bad_email, unknown_agency]))

        # GOOD_ROW spans lines 2-3 (a quoted line break), so the next rows start on lines 4, 6 and 8.
        self.assertEqual([(e.line, e.field) for e in result.refusals], [(8, "agency")])
        warned = {(e.line, e.field) for e in result.warnings}
        self.assertTrue({(4, "development_stage"), (6, "contact_email")} <= warned)
        self.assertEqual((result.created, result.refused), (3, 1))
        self.assertEqual(UseCase.objects.get(use_case_id="DOE-2").development_stage, "Maybe")

    def test_a_duplicate_id_in_the_file_is_refused_on_its_second_line(self):
        result = use_case_import(actor=self.gsa, data=csv_bytes([{**GOOD_ROW, "problem_solved": ""}] * 2))

        self.assertEqual([(e.line, e.field) for e in result.refusals], [(3, "id")])
        self.assertEqual(UseCase.objects.count(), 1)

    def test_a_header_without_the_columns_that_identify_a_row_is_refused(self):
        with self.assertRaises(InventoryImportError) as caught:
            use_case_import(actor=self.gsa, data=b"agency,id\nDOE,x\n")

        self.assertEqual({e.field for e in caught.exception.errors}, {"use_case_name"})

    def test_a_row_too_long_to_store_is_refused_and_the_others_import(self):
        use_case_import(actor=self.gsa, data=csv_bytes([{**GOOD_ROW, "id": "DOE-9", "use_case_name": "before"}]))
        too_long = {**GOOD_ROW, "id": "DOE-10", "topic_area": "x" * 501}

        result = use_case_import(
            actor=self.gsa, data=csv_bytes([{**GOOD_ROW, "id": "DOE-9", "use_case_name": "after"}, too_long])
        )

        self.assertEqual([(e.line, e.field) for e in result.refusals], [(4, "topic_area")])
        self.assertEqual(UseCase.objects.get(use_case_id="DOE-9").use_case_name, "after")
        self.assertFalse(UseCase.objects.filter(use_case_id="DOE-10").exists())

    def test_a_failure_while_saving_rolls_back_every_row(self):
        use_case_import(actor=self.gsa, data=csv_bytes([{**GOOD_ROW, "id": "DOE-9", "use_case_name": "before"}]))
        rows = [{**GOOD_ROW, "id": "DOE-9", "use_case_name": "after"}, {**GOOD_ROW, "id": "DOE-10"}]

        # The audit write comes after every row is saved; its failure must take the rows with it.
        failing_audit = mock.patch("compliance.inventory.audit_record", side_effect=RuntimeError("audit down"))
        with failing_audit, self.assertRaises(RuntimeError):
            use_case_import(actor=self.gsa, data=csv_bytes(rows))

        self.assertEqual(UseCase.objects.get(use_case_id="DOE-9").use_case_name, "before")
        self.assertFalse(UseCase.objects.filter(use_case_id="DOE-10").exists())

    def test_an_agency_officer_cannot_import_another_agencys_rows(self):
        officer = agency_officer(AgencyFactory(abbreviation="NASA"))

        result = use_case_import(actor=officer, data=csv_bytes([GOOD_ROW]))

        self.assertEqual(result.refusals[0].field, "agency")
        self.assertFalse(UseCase.objects.exists())

    def test_an_auditor_cannot_import(self):
        from tests.factories import auditor

        with self.assertRaises(PermissionRefused):
            use_case_import(actor=auditor(), data=csv_bytes([GOOD_ROW]))

    def test_links_to_offerings_and_deployments_are_resolved(self):
        offering = OfferingFactory(slug="meta-llama")
        deployment = DeploymentFactory(agency=self.doe, name="llama-prod")
        row = {**GOOD_ROW, "onegov_offering": "meta-llama", "onegov_deployment": "llama-prod"}

        use_case_import(
            actor=self.gsa, data=csv_bytes([row], columns=OMB_COLUMNS + ["onegov_offering", "onegov_deployment"])
        )

        use_case = UseCase.objects.get()
        self.assertEqual((use_case.offering, use_case.deployment), (offering, deployment))


class InventoryExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        AgencyFactory(abbreviation="DOE", name="Department of Energy")
        cls.gsa = gsa_officer()

    def test_an_export_starts_with_a_bom_and_omb_header(self):
        use_case_import(actor=self.gsa, data=csv_bytes([GOOD_ROW]))

        text = use_case_export(use_cases=UseCase.objects.all())

        self.assertTrue(text.startswith("\ufeff"))
        self.assertEqual(text.removeprefix("\ufeff").splitlines()[0].split(","), OMB_DATA_DICTIONARY_COLUMNS)

    def test_the_risk_fields_are_read_and_written_under_ombs_column_names(self):
        use_case_import(
            actor=self.gsa, data=csv_bytes([{**GOOD_ROW, "hi_training_established": "Training In-progress"}])
        )

        use_case = UseCase.objects.get()
        row = next(csv.DictReader(io.StringIO(use_case_export(use_cases=[use_case]).removeprefix("\ufeff"))))

        self.assertEqual((use_case.operator_training, use_case.fail_safe), ("Training In-progress", "Yes"))
        self.assertEqual(use_case.potential_impacts, GOOD_ROW["hi_potential_impacts"])
        expected = {column: value for column, value in GOOD_ROW.items() if column.startswith("hi_")}
        self.assertEqual(
            {column: row[column] for column in expected}, expected | {"hi_training_established": "Training In-progress"}
        )

    def test_a_file_with_the_registrys_earlier_risk_column_names_is_still_read(self):
        legacy = {old: GOOD_ROW[column] for old, column in LEGACY_RISK_COLUMNS.items()}
        row = {k: v for k, v in GOOD_ROW.items() if not k.startswith("hi_")} | legacy | {"fail_safe": "Not Applicable"}

        use_case_import(actor=self.gsa, data=csv_bytes([row], columns=BASE_COLUMNS + list(LEGACY_RISK_COLUMNS)))

        use_case = UseCase.objects.get()
        self.assertEqual((use_case.pre_deployment_testing, use_case.fail_safe), ("Yes", "Not Applicable"))
        self.assertEqual(use_case.public_consultation, "['Usability Testing']")

    def test_an_import_of_an_export_gives_back_the_same_file(self):
        source = csv_bytes([GOOD_ROW, {**GOOD_ROW, "id": "DOE-2", "is_high_impact": "Not High-impact"}])
        use_case_import(actor=self.gsa, data=source)

        exported = use_case_export(use_cases=UseCase.objects.all())
        UseCase.objects.all().delete()
        use_case_import(actor=self.gsa, data=exported.encode("utf-8"))

        self.assertEqual(use_case_export(use_cases=UseCase.objects.all()), exported)
        self.assertEqual(exported.encode("utf-8"), source)
