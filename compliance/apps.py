from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self):
        from catalog.signals import offering_status_changed
        from compliance.jobs import register_report_jobs, register_verification_runs
        from compliance.links import register_bulk_actions, register_object_urls
        from compliance.receivers import offering_status_changed_alert

        register_verification_runs()
        register_report_jobs()
        register_object_urls()
        register_bulk_actions()
        offering_status_changed.connect(offering_status_changed_alert, dispatch_uid="compliance.offering_alerts")
