"""`python manage.py sync_fedramp [--source URL_OR_FILE]`: load FedRAMP's marketplace products."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.fedramp import FedRAMPClient, FedRAMPError
from catalog.fedramp_sync import fedramp_sync


class Command(BaseCommand):
    help = (
        "Load FedRAMP's products (fedramp-products.json), record changes of status and impact level, "
        "and link offerings to the products their FedRAMP ids name. A source that cannot be read or "
        "is malformed changes nothing and exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            default=None,
            help="URL or file of fedramp-products.json (default: FEDRAMP_PRODUCTS_URL).",
        )

    def handle(self, *args, source=None, **options):
        client = FedRAMPClient(timeout=settings.FEDRAMP_TIMEOUT_SECONDS)
        try:
            result = fedramp_sync(client=client, source=source)
        except FedRAMPError as error:
            raise CommandError(f"FedRAMP sync failed, nothing was changed: {error}") from error
        self.stdout.write(
            f"Read {result.source}: {result.created} products added, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
        for change in result.changes:
            self.stdout.write(f"  changed on {change.changed_on}: {change}")
        for slug, fedramp_id in result.links_added:
            self.stdout.write(f"  linked {slug} to {fedramp_id}")
        for slug, fedramp_id in result.links_removed:
            self.stdout.write(f"  unlinked {slug} from {fedramp_id}")
        for slug, fedramp_id in result.ids_not_found:
            self.stderr.write(f"  {slug}: FedRAMP id {fedramp_id} is not in the source")
