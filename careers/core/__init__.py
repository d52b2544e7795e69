"""What every app of the advisor uses and none of them owns.

Form helpers and model-stated bounds (``forms``), the API's error handler and slug lookups
(``api``), spreadsheet-safe CSV cells (``csv_cells``), the secret-token URL converter
(``converters``), the site's template context (``context_processors``) and the health check
behind ``/healthz`` (``health``, ``views``, ``tasks``), the at-most-once hand-over
of an email to the mail server (``sending``), and the registry where each app says what an
account's export holds and its deletion removes (``account_data``). It imports no other app
of ours.
"""
