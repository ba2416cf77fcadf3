from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self):
        # Registering the tasks in every process (not only in workers, where autodiscovery imports them)
        # lets `job_send` send a job through its task's own apply_async: with its options, and run
        # in-process when task_always_eager is on, instead of by bare name.
        from compliance import signin, tasks  # noqa: F401
        from compliance.reliability import register_report_jobs, register_verification_runs

        register_verification_runs()
        register_report_jobs()
        signin.connect_signals()
