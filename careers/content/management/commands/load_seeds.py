from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from careers.content.seeds import seeds_load
from careers.content.snapshots import SnapshotError


class Command(BaseCommand):
    help = (
        "Load the seed content in seeds/ (or --directory). Idempotent; items changed in the "
        "admin since the last load are kept and listed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=settings.BASE_DIR / "seeds",
            help="Folder holding the seed YAML files (default: seeds/).",
        )

    def handle(self, *args, directory: Path, **options):
        try:
            report = seeds_load(directory=directory, progress=self.stdout.write)
        except SnapshotError as error:
            raise CommandError(f"{error}\nNothing was loaded.") from None
        for file, key in report.kept:
            self.stdout.write(
                self.style.WARNING(
                    f"kept {file}: {key} (edited in the admin since the last load; "
                    "the seed version was not applied)"
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Seeds loaded: {report.changed} item(s) changed."))
