from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from careers.accounts.services import email_verified_set, profile_get_or_create
from careers.content.models import LearningTrack
from careers.plans.models import LearningPlan
from careers.plans.services import plan_create


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo login used by `make run`: a superuser with a verified "
        "address, so the admin is usable. Refuses to run with DEBUG off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo login is for local use only: DEBUG is off.")
        username, password = settings.DEMO_USERNAME, settings.DEMO_PASSWORD
        user, created = get_user_model().objects.get_or_create(username=username)
        user.email = f"{username}@example.com"
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        profile_get_or_create(user=user)
        # The address is a placeholder of ours, so it is verified here: the demo logs in and
        # gets its nudges without a confirmation link first.
        email_verified_set(user=user)
        verb = "Created" if created else "Reset"
        self.stdout.write(self.style.SUCCESS(f"{verb} the demo login: {username} / {password}"))

        track = LearningTrack.objects.published().first()
        if track is not None and not LearningPlan.objects.filter(owner=user).exists():
            plan = plan_create(owner=user, track=track)
            # Due at once, so beat's next dispatch (every 15 minutes) sends the first nudge
            # and it can be read in the local mail folder.
            LearningPlan.objects.filter(pk=plan.pk).update(next_nudge_at=timezone.now())
            self.stdout.write(
                "Created a demo learning plan; its first weekly nudge goes out at beat's next "
                "dispatch (within 15 minutes) and lands in the mail folder (var/mail/)."
            )
