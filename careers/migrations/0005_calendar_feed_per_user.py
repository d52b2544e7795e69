import secrets

from django.db import migrations, models

import careers.models.accounts


def give_each_profile_a_token(apps, schema_editor):
    Profile = apps.get_model("careers", "Profile")
    for profile in Profile.objects.filter(calendar_token__isnull=True).iterator():
        profile.calendar_token = secrets.token_urlsafe(32)
        profile.save(update_fields=["calendar_token"])


class Migration(migrations.Migration):
    """The calendar feed moves from one secret URL per plan to one per user.

    The token is added without a default first, filled row by row (a single default would
    give every existing profile the same secret), and only then made unique."""

    dependencies = [
        ("careers", "0004_plan_start_date_bounds"),
    ]

    operations = [
        migrations.RemoveField(model_name="learningplan", name="calendar_token"),
        migrations.AddField(
            model_name="profile",
            name="calendar_token",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(give_each_profile_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="profile",
            name="calendar_token",
            field=models.CharField(
                default=careers.models.accounts.new_calendar_token, max_length=64, unique=True
            ),
        ),
    ]
