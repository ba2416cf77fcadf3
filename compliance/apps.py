from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self):
        # Nothing heavy here: every process (a command like verify_model included) runs this at start-up.
        # The tasks (and Celery, and huggingface_hub through them) are imported by `job_send` when a job
        # is first sent, and by autodiscovery in workers.
        from compliance import signin
        from compliance.reliability import register_report_jobs, register_verification_runs

        register_verification_runs()
        register_report_jobs()
        signin.connect_signals()
