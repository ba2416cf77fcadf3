"""The AI use case inventory, with OMB's 2025 fields (23 base fields and 9 risk fields for high-impact use).

Each multiple-choice field stores OMB's answer as it appears in the consolidated 2025 CSV (the
"shorthand code" of OMB's data dictionary, e.g. "CAIO Waived"); the choice's label is the full
selection agencies were given (e.g. "c) Agency CAIO has waived this minimum practice and reported such
waiver to OMB"). Source: github.com/ombegov/2025-Federal-Agency-AI-Use-Case-Inventory,
Validation/data_dictionary.md. The two select-multiple fields hold OMB's stringified Python list.
"""

from __future__ import annotations

import ast

from django.db import models
from django.db.models import Q

WAIVED_LABEL = "Agency CAIO has waived this minimum practice and reported such waiver to OMB"


class UseCase(models.Model):
    """One AI use case of an agency, as reported in OMB's 2025 inventory, linked to what it runs on.

    Field values are stored as OMB's own answer strings ("Deployed", "High-impact", "CAIO Waived"),
    so an import followed by an export gives back the same CSV cells.
    """

    class Withheld(models.TextChoices):
        NO = "No", "a) No"
        DISCLOSURE_RISK = (
            "Yes - Disclosure Risk",
            (
                "b) Yes – agency has determined that there’s a risk to disclosure, such as a harm to an interest "
                "protected by a FOIA exemption"
            ),
        )
        PROHIBITED_BY_LAW = "Yes - Prohibited by Law", "c) Yes – disclosure is prohibited by law"
        OTHER = "Other", "d) Other"

    class Stage(models.TextChoices):
        PRE_DEPLOYMENT = (
            "Pre-deployment",
            ("a) Pre-deployment – The use case is in a development or acquisition status."),
        )
        PILOT = "Pilot", "b) Pilot – The use case has been deployed in a limited test or pilot capacity."
        DEPLOYED = (
            "Deployed",
            (
                "c) Deployed – The use case is being actively authorized or utilized to support the functions or "
                "mission of an agency."
            ),
        )
        RETIRED = (
            "Retired",
            (
                "d) Retired – The use case was reported in the agency’s prior year’s inventory, but its development "
                "and/or use has since been discontinued."
            ),
        )

    class Impact(models.TextChoices):
        HIGH_IMPACT = "High-impact", "a) High-impact"
        PRESUMED_NOT = (
            "Presumed High-Impact, but Not High-impact",
            ("b) Presumed high-impact, but determined not high impact"),
        )
        NOT_HIGH_IMPACT = "Not High-impact", "c) Not high-impact"

    class Topic(models.TextChoices):
        ADMIN = "Admin Functions", "Administrative Functions"
        CYBERSECURITY = "Cybersecurity", "Cybersecurity"
        EMERGENCY = "Emergency Mgmt", "Emergency Management"
        ENERGY = "Energy and Environment", "Energy and the Environment"
        BENEFITS = "Benefits Processing", "Government Benefits Processing"
        HEALTH = "Health and Medical", "Health and Medical"
        HR = "HR", "Human Resources"
        IT = "IT", "Information Technology"
        INTERNATIONAL = "International Affairs", "International Affairs"
        LAW_ENFORCEMENT = "Law Enforcement", "Law Enforcement"
        OTHER = "Other", "Other"
        PROCUREMENT = "Procurement and Finance Mgmt", "Procurement and Financial Management"
        SCIENCE = "Science", "Science"
        SERVICE_DELIVERY = "Service Delivery", "Service Delivery"
        TRANSPORTATION = "Transportation", "Transportation"

    class Classification(models.TextChoices):
        AGENTIC = (
            "Agentic AI",
            (
                "Agentic AI: AI systems that perform tasks or make decisions autonomously with minimal human "
                "intervention."
            ),
        )
        CLASSICAL_ML = (
            "Classical ML",
            (
                "Classical/Predictive Machine Learning: Models trained on data to make predictions or classifications "
                "based on identified patterns or relationships."
            ),
        )
        COMPUTER_VISION = (
            "Computer Vision",
            ("Computer Vision: AI that processes and interprets visual data (e.g., images and videos)."),
        )
        GENERATIVE = (
            "Generative AI",
            ("Generative AI: AI that generates new or synthetic content (e.g., images, videos, audio, text, code)."),
        )
        NLP = (
            "NLP",
            ("Natural Language Processing: AI that processes, interprets, and shares information in human language."),
        )
        REINFORCEMENT = (
            "Reinforcement Learning",
            (
                "Reinforcement Learning: AI trained through trial and error using rewards and penalties to optimize "
                "decision-making policies."
            ),
        )

    class Contracting(models.TextChoices):
        VENDOR = "Vendor Purchased", "a) Purchased from a vendor"
        IN_HOUSE = "In-house Development", "b) Developed in-house"
        BOTH = "Contracting and In House", "c) Developed with both contracting and in-house resources"

    class YesNo(models.TextChoices):
        """have_ato, has_pii, has_custom_code; "N/A" is OMB's own standardized not-applicable answer."""

        YES = "Yes", "Yes"
        NO = "No", "No"
        NOT_APPLICABLE = "N/A", "N/A"

    class Demographic(models.TextChoices):
        """OMB gives no shorthand for this select-multiple field: the lettered selection is the value."""

        RACE = "a) Race/Ethnicity", "a) Race/Ethnicity"
        SEX = "b) Sex", "b) Sex"
        AGE = "c) Age", "c) Age"
        RELIGION = "d) Religious Affiliation", "d) Religious Affiliation"
        SOCIOECONOMIC = "e) Socioeconomic Status", "e) Socioeconomic Status"
        ABILITY = "f) Ability Status", "f) Ability Status"
        RESIDENCY = "g) Residency Status", "g) Residency Status"
        MARITAL = "h) Marital Status", "h) Marital Status"
        INCOME = "i) Income", "i) Income"
        EMPLOYMENT = "j) Employment Status", "j) Employment Status"
        NONE = "k) None of the above", "k) None of the above"
        OTHER = "l) Other", "l) Other"

    # The risk fields: one answer set per column (hi_testing_conducted and hi_assessment_completed share one).
    class Practice(models.TextChoices):
        YES = "Yes", "a) Yes"
        IN_PROGRESS = "In-progress", "b) In-progress"
        CAIO_WAIVED = "CAIO Waived", f"c) {WAIVED_LABEL}"

    class Review(models.TextChoices):
        INTERNAL = (
            "Internal Independent Review",
            ("a) Yes – by another appropriate agency office or reviewer not directly involved in the AI’s development"),
        )
        OVERSIGHT_BOARD = (
            "Oversight Board Review",
            ("b) Yes – by an agency AI oversight board not directly involved in the AI’s development"),
        )
        CAIO = "CAIO Review", "c) Yes – by the CAIO"
        IN_PROGRESS = "In-progress", "d) In-progress"
        CAIO_WAIVED = "CAIO Waived", f"e) {WAIVED_LABEL}"

    class Monitoring(models.TextChoices):
        ESTABLISHED = "Yes - Monitoring Established", "a) Yes, sufficient monitoring protocols have been established"
        IN_PROGRESS = "In-progress", "b) Development of monitoring protocols is in-progress"
        CAIO_WAIVED = "CAIO Waived", f"c) {WAIVED_LABEL}"

    class Training(models.TextChoices):
        ESTABLISHED = "Training Established", "a) Yes, sufficient and periodic training has been established"
        IN_PROGRESS = "Training In-progress", "b) Establishment of sufficient and periodic training is in-progress"
        CAIO_WAIVED = "CAIO Waived", f"c) {WAIVED_LABEL}"

    class FailSafe(models.TextChoices):
        YES = "Yes", "a) Yes"
        NOT_APPLICABLE = "Not Applicable", "b) Not applicable"
        IN_PROGRESS = "In-progress", "c) In-progress"
        CAIO_WAIVED = "CAIO Waived", f"d) {WAIVED_LABEL}"

    class Appeal(models.TextChoices):
        ESTABLISHED = "Appeal Process Established", "a) Yes, an appropriate appeal process has been established"
        NOT_APPLICABLE = "Not Applicable", "b) Not applicable"
        IN_PROGRESS = "Appeal Process In-progress", "c) Establishment of an appropriate appeal process is in-progress"
        PRECLUDED = (
            "Appeal Precluded by Law",
            (
                "d) Law, operational limitations, or governmentwide guidance precludes an opportunity for an "
                "individual to appeal"
            ),
        )
        CAIO_WAIVED = "CAIO Waived", f"e) {WAIVED_LABEL}"

    class Consultation(models.TextChoices):
        USABILITY_TESTING = "Usability Testing", "a) Direct usability testing"
        FEEDBACK = "Public Feedback Solicitations", "b) General solicitations of feedback and comments from the public"
        HEARINGS = "Public Hearings", "c) Public hearings or meetings"
        OTHER = "Other", "d) Other"
        IN_PROGRESS = "In-progress", "e) In-progress"
        CAIO_WAIVED = "CAIO Waived", f"f) {WAIVED_LABEL}"

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="use_cases")
    use_case_id = models.CharField("Use Case ID", max_length=50)
    use_case_name = models.CharField(max_length=500)
    agency_bureau = models.CharField(max_length=500, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)
    is_withheld = models.CharField(max_length=100, choices=Withheld.choices, blank=True)
    development_stage = models.CharField(max_length=20, choices=Stage.choices)
    is_high_impact = models.CharField(max_length=60, choices=Impact.choices)
    hi_justification = models.TextField(blank=True)
    topic_area = models.CharField(max_length=100, choices=Topic.choices, blank=True)
    classification = models.CharField(max_length=200, choices=Classification.choices, blank=True)
    problem_solved = models.TextField(blank=True)
    benefits = models.TextField(blank=True)
    system_outputs = models.TextField(blank=True)
    operational_date = models.DateField(null=True, blank=True)
    contracting_usage = models.CharField(max_length=100, choices=Contracting.choices, blank=True)
    vendor_name = models.CharField(max_length=500, blank=True)
    have_ato = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    system_name_ato = models.CharField(max_length=500, blank=True)
    data_description = models.TextField(blank=True)
    link_to_data = models.CharField(max_length=1000, blank=True)
    has_pii = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    pia_url = models.CharField(max_length=1000, blank=True)
    demographic_features = models.CharField(
        max_length=500, blank=True, help_text="OMB's stringified list, e.g. ['b) Sex', 'c) Age']."
    )
    has_custom_code = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    code_url = models.CharField(max_length=1000, blank=True)
    # The nine risk-management fields, required for deployed high-impact use cases (OMB's hi_* columns).
    pre_deployment_testing = models.CharField(max_length=40, choices=Practice.choices, blank=True)
    impact_assessment = models.CharField(max_length=40, choices=Practice.choices, blank=True)
    potential_impacts = models.TextField(blank=True)
    independent_review = models.CharField(max_length=40, choices=Review.choices, blank=True)
    ongoing_monitoring = models.CharField(max_length=40, choices=Monitoring.choices, blank=True)
    operator_training = models.CharField(max_length=40, choices=Training.choices, blank=True)
    fail_safe = models.CharField(max_length=40, choices=FailSafe.choices, blank=True)
    appeal_process = models.CharField(max_length=40, choices=Appeal.choices, blank=True)
    public_consultation = models.CharField(
        max_length=500, blank=True, help_text="OMB's stringified list, e.g. ['Usability Testing', 'Other']."
    )

    # Links into the registry.
    offering = models.ForeignKey(
        "catalog.Offering", null=True, blank=True, on_delete=models.SET_NULL, related_name="use_cases"
    )
    deployment = models.ForeignKey(
        "agencies.Deployment", null=True, blank=True, on_delete=models.SET_NULL, related_name="use_cases"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency__abbreviation", "use_case_id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "use_case_id"], name="compliance_usecase_unique_id"),
            models.CheckConstraint(
                condition=Q(development_stage__in=["Pre-deployment", "Pilot", "Deployed", "Retired"]),
                name="compliance_usecase_stage_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    is_high_impact__in=[
                        "High-impact",
                        "Presumed High-Impact, but Not High-impact",
                        "Not High-impact",
                    ]
                ),
                name="compliance_usecase_impact_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.use_case_id} {self.use_case_name}"

    @property
    def is_high_impact_in_use(self) -> bool:
        """High-impact and not retired: the use cases the minimum practices apply to."""
        return self.is_high_impact == self.Impact.HIGH_IMPACT and self.development_stage != self.Stage.RETIRED

    @property
    def demographic_feature_list(self) -> list[str]:
        return omb_list_parse(self.demographic_features)

    @property
    def public_consultation_list(self) -> list[str]:
        return omb_list_parse(self.public_consultation)


def omb_list_parse(text: str) -> list[str]:
    """The items of OMB's stringified Python list ("['a', 'b']"); other text is read as one item."""
    if not text:
        return []
    try:
        items = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return [text]
    return [str(item) for item in items] if isinstance(items, list) else [text]


def omb_list_format(items: list[str]) -> str:
    """A list as OMB writes it: Python's str() of a list of strings, e.g. "['Usability Testing', 'Other']"."""
    return str([str(item) for item in items]) if items else ""
