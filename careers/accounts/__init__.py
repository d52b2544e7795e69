"""Accounts: a user's profile and time zone, sign-up, the API token endpoint, and the
middleware that shows every page in the signed-in user's own time zone.

Uses no other app of ours; comparisons and plans use it.
"""
