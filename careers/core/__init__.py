"""What every app of the advisor uses and none of them owns.

Form helpers and model-stated bounds (``forms``), the API's error handler and slug lookups
(``api``), spreadsheet-safe CSV cells (``csv_cells``), the secret-token URL converter
(``converters``), the site's template context (``context_processors``) and the health check
behind ``/healthz`` (``health``, ``views``, ``tasks``), and the at-most-once hand-over
of an email to the mail server (``sending``). It imports no other app of ours.
"""
