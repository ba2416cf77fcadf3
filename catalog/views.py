"""Public catalog pages: the approved OneGov offerings and their terms."""

from django.db.models import Prefetch
from django.views.generic import ListView

from catalog.models import Agreement, Offering


class OfferingListView(ListView):
    template_name = "catalog/offering_list.html"
    context_object_name = "offerings"

    def get_queryset(self):
        return (
            Offering.objects.filter(status=Offering.Status.APPROVED)
            .select_related("vendor")
            .prefetch_related(Prefetch("agreements", queryset=Agreement.objects.order_by("-announced_on")))
        )
