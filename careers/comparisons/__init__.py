"""Offer comparisons: a user's options on the four paths, their answers and weights, and the
result.

The scoring is a pure function of plain data (``scoring``); ``results`` reads a comparison
from the database into it and says which content a stored result used. A result is scored
once per change and read back otherwise: ``freshness`` says, in one place, what it depends
on. ``rows`` turns a result into what pages show, ``result_page`` keeps the results page's
body in the cache; ``exports`` turns it into CSV and JSON downloads. Writes are in
``services``, reads in ``selectors``, share links in ``sharing``. Pages in ``views``, the API
in ``api`` with its representation in ``serializers``; both answer conditional requests
(``conditional``).

Uses content (criteria, rules, paths, advice) and accounts; neither uses it. Comparisons
have no admin: they are private to their owners, and staff have no need to read them.
"""
