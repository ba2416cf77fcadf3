"""The compliance app's job kinds, registered with the sweeper (core.jobs) when the app is ready."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from compliance.tasks import report_generate_task, verification_run_task
from core.jobs import SweptJob, register_swept_job


def register_verification_runs() -> None:
    """Verification runs are the first kind the sweeper looks after (called from ComplianceConfig.ready)."""
    register_swept_job(
        SweptJob(
            kind="verification",
            model="compliance.VerificationRun",
            task=verification_run_task,
            queued_since_field="requested_at",
            # The engine beats its heart while it hashes: a silent run's worker is gone.
            started_field="heartbeat_at",
            max_attempts=settings.VERIFY_MAX_ATTEMPTS,
            queued_threshold=dt.timedelta(seconds=settings.JOB_QUEUED_RESEND_SECONDS),
            running_limit=dt.timedelta(seconds=settings.VERIFY_STALE_SECONDS),
        )
    )


def register_report_jobs() -> None:
    """Compliance reports (compliance.reports): a report whose render outlived the task's hard time limit is dead."""
    register_swept_job(
        SweptJob(
            kind="report",
            model="compliance.Report",
            task=report_generate_task,
            queued_since_field="requested_at",
            started_field="started_at",
            failed="failed",
            max_attempts=settings.JOB_MAX_ATTEMPTS,
            queued_threshold=dt.timedelta(seconds=settings.JOB_QUEUED_RESEND_SECONDS),
            running_limit=dt.timedelta(seconds=settings.REPORT_SOFT_TIME_LIMIT + 60),
        )
    )
