from django.apps import AppConfig

# The models core took over from compliance in the layout step; their older audit events keep the old label.
FORMER_LABELS = {
    "core.auditevent": "compliance.auditevent",
    "core.auditchainhead": "compliance.auditchainhead",
    "core.jobdispatch": "compliance.jobdispatch",
}


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Registry machinery"

    def ready(self):
        from core.audit import object_type_register_former

        for current, former in FORMER_LABELS.items():
            object_type_register_former(current=current, former=former)
