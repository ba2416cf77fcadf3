from django.apps import AppConfig

# The models agencies took over from compliance in the layout step; their older audit events keep the old label.
FORMER_LABELS = {
    "agencies.webhooksubscription": "compliance.webhooksubscription",
    "agencies.webhookdelivery": "compliance.webhookdelivery",
    "agencies.signinthrottle": "compliance.signinthrottle",
}


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Agencies"

    def ready(self):
        from agencies import signin
        from agencies.links import register_object_urls
        from agencies.receivers import offering_status_changed_flag
        from catalog.signals import offering_status_changed
        from core.audit import object_type_register_former

        for current, former in FORMER_LABELS.items():
            object_type_register_former(current=current, former=former)

        signin.connect_signals()
        register_object_urls()
        offering_status_changed.connect(offering_status_changed_flag, dispatch_uid="agencies.offboarding_flags")
