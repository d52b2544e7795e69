"""Signing up in the browser as a person does (the form, then the link in the email), and
logging in."""

from tests.accounts.mailbox import confirmation_link
from tests.factories import PASSWORD


def fill_sign_up(page, email: str, password: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password confirmation", exact=True).fill(password)


def submit_sign_up(page, email: str) -> None:
    """Send the form, then open the confirmation link emailed to ``email`` and confirm:
    the account is logged in on its dashboard."""
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert page.get_by_role("heading", name="Check your email").is_visible()
    page.goto(confirmation_link(email))
    page.get_by_role("button", name="Confirm", exact=True).click()
    page.wait_for_url("**/dashboard/")


def sign_up(page, email: str, password: str) -> None:
    fill_sign_up(page, email, password)
    submit_sign_up(page, email)


def log_in(page, user, password: str = PASSWORD) -> None:
    """Log in through the form as ``user`` (made by ``UserFactory``): on their dashboard."""
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")
