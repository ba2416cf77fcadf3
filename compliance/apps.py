from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self):
        from compliance import signin
        from compliance.reliability import register_report_jobs, register_verification_runs

        register_verification_runs()
        register_report_jobs()
        signin.connect_signals()
