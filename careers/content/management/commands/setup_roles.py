from django.core.management.base import BaseCommand

from careers.content.roles import roles_setup


class Command(BaseCommand):
    help = "Create the Editor and Reviewer groups with their permissions (also run by migrate)."

    def handle(self, *args, **options):
        for name, count in roles_setup().items():
            self.stdout.write(f"{name}: {count} permissions")
