import datetime as dt
import json
import shutil

import pytest
from django.test import TestCase

from compliance.models import Requirement, RequirementCatalog
from compliance.requirements import REQUIREMENTS_DIR, RequirementDataError, load_requirements
from core.models import AuditEvent


class LoadRequirementsTests(TestCase):
    def test_it_loads_every_requirement_of_the_three_memos_with_computed_deadlines(self):
        report = load_requirements()

        self.assertEqual(sorted(report.loaded), ["M-25-21", "M-25-22", "M-26-04"])
        codes = set(Requirement.objects.values_list("code", flat=True))
        memo = {f"M21-{n:02d}" for n in range(1, 30)} | {f"M22-{n:02d}" for n in range(1, 16)}
        memo |= {f"M26-{n:02d}" for n in range(1, 8)}
        self.assertEqual(codes, memo | {"RC-01", "RC-02", "RC-03"})
        deadline = dict(Requirement.objects.values_list("code", "deadline"))
        self.assertEqual(deadline["M21-01"], dt.date(2025, 6, 2))
        self.assertEqual(deadline["M21-05"], dt.date(2025, 7, 2))
        self.assertEqual(deadline["M21-10"], dt.date(2025, 9, 30))
        self.assertEqual(deadline["M21-11"], dt.date(2025, 12, 29))
        self.assertEqual(deadline["M21-15"], dt.date(2026, 4, 3))
        self.assertEqual(deadline["M22-05"], dt.date(2025, 7, 12))
        self.assertEqual(deadline["M22-06"], dt.date(2025, 10, 20))
        self.assertEqual(deadline["M21-13"], dt.date(2026, 1, 28))
        self.assertIsNone(deadline["M21-07"])

    def test_it_records_who_each_requirement_applies_to_and_its_check(self):
        load_requirements()

        get = Requirement.objects.get
        self.assertEqual(get(code="M21-05").applies_to, "cfo_act")
        self.assertEqual(get(code="M21-21").applies_to, "high_impact_use_case")
        self.assertEqual(get(code="M22-04").applies_to, "onboarding")
        self.assertEqual(get(code="M22-06").applies_to, "gsa")
        self.assertEqual(get(code="M21-28").applies_to, "omb")
        self.assertEqual(get(code="M21-13").excludes, ["DOD", "IC"])
        self.assertEqual(get(code="M21-01").automatic_check, "caio_designated")
        self.assertFalse(get(code="M21-12").mandatory)

    def test_loading_twice_changes_nothing(self):
        load_requirements()
        events = AuditEvent.objects.count()

        report = load_requirements()

        self.assertEqual(report.loaded, [])
        self.assertEqual(sorted(report.unchanged), ["M-25-21", "M-25-22", "M-26-04"])
        self.assertEqual(AuditEvent.objects.count(), events)
        self.assertEqual(Requirement.objects.count(), 54)

    def test_registry_controls_are_kept_apart_from_the_memo_text_and_name_what_they_support(self):
        load_requirements()

        controls = Requirement.objects.filter(kind="registry_control").order_by("code")

        self.assertEqual(
            [(c.code, c.supports) for c in controls], [("RC-01", "M21-16"), ("RC-02", "M22-12"), ("RC-03", "M22-15")]
        )
        memo_text = " ".join(Requirement.objects.filter(kind="memo").values_list("text", flat=True))
        self.assertNotIn("The registry checks", memo_text)

    def test_only_the_seven_minimum_practices_are_waivable(self):
        load_requirements()

        waivable = sorted(Requirement.objects.filter(waivable=True).values_list("code", flat=True))

        self.assertEqual(waivable, [f"M21-{n}" for n in range(21, 28)])


@pytest.mark.django_db
def test_a_new_memo_is_a_new_file_without_code_changes(tmp_path):
    for path in REQUIREMENTS_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    memo = {
        "format": 1,
        "memo": "M-26-04",
        "slug": "m-26-04",
        "title": "Increasing Public Trust in Artificial Intelligence Through Unbiased AI Principles",
        "issued_on": "2025-12-11",
        "version": "2025-12-11.1",
        "requirements": [
            {
                "id": "M26-01",
                "section": "Procurement",
                "title": "Update procurement policies",
                "text": "Agencies update procurement policies.",
                "applies_to": "every_agency",
                "deadline": "2026-03-11",
                "evidence": "Updated policy",
                "automatic_check": None,
            }
        ],
    }
    (tmp_path / "m-26-04.json").write_text(json.dumps(memo))

    load_requirements(directory=tmp_path)

    requirement = Requirement.objects.get(code="M26-01")
    assert requirement.catalog.slug == "m-26-04"
    assert requirement.deadline == dt.date(2026, 3, 11)
    assert RequirementCatalog.objects.count() == 3


@pytest.mark.django_db
def test_a_file_naming_an_unknown_check_is_refused_with_its_entry(tmp_path):
    doc = json.loads((REQUIREMENTS_DIR / "m-25-22.json").read_text())
    doc["requirements"][3]["automatic_check"] = "no_such_check"
    (tmp_path / "m-25-22.json").write_text(json.dumps(doc))

    with pytest.raises(RequirementDataError, match=r"m-25-22.json entry 4: automatic_check 'no_such_check'"):
        load_requirements(directory=tmp_path)

    assert not Requirement.objects.exists()
