from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Agencies"

    def ready(self):
        from agencies import signin
        from agencies.links import register_object_urls
        from agencies.receivers import offering_status_changed_flag
        from catalog.signals import offering_status_changed

        signin.connect_signals()
        register_object_urls()
        offering_status_changed.connect(offering_status_changed_flag, dispatch_uid="agencies.offboarding_flags")
