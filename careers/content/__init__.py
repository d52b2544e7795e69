"""The curated knowledge base and how editors keep it.

Paths, goals, criteria, red-flag rules, advice, tags, tracks and tips (``models``), with
their citations (``citations``). Every item has one plain-data form, the seed-file form
(``snapshots``): seed files load and export through it (``seeds``), and so do file import
and export (``transfer``), pending changes and the review workflow (``workflow``), history,
compare and preview (``admin``, ``preview``). Users' "was this helpful?" answers and the
shown counters are in ``feedback``; the editorial roles in ``roles``. The public pages
(home, advice library, path pages) and the read-only content API are here too.

Uses no other app of ours: comparisons and plans use it. Where the preview shows an item
inside another app's page or email, that app registers the place (``preview``).
"""
