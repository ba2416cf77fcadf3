from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self):
        # The job kinds register in compliance/jobs.py, imported by the sweeper (core.jobs.swept_jobs): they
        # name their task objects, and importing the tasks (and Celery) here would cost every process.
        from django.db.models.signals import post_save

        from agencies.models import OnboardingTransition
        from catalog.signals import fedramp_changes_recorded, offering_status_changed
        from compliance.links import register_bulk_actions, register_object_urls
        from compliance.receivers import (
            fedramp_changes_alert,
            offering_status_changed_alert,
            onboarding_transition_alert,
        )

        register_object_urls()
        register_bulk_actions()
        offering_status_changed.connect(offering_status_changed_alert, dispatch_uid="compliance.offering_alerts")
        fedramp_changes_recorded.connect(fedramp_changes_alert, dispatch_uid="compliance.fedramp_alerts")
        post_save.connect(
            onboarding_transition_alert, sender=OnboardingTransition, dispatch_uid="compliance.onboarding_alerts"
        )
