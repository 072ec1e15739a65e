"""Bar charts as inline SVG, drawn here so the site needs no chart library and works offline."""

from html import escape

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 260, 48, 36, 28


def bar_chart_svg(
    title: str, categories: list[str], series: list[tuple[str, list, str]], people_threshold: int = 0
) -> str:
    """Grouped bars: for each category one bar per series (label, values, css class), with a legend.

    A missing value (None/NaN: not reported yet) draws no bar; with people_threshold, counts of people
    from 1 to threshold-1 are drawn at the threshold's height and labelled «<threshold», as tables show them.
    """
    series = [(label, [_value(v) for v in values], css) for label, values, css in series]
    peak = max([v for _, values, _ in series for v in values if v is not None] + [1])
    top = _nice(peak)
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(len(categories), 1)
    bar = slot * 0.7 / max(len(series), 1)
    parts = [
        f'<svg class="bar-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title, quote=True)}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(5):
        value = top * tick / 4
        y = TOP + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - 10}" y2="{y:.1f}" class="chart-grid"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="chart-tick">{value:g}</text>'
        )
    for i, category in enumerate(categories):
        x0 = LEFT + i * slot + slot * 0.15
        for j, (label, values, css) in enumerate(series):
            value = values[i]
            if value is None:
                continue
            shown = str(value)
            if 0 < value < people_threshold:
                value, shown = people_threshold, f"<{people_threshold}"
            h = plot_h * value / top
            x = x0 + j * bar
            y = TOP + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" class="{css}">'
                f"<title>{escape(category)}, {escape(label)}: {escape(shown)}</title></rect>"
                f'<text x="{x + (bar - 2) / 2:.1f}" y="{y - 3:.1f}" class="chart-value">{escape(shown)}</text>'
            )
        parts.append(
            f'<text x="{LEFT + i * slot + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'class="chart-category">{escape(category)}</text>'
        )
    x = LEFT
    for label, _, css in series:
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" class="{css}"/>'
            f'<text x="{x + 16}" y="16" class="chart-legend">{escape(label)}</text>'
        )
        x += 24 + 8 * len(label)
    parts.append("</svg>")
    return "".join(parts)


def _value(value: object) -> int | None:
    if value is None or value != value:  # NaN: nothing reported
        return None
    return int(value)


def _nice(peak: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k at or above the peak, so ticks fall on round numbers."""
    scale = 1.0
    while scale * 10 <= peak:
        scale *= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * scale >= peak:
            return step * scale
    return 10 * scale
