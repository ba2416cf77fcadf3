"""Rewrite stored inventory answers into OMB's 2025 CSV codes (hand-written; runs before the new constraint).

Before 0009 the inventory stored OMB's long answers for some fields ("Not high-impact", "Administrative
Functions") and Yes/No for the risk fields. Each value that maps to exactly one OMB answer is rewritten;
"No" in a risk field (not an OMB answer: it meant "not documented") becomes blank; a bare "Yes" in
independent_review (OMB asks who reviewed) is left for the agency to answer again. Free text in the two
list fields becomes a one-item list in OMB's stringified form.
"""

from django.db import migrations

RENAMES = {
    "is_high_impact": {
        "Presumed high-impact, but determined not high impact": "Presumed High-Impact, but Not High-impact",
        "Not high-impact": "Not High-impact",
    },
    "topic_area": {
        "Administrative Functions": "Admin Functions",
        "Emergency Management": "Emergency Mgmt",
        "Energy and the Environment": "Energy and Environment",
        "Government Benefits Processing": "Benefits Processing",
        "Human Resources": "HR",
        "Information Technology": "IT",
        "Procurement and Financial Management": "Procurement and Finance Mgmt",
    },
    "contracting_usage": {
        "Purchased from a vendor": "Vendor Purchased",
        "Developed in-house": "In-house Development",
        "Developed with both contracting and in-house resources": "Contracting and In House",
    },
    "is_withheld": {"a) No": "No"},
    "ongoing_monitoring": {"Yes": "Yes - Monitoring Established"},
    "operator_training": {"Yes": "Training Established"},
    "appeal_process": {"Yes": "Appeal Process Established"},
}
RISK_FIELDS = [
    "pre_deployment_testing", "impact_assessment", "independent_review", "ongoing_monitoring",
    "operator_training", "fail_safe", "appeal_process",
]  # fmt: skip


def forwards(apps, schema_editor):
    use_cases = apps.get_model("compliance", "UseCase").objects
    for name, renames in RENAMES.items():
        for old, new in renames.items():
            use_cases.filter(**{name: old}).update(**{name: new})
    for name in RISK_FIELDS:
        use_cases.filter(**{name: "No"}).update(**{name: ""})
    for name in ("demographic_features", "public_consultation"):
        for use_case in use_cases.exclude(**{name: ""}).exclude(**{f"{name}__startswith": "["}):
            setattr(use_case, name, str([getattr(use_case, name)]))
            use_case.save(update_fields=[name])


class Migration(migrations.Migration):
    dependencies = [("compliance", "0010_omb_answer_sets")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
