"""One process of the cross-process rate-limit test: asks for password resets through the
site's own form (Django's test client, no server) and prints what came of them as JSON.

``python -m tests.accounts.reset_requests <address> <times> [--create]`` with the settings
taken from the environment (REDIS_URL, VAR_DIR); ``--create`` first makes a verified account
with that address.
"""

import json
import os
import sys

import django


def main(argv: list[str]) -> None:
    address, times = argv[0], int(argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")
    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.core import mail
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # emails go to mail.outbox, the test client's host is allowed
    if "--create" in argv:
        user = get_user_model().objects.create_user("sam", email=address, password="x" * 20)
        EmailAddress.objects.create(user=user, email=address, verified=True, primary=True)
    statuses = [
        Client().post("/accounts/password/reset/", {"email": address}).status_code
        for _ in range(times)
    ]
    print(json.dumps({"statuses": statuses, "sent": len(mail.outbox)}))


if __name__ == "__main__":
    main(sys.argv[1:])
