"""Nobody learns from the sign-up or the reset form whether an address has an account: the
answer is the same, byte for byte (CSRF tokens aside), and only the address's owner hears
about it, by email."""

import re

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from tests.accounts.mailbox import sent_to
from tests.factories import PASSWORD, UserFactory

ADDRESS = "sam@example.com"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def answer(response) -> tuple:
    """What the client sees of a form post, followed to the end: every redirect, the last
    status and the page, with the CSRF tokens (new on every page) taken out."""
    return (
        response.redirect_chain,
        response.status_code,
        CSRF.sub('name="csrfmiddlewaretoken" value=""', response.content.decode()),
    )


def sign_up(email: str, password: str = PASSWORD):
    return Client().post(
        "/accounts/signup/",
        {"email": email, "timezone": "UTC", "password1": password, "password2": password},
        follow=True,
    )


def test_it_answers_a_sign_up_with_a_taken_address_as_one_with_a_new_address(db):
    new = answer(sign_up(ADDRESS))
    [verification] = sent_to(ADDRESS)
    get_user_model().objects.all().delete()
    UserFactory(username="sam-before", email=ADDRESS)
    # Three minutes later, once the first email's rate limit has passed.
    cache.clear()

    taken = answer(sign_up(ADDRESS, password="another-long-passphrase"))

    assert taken == new
    assert new[0] == [("/accounts/confirm-email/", 302)]
    assert "Check your email" in new[2]
    # The owner of the address hears of it; no second account was made.
    [_, notice] = sent_to(ADDRESS)
    assert notice.subject == "You already have an account on Career Advisor"
    assert "already has an account" in notice.body
    assert "/accounts/password/reset/" in notice.body
    assert verification.subject != notice.subject
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["sam-before"]


def test_it_answers_a_taken_address_in_any_case_without_a_second_account(db):
    UserFactory(username="sam", email=ADDRESS)

    response = sign_up("SAM@Example.COM")

    assert response.redirect_chain == [("/accounts/confirm-email/", 302)]
    assert get_user_model().objects.count() == 1
    assert sent_to(ADDRESS)[-1].subject == "You already have an account on Career Advisor"


def reset(email: str):
    return Client().post("/accounts/password/reset/", {"email": email}, follow=True)


def test_it_answers_a_reset_for_an_unknown_address_as_one_for_a_known_address(db):
    UserFactory(username="sam", email=ADDRESS)

    known = answer(reset(ADDRESS))
    unknown = answer(reset("nobody@example.com"))

    assert known == unknown
    assert known[0] == [("/accounts/password/reset/done/", 302)]
    assert "If an account exists for the address you entered" in known[2]
    assert [message.subject for message in sent_to(ADDRESS)] == [
        "Reset your password on Career Advisor"
    ]
    # An address without an account gets nothing: the form cannot be used to mail strangers.
    assert sent_to("nobody@example.com") == []
