"""The AI use case inventory, with OMB's 2025 fields (23 base fields and 9 risk fields for high-impact use)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class UseCase(models.Model):
    """One AI use case of an agency, as reported in OMB's 2025 inventory, linked to what it runs on.

    Field values are stored as OMB's own answer strings ("Deployed", "High-impact", "Yes"), so an
    import followed by an export gives back the same CSV cells.
    """

    class Stage(models.TextChoices):
        PRE_DEPLOYMENT = "Pre-deployment"
        PILOT = "Pilot"
        DEPLOYED = "Deployed"
        RETIRED = "Retired"

    class Impact(models.TextChoices):
        HIGH_IMPACT = "High-impact"
        PRESUMED_NOT = "Presumed high-impact, but determined not high impact"
        NOT_HIGH_IMPACT = "Not high-impact"

    class YesNo(models.TextChoices):
        YES = "Yes"
        NO = "No"

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="use_cases")
    use_case_id = models.CharField("Use Case ID", max_length=50)
    use_case_name = models.CharField(max_length=500)
    agency_bureau = models.CharField(max_length=500, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)
    is_withheld = models.CharField(max_length=100, blank=True)
    development_stage = models.CharField(max_length=20, choices=Stage.choices)
    is_high_impact = models.CharField(max_length=60, choices=Impact.choices)
    hi_justification = models.TextField(blank=True)
    topic_area = models.CharField(max_length=100, blank=True)
    classification = models.CharField(max_length=200, blank=True)
    problem_solved = models.TextField(blank=True)
    benefits = models.TextField(blank=True)
    system_outputs = models.TextField(blank=True)
    operational_date = models.DateField(null=True, blank=True)
    contracting_usage = models.CharField(max_length=100, blank=True)
    vendor_name = models.CharField(max_length=500, blank=True)
    have_ato = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    system_name_ato = models.CharField(max_length=500, blank=True)
    data_description = models.TextField(blank=True)
    link_to_data = models.CharField(max_length=1000, blank=True)
    has_pii = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    pia_url = models.CharField(max_length=1000, blank=True)
    demographic_features = models.CharField(max_length=500, blank=True)
    has_custom_code = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    code_url = models.CharField(max_length=1000, blank=True)
    # The nine risk-management fields, required for deployed high-impact use cases.
    pre_deployment_testing = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    impact_assessment = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    potential_impacts = models.TextField(blank=True)
    independent_review = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    ongoing_monitoring = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    operator_training = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    fail_safe = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    appeal_process = models.CharField(max_length=3, choices=YesNo.choices, blank=True)
    public_consultation = models.CharField(max_length=500, blank=True)
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
                        "Presumed high-impact, but determined not high impact",
                        "Not high-impact",
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
