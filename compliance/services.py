"""An index of the compliance app's services and selectors, one import for its front doors.

The functions live in their own modules by subject (assessment, checks, evidence, inventory,
reports, requirements, selectors), and code inside compliance may import those modules directly.
No app below compliance imports it at all (tests/test_layering.py): they send signals, and
compliance pages pull compliance content into theirs through inclusion tags.
"""

from compliance.assessment import AgencyAssessment, RequirementResult, agencies_assess, agency_assess
from compliance.checks import CHECKS, CheckResult, facts_load, practices_missing
from compliance.evidence import Waiver, evidence_document_add, evidence_record, evidence_review
from compliance.inventory import (
    InventoryImportError,
    RowError,
    use_case_export,
    use_case_import,
    use_case_list,
    use_case_save,
)
from compliance.reports import (
    AttestationCheck,
    attestation_verify,
    framework_choices,
    report_generate,
    report_request,
    verification_address,
)
from compliance.requirements import load_requirements, requirement_deadlines, requirement_list
from compliance.selectors import evidence_list, report_list

__all__ = [
    "CHECKS",
    "AgencyAssessment",
    "AttestationCheck",
    "CheckResult",
    "InventoryImportError",
    "RequirementResult",
    "RowError",
    "Waiver",
    "agencies_assess",
    "agency_assess",
    "attestation_verify",
    "evidence_document_add",
    "evidence_list",
    "evidence_record",
    "evidence_review",
    "facts_load",
    "framework_choices",
    "load_requirements",
    "practices_missing",
    "report_generate",
    "report_list",
    "report_request",
    "requirement_deadlines",
    "requirement_list",
    "use_case_export",
    "use_case_import",
    "use_case_list",
    "use_case_save",
    "verification_address",
]
