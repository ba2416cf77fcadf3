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
        _connect_catalog_signals()


def _on_fedramp_changes(sender, change_ids, **kwargs):
    from compliance.alerts import alerts_fedramp_changed

    alerts_fedramp_changed(change_ids)


def _connect_catalog_signals() -> None:
    """The catalog announces FedRAMP changes; compliance turns them into alerts (and their webhook)."""
    from catalog.signals import fedramp_changes_recorded

    fedramp_changes_recorded.connect(_on_fedramp_changes, dispatch_uid="compliance.alerts.fedramp_changed")
