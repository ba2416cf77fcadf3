from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self):
        from django.db.models.signals import post_save

        from agencies.models import OnboardingTransition
        from catalog.signals import offering_status_changed
        from compliance.jobs import register_report_jobs, register_verification_runs
        from compliance.receivers import offering_status_changed_alert, onboarding_transition_alert

        register_verification_runs()
        register_report_jobs()
        offering_status_changed.connect(offering_status_changed_alert, dispatch_uid="compliance.offering_alerts")
        post_save.connect(
            onboarding_transition_alert, sender=OnboardingTransition, dispatch_uid="compliance.onboarding_alerts"
        )
