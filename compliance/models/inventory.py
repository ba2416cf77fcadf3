"""The AI use case inventory, with OMB's 2025 fields (23 base fields and 9 risk fields for high-impact use).

Each multiple-choice field stores OMB's answer as it appears in the consolidated 2025 CSV (the
"shorthand code" of OMB's data dictionary, e.g. "CAIO Waived"); the choice's label is the full
selection agencies were given (e.g. "c) Agency CAIO has waived this minimum practice and reported such
waiver to OMB"). Source: github.com/ombegov/2025-Federal-Agency-AI-Use-Case-Inventory,
Validation/data_dictionary.md. The two select-multiple fields hold OMB's stringified Python list.
"""

from __future__ import annotations

import ast
import hashlib

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
    use_case_id = models.CharField("Use Case ID", max_length=60, blank=True)
    use_case_name = models.TextField()
    agency_bureau = models.TextField(blank=True)
    contact_email = models.TextField(blank=True)
    is_withheld = models.CharField(max_length=500, choices=Withheld.choices, blank=True)
    development_stage = models.CharField(max_length=500, choices=Stage.choices, blank=True)
    is_high_impact = models.CharField(max_length=500, choices=Impact.choices, blank=True)
    hi_justification = models.TextField(blank=True)
    topic_area = models.CharField(max_length=500, choices=Topic.choices, blank=True)
    classification = models.CharField(max_length=500, choices=Classification.choices, blank=True)
    problem_solved = models.TextField(blank=True)
    benefits = models.TextField(blank=True)
    system_outputs = models.TextField(blank=True)
    operational_date = models.DateField(null=True, blank=True)
    contracting_usage = models.CharField(max_length=500, choices=Contracting.choices, blank=True)
    vendor_name = models.TextField(blank=True)
    have_ato = models.CharField(max_length=500, choices=YesNo.choices, blank=True)
    system_name_ato = models.TextField(blank=True)
    data_description = models.TextField(blank=True)
    link_to_data = models.TextField(blank=True, help_text="Free text in OMB's data dictionary (a link, or e.g. No).")
    has_pii = models.CharField(max_length=500, choices=YesNo.choices, blank=True)
    pia_url = models.TextField(blank=True, help_text="Free text in OMB's data dictionary.")
    demographic_features = models.TextField(blank=True, help_text="OMB's stringified list, e.g. ['b) Sex', 'c) Age'].")
    has_custom_code = models.CharField(max_length=500, choices=YesNo.choices, blank=True)
    code_url = models.TextField(blank=True, help_text="Free text in OMB's data dictionary.")
    # The nine risk-management fields, required for deployed high-impact use cases (OMB's hi_* columns).
    pre_deployment_testing = models.CharField(max_length=500, choices=Practice.choices, blank=True)
    impact_assessment = models.CharField(max_length=500, choices=Practice.choices, blank=True)
    potential_impacts = models.TextField(blank=True)
    independent_review = models.CharField(max_length=500, choices=Review.choices, blank=True)
    ongoing_monitoring = models.CharField(max_length=500, choices=Monitoring.choices, blank=True)
    operator_training = models.CharField(max_length=500, choices=Training.choices, blank=True)
    fail_safe = models.CharField(max_length=500, choices=FailSafe.choices, blank=True)
    appeal_process = models.CharField(max_length=500, choices=Appeal.choices, blank=True)
    public_consultation = models.TextField(
        blank=True, help_text="OMB's stringified list, e.g. ['Usability Testing', 'Other']."
    )

    # Issue 12: OMB's published file is the official record. Cells are kept as OMB wrote them (a date in
    # the form it came in, an answer outside the data dictionary's set) and what the dictionary would not
    # allow is listed as a warning. A row without an id is matched on `import_key` on the next import.
    operational_date_as_written = models.CharField(max_length=40, blank=True)
    agency_as_written = models.CharField(max_length=300, blank=True)
    agency_name_as_written = models.CharField(max_length=300, blank=True)
    import_key = models.CharField(
        max_length=64, default="", help_text="The id, or a digest of name and bureau when none."
    )
    import_warnings = models.JSONField(default=list, blank=True)
    # M-25-21 §4(a)(i)(B): a pilot is exempt from the minimum practices only when the CAIO certified it.
    pilot_certified_on = models.DateField("Pilot certified by the CAIO on", null=True, blank=True)
    pilot_certified_by = models.ForeignKey(
        "agencies.ChiefAIOfficer", null=True, blank=True, on_delete=models.PROTECT, related_name="pilot_certifications"
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
            models.UniqueConstraint(fields=["agency", "import_key"], name="compliance_usecase_unique_import_key"),
            models.UniqueConstraint(
                fields=["agency", "use_case_id"],
                condition=~Q(use_case_id=""),
                name="compliance_usecase_unique_id",
            ),
            models.CheckConstraint(condition=~Q(import_key=""), name="compliance_usecase_import_key_set"),
        ]

    def __str__(self) -> str:
        return f"{self.use_case_id or '(no id)'} {self.use_case_name}"

    def save(self, *args, **kwargs):
        if not self.import_key:
            self.import_key = use_case_key(self.use_case_id, self.use_case_name, self.agency_bureau)
        super().save(*args, **kwargs)

    @property
    def is_high_impact_in_use(self) -> bool:
        """High-impact and not retired: the use cases M-25-21 §4 speaks of (pre-deployment ones not yet due)."""
        return self.is_high_impact == self.Impact.HIGH_IMPACT and self.development_stage != self.Stage.RETIRED

    @property
    def label(self) -> str:
        return self.use_case_id or f"“{self.use_case_name[:60]}” (no id)"

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


