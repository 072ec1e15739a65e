"""An inline SVG map of the region: a labelled point at each municipal centre, linking to its page."""

import math
from html import escape

from pipeline.config import Municipality

WIDTH, HEIGHT, PAD = 760, 520, 40
LABEL_STEP = 15  # vertical gap between labels of municipalities that share a centre


def municipal_map_svg(municipalities: tuple[Municipality, ...], href: str = "{code}/") -> str:
    """One self-contained <svg> element; equirectangular projection scaled by the mean latitude."""
    lats = [m.lat for m in municipalities]
    lons = [m.lon for m in municipalities]
    stretch = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * stretch, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((WIDTH - 2 * PAD - 140) / span_x, (HEIGHT - 2 * PAD) / span_y)

    def project(m: Municipality) -> tuple[float, float]:
        return PAD + (m.lon - min(lons)) * stretch * scale, PAD + (max(lats) - m.lat) * scale

    shown: dict[tuple[float, float], int] = {}
    parts = [
        f'<svg class="municipal-map" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="Карта муниципальных образований">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" class="map-ground" rx="8"/>',
    ]
    for m in sorted(municipalities, key=lambda m: m.code):
        x, y = project(m)
        nth = shown.get((round(x), round(y)), 0)
        shown[(round(x), round(y))] = nth + 1
        kind = "map-city" if m.kind == "городской округ" else "map-district"
        link = escape(href.format(code=m.code), quote=True)
        parts.append(
            f'<a href="{link}" class="{kind}"><title>{escape(m.name)} — {escape(m.kind)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{6 if nth == 0 else 0}"/>'
            f'<text x="{x + 9:.1f}" y="{y + 4 + nth * LABEL_STEP:.1f}">{escape(m.name)}</text></a>'
        )
    parts.append("</svg>")
    return "".join(parts)
