from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from careers.content.seeds import seeds_export


class Command(BaseCommand):
    help = (
        "Write the published content back to seed files in the format load_seeds reads "
        "(seeds/ by default, or --output DIR)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=settings.BASE_DIR / "seeds",
            help="Folder to write the seed YAML files to (default: seeds/).",
        )

    def handle(self, *args, output: Path, **options):
        counts = seeds_export(directory=output, progress=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(f"Exported {sum(counts.values())} item(s) to {output}.")
        )
