"""Every account made before email verification existed gets its address as a verified,
primary allauth ``EmailAddress``.

Those accounts signed up (or were made in the admin) when nothing was verified, and already
get weekly nudges and reset emails at that address: requiring them to verify it now would
lock every existing user out until they found a link we never sent. Accounts without an
address get nothing (they verify one when they add it). Two accounts can share an address
only if one was made outside sign-up; the older keeps it verified, the newer gets it
unverified, since an address is verified for one account at most.

Reversing leaves the addresses alone: removing them would also remove those verified since,
and applying this again would then verify addresses nobody confirmed.
"""

from django.conf import settings
from django.db import migrations


def verify_existing_addresses(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    EmailAddress = apps.get_model("account", "EmailAddress")
    taken = set(EmailAddress.objects.filter(verified=True).values_list("email", flat=True))
    has_address = set(EmailAddress.objects.values_list("user_id", flat=True))
    new = []
    for user_id, email in (
        User.objects.exclude(email="").order_by("pk").values_list("pk", "email").iterator()
    ):
        if user_id in has_address:
            continue
        email = email.strip().lower()
        verified = email not in taken
        taken.add(email)
        new.append(EmailAddress(user_id=user_id, email=email, verified=verified, primary=True))
    EmailAddress.objects.bulk_create(new, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(verify_existing_addresses, migrations.RunPython.noop)]
