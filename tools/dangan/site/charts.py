"""Chart geometry for inline SVG (templates/_charts.html draws it): readable without JavaScript,
every bar labelled with its value, colours from the stylesheet so dark mode works."""

from __future__ import annotations

from dataclasses import dataclass, field

LABEL_WIDTH = 150
VALUE_WIDTH = 60
ROW = 22
BAR = 16
WIDTH = 720
COLUMN_HEIGHT = 180
LEFT = 40  # room for the first rotated label


@dataclass(slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: str
    series: int
    text_x: float = 0.0
    text_y: float = 0.0


@dataclass(slots=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(slots=True)
class Marker:
    x1: float
    y1: float
    x2: float
    y2: float
    text: str


@dataclass(slots=True)
class Chart:
    width: int
    height: int
    series: list[str]
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    vertical: bool = False


def _text(value: float, percent: bool) -> str:
    if percent:
        return f"{value:.0%}"
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}"


def bars(rows: list[tuple[str, list[float]]], series: list[str] | None = None,
         markers: list[tuple[float, str]] = (), percent: bool = False) -> Chart:
    """Horizontal bars, one row per label and one bar per series in it."""
    series = series or [""]
    top = max([v for _, values in rows for v in values] + [m for m, _ in markers] + [0]) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    group = ROW * len(series) + 6
    chart = Chart(WIDTH, group * len(rows) + 6, series)
    for r, (label, values) in enumerate(rows):
        y0 = r * group + 3
        chart.labels.append(Label(LABEL_WIDTH - 6, y0 + group / 2, label))
        for s, value in enumerate(values):
            y = y0 + s * ROW
            width = max(0.0, value) / top * span
            chart.bars.append(Bar(LABEL_WIDTH, y, round(width, 1), BAR, _text(value, percent), s,
                                  LABEL_WIDTH + width + 4, y + BAR - 4))
    for value, text in markers:
        x = LABEL_WIDTH + value / top * span
        chart.markers.append(Marker(round(x, 1), 0, round(x, 1), chart.height, text))
    return chart


def columns(rows: list[tuple[str, float]], percent: bool = False) -> Chart:
    """Vertical columns (a time series: one per month), labels under them."""
    top = max([v for _, v in rows] + [0]) or 1
    slot = max(18.0, min(60.0, (WIDTH - 20) / max(1, len(rows))))
    chart = Chart(int(slot * len(rows) + LEFT + 10), COLUMN_HEIGHT + 60, [""], vertical=True)
    for i, (label, value) in enumerate(rows):
        height = max(0.0, value) / top * COLUMN_HEIGHT
        x = LEFT + i * slot
        chart.bars.append(Bar(round(x + 2, 1), round(20 + COLUMN_HEIGHT - height, 1), round(slot - 4, 1),
                              round(height, 1), _text(value, percent), 0, x + slot / 2,
                              20 + COLUMN_HEIGHT - height - 4))
        chart.labels.append(Label(x + slot / 2, 20 + COLUMN_HEIGHT + 14, label))
    return chart
