"""Accounts: a user's profile and time zone, the API token endpoint, the middleware that
shows every page in the signed-in user's own time zone, and how django-allauth (sign-up,
email verification, login, password reset and change) is set up for this site: its forms
(``forms.py``), its emails' links (``adapter.py``), what axes records of a login
(``lockout.py``), and whether an address is verified (``selectors.py``, which plans uses
before it sends a nudge).

Uses no other app of ours; comparisons and plans use it.
"""
