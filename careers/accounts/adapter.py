"""How django-allauth speaks for this site: its emails link to SITE_URL and carry the
site's name, whatever Host header the request that sent them carried."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse


def site_link(path: str) -> str:
    """An absolute link for an email. Emails never take their address from the request: a
    proxy that lets any Host through would otherwise let a forged one into a reset link."""
    return f"{settings.SITE_URL}{path}"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        context = {"site_title": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
        super().send_mail(template_prefix, email, context)

    def get_reset_password_from_key_url(self, key: str) -> str:
        uidb36, _, token = key.partition("-")
        return site_link(
            reverse("account_reset_password_from_key", kwargs={"uidb36": uidb36, "key": token})
        )

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return site_link(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_account_already_exists_mail(self, email: str) -> None:
        self.send_mail(
            "account/email/account_already_exists",
            email,
            {
                "password_reset_url": site_link(reverse("account_reset_password")),
                "login_url": site_link(reverse("login")),
            },
        )