def use_case_key(use_case_id: str, name: str, bureau: str) -> str:
    """The stable key a use case is matched on: its id, or (OMB lets public files drop ids) name and bureau."""
    if use_case_id.strip():
        return use_case_id.strip()[:64]
    words = "\x1f".join(" ".join(text.split()).casefold() for text in (name, bureau))
    return "sha256:" + hashlib.sha256(words.encode()).hexdigest()[:57]


class CommercialUseCase(models.Model):
    """One row of OMB's consolidated commercial (COTS) AI use file: a common task and what the agency uses for it.

    OMB keys these rows by agency name, spelled as each agency wrote it; the name is kept as written so an
    export gives back the same cells.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="commercial_use_cases")
    agency_as_written = models.CharField(max_length=300)
    ai_use_case = models.TextField()
    agency_use = models.CharField(max_length=100, blank=True, help_text="Y or N, as OMB's file writes it.")
    products = models.TextField(blank=True)
    estimated_users = models.CharField(max_length=100, blank=True)
    import_warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency__abbreviation", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "ai_use_case"], name="compliance_commercialusecase_unique_task"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.abbreviation}: {self.ai_use_case[:60]}"


class InventoryFiling(models.Model):
    """One agency's M-25-21 §3(b)(v) inventory for one annual cycle: submitted to OMB and posted publicly.

    An agency that uses no AI notifies OMB and posts a notice instead (`no_ai_use`). The dates and
    addresses are the facts an auditor checks; the use case rows alone say nothing about either.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="inventory_filings")
    cycle = models.PositiveIntegerField(help_text="The inventory year, e.g. 2025 (submitted Dec 2025).")
    submitted_on = models.DateField("Submitted to OMB on", null=True, blank=True)
    submission_reference = models.CharField(max_length=300, blank=True)
    posted_on = models.DateField("Posted publicly on", null=True, blank=True)
    public_url = models.URLField(max_length=500, blank=True)
    no_ai_use = models.BooleanField(default=False, help_text="The agency reported that it uses no AI.")
    recorded_by = models.ForeignKey("agencies.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency__abbreviation", "-cycle"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "cycle"], name="compliance_inventoryfiling_unique_cycle"),
            models.CheckConstraint(
                condition=Q(posted_on__isnull=True) | ~Q(public_url=""), name="compliance_inventoryfiling_posted_url"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.abbreviation} inventory {self.cycle}"
