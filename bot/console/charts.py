"""Charts of the statistics page, drawn on the server as inline SVG (no script, library or CDN).

Each chart is an image with a title and a description (``role="img"``, ``aria-labelledby``) and
the page shows the same figures as a table next to it (RGAA: information not given by the image
alone). Labels are escaped: they may come from partner ids.
"""
from __future__ import annotations

from markupsafe import Markup, escape

BAR = "#000091"       # the State's « bleu France », contrast 14:1 on white
MUTED = "#3a3a3a"


def _fmt(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def bars(chart_id: str, title: str, items: list[tuple[str, float]], unit: str = "") -> Markup:
    """Horizontal bars, one per (label, value), largest scale first as given."""
    if not items:
        return Markup("<p class=\"vide\">Pas encore de données sur la période.</p>")
    width, row, label_w, top = 500, 28, 235, 8
    height = top + row * len(items) + 8
    top_value = max(v for _, v in items) or 1
    span = width - label_w - 50
    parts = [f'<svg class="graphique" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" width="100%" '
             f'role="img" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
             f'<desc id="{escape(chart_id)}-d">{escape("; ".join(f"{k} : {_fmt(v)}{unit}" for k, v in items))}</desc>']
    for i, (name, value) in enumerate(items):
        y = top + i * row
        w = max(1.0, span * value / top_value) if value else 0
        text = str(name) if len(str(name)) <= 29 else str(name)[:28] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" font-size="14" fill="{MUTED}">'
                     f'{escape(text)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" fill="{BAR}"/>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 18}" font-size="14" fill="{MUTED}">'
                     f'{escape(_fmt(value) + unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(chart_id: str, title: str, items: list[tuple[str, float]]) -> Markup:
    """Vertical columns over time (one per week), the labels of every other week shown."""
    if not items:
        return Markup("<p class=\"vide\">Pas encore de données sur la période.</p>")
    width, height, bottom, left = 480, 220, 40, 36
    plot_h = height - bottom - 16
    step = (width - left - 8) / len(items)
    top_value = max(v for _, v in items) or 1
    parts = [f'<svg class="graphique" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" width="100%" '
             f'role="img" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
             f'<desc id="{escape(chart_id)}-d">{escape("; ".join(f"{k} : {_fmt(v)}" for k, v in items))}</desc>',
             f'<line x1="{left}" y1="{16 + plot_h}" x2="{width - 8}" y2="{16 + plot_h}" stroke="{MUTED}"/>',
             f'<text x="{left - 6}" y="22" text-anchor="end" font-size="13" fill="{MUTED}">{escape(_fmt(top_value))}</text>']
    for i, (name, value) in enumerate(items):
        h = plot_h * value / top_value
        x = left + i * step + step * 0.15
        parts.append(f'<rect x="{x:.1f}" y="{16 + plot_h - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" fill="{BAR}"/>')
        if i % 2 == 0 or len(items) <= 8:
            parts.append(f'<text x="{x + step * 0.35:.1f}" y="{height - 20}" text-anchor="middle" font-size="13" '
                         f'fill="{MUTED}">{escape(str(name)[-3:])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
