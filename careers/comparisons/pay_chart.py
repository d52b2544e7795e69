"""The year-by-year pay chart of an option, as the geometry a server-rendered SVG draws.

Each year is a bar: expected cash at the bottom (solid), expected equity stacked on it
(hatched, so the two read apart without colour), and the year's low-to-high range as a band
drawn across the bar with a line at each end. Every option of a comparison is drawn on the
same scale, so bars compare across charts. The text table beside each chart carries the
same figures: the chart is never the only place a number is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from careers.comparisons.compensation import PayForecast

WIDTH = 320
HEIGHT = 180
TOP = 10
BOTTOM = 150  # the baseline; year labels below it
LEFT = 44
BAR = 40
GAP = 30


@dataclass(frozen=True)
class Bar:
    year: int
    x: float
    label_x: float
    cash_y: float
    cash_height: float
    equity_y: float
    equity_height: float
    band_y: float
    band_height: float
    band_x: float
    band_width: float

    @property
    def band_x2(self) -> float:
        return self.band_x + self.band_width

    @property
    def band_y2(self) -> float:
        return round(self.band_y + self.band_height, 1)


@dataclass(frozen=True)
class PayChart:
    bars: list[Bar]
    top_label: str
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = BOTTOM
    left: int = LEFT
    top: int = TOP
    bar_width: int = BAR

    @property
    def axis_label_x(self) -> int:
        return self.left - 4

    @property
    def top_label_y(self) -> int:
        return self.top + 4

    @property
    def year_label_y(self) -> int:
        return self.baseline + 16


def chart_scale(forecasts: Iterable[PayForecast | None]) -> Decimal:
    """The largest figure any year of any option reaches: the top of every chart."""
    tops = [
        max(year.total.high, year.cash + year.equity)
        for figures in forecasts
        if figures is not None
        for year in figures.years
    ]
    return max([*tops, Decimal(0)])


def _y(value: Decimal, scale: Decimal) -> float:
    value = min(max(value, Decimal(0)), scale)
    return round(BOTTOM - float(value / scale) * (BOTTOM - TOP), 1)


def _short(amount: Decimal) -> str:
    if amount >= 1_000_000:
        return f"{amount / 1_000_000:.1f}M"
    if amount >= 1_000:
        return f"{amount / 1_000:.0f}k"
    return f"{amount:.0f}"


def pay_chart(figures: PayForecast | None, scale: Decimal, currency: str) -> PayChart | None:
    """The chart of one option's forecast on a shared ``scale``; ``None`` with nothing to draw."""
    if figures is None or scale <= 0:
        return None
    bars = []
    for index, year in enumerate(figures.years):
        x = LEFT + GAP / 2 + index * (BAR + GAP)
        cash = max(year.cash, Decimal(0))
        equity = max(year.equity, Decimal(0))
        cash_top = _y(cash, scale)
        equity_top = _y(cash + equity, scale)
        high, low = _y(year.total.high, scale), _y(year.total.low, scale)
        bars.append(
            Bar(
                year=year.year,
                x=x,
                label_x=x + BAR / 2,
                cash_y=cash_top,
                cash_height=round(BOTTOM - cash_top, 1),
                equity_y=equity_top,
                equity_height=round(cash_top - equity_top, 1),
                band_y=high,
                band_height=round(low - high, 1),
                band_x=x + BAR / 2 - 6,
                band_width=12,
            )
        )
    return PayChart(bars=bars, top_label=f"{_short(scale)} {currency}")
