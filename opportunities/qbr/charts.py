"""The agenda's charts drawn as PNG images (matplotlib) for the deck and the printable page.

Japanese labels need a CJK font: Noto Sans CJK (Debian's fonts-noto-cjk) when installed.
Without one, the legends show numbers and the table beside each chart carries the names.
"""

import functools
import io

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure  # drawn without pyplot: no GUI backend, thread-safe

from .agenda import KPIs

CJK_FAMILIES = ("Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "TakaoGothic")
SIZE_INCHES = (8, 3.6)
DPI = 120


@functools.cache
def cjk_family() -> str | None:
    """The first installed font that draws Japanese, or None."""
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def _label(text: str, index: int) -> str:
    """`text` if the chart can draw it, else its number in the table beside the chart."""
    return text if text.isascii() or cjk_family() else f"#{index + 1}"


def _figure() -> Figure:
    return Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _with_cjk_font(draw):
    """Draw with the CJK font first: text takes its font when it is created."""

    @functools.wraps(draw)
    def wrapped(kpis: KPIs) -> bytes:
        family = cjk_family()
        with matplotlib.rc_context({"font.family": [family, "DejaVu Sans"]} if family else {}):
            return draw(kpis)

    return wrapped


@_with_cjk_font
def usage_png(kpis: KPIs) -> bytes:
    """Monthly use of each subscription, with its monthly allowance as a dashed line."""
    figure = _figure()
    axes = figure.add_subplot()
    labels = [month.strftime("%Y-%m") for month in kpis.months]
    for index, line in enumerate(kpis.usage):
        drawn = axes.plot(
            labels, [float(v) for v in line.values], marker="o", label=_label(line.label, index)
        )
        if line.allowance:
            axes.axhline(
                float(line.allowance), linestyle="--", linewidth=1, color=drawn[0].get_color()
            )
    if kpis.usage:
        axes.legend(loc="upper left", fontsize="small")
    axes.grid(alpha=0.3)
    return _png(figure)


@_with_cjk_font
def score_png(kpis: KPIs) -> bytes:
    """The loyalty score over the quarter, 0 to 100."""
    figure = _figure()
    axes = figure.add_subplot()
    axes.plot(
        [s.as_of for s in kpis.scores], [float(s.score) for s in kpis.scores], color="#0d6efd"
    )
    axes.set_ylim(0, 100)
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    return _png(figure)


CHARTS = {"usage": usage_png, "score": score_png}
