"""CSV cells a spreadsheet shows as text, for every CSV the advisor writes and reads.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (OWASP "CSV injection"). Such a cell is written with a leading quote;
a cell that starts with a quote gets one too, so reading the guard back off is exact.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def csv_cell(value: object) -> str:
    """A value as a CSV cell: empty for None, yes/no for a boolean, text otherwise, guarded
    when a spreadsheet would run it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith((*FORMULA_STARTS, GUARD)):
        return GUARD + text
    return text


def csv_cell_read(text: str) -> str:
    """The text a ``csv_cell`` was written from: the guard taken off again."""
    if text.startswith(GUARD) and text[1:].startswith((*FORMULA_STARTS, GUARD)):
        return text[1:]
    return text
