"""The capacity chart: devices open per node and per provider against the Max Devices lines.

Rendered with matplotlib's Agg backend on a `Figure` of its own (never pyplot's
global state), so it needs no display and worker threads may draw at once.
A provider series is one application user on one node, as CUCM counts Max
Devices Per Provider; only the busiest providers get a line, and the figures
say how many were left out.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from bot.health.capacity import Sample

MAX_PROVIDER_LINES = 8
DPI = 100


@dataclass(frozen=True)
class Series:
    subject: str
    label: str  # `cucm-sub1`, `ctiapp_ivr on cucm-sub1`
    at: list[datetime]
    open: list[int]
    limit: list[int]

    @property
    def latest(self) -> int:
        return self.open[-1]

    @property
    def peak(self) -> int:
        return max(self.open)


def series(samples: Iterable[Sample]) -> tuple[list[Series], list[Series]]:
    """(nodes, providers), each sorted busiest first (by peak, then name)."""
    grouped: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        grouped[sample.subject].append(sample)
    built = [
        Series(
            subject,
            _label(subject),
            [s.at for s in rows],
            [s.open for s in rows],
            [s.limit for s in rows],
        )
        for subject, rows in grouped.items()
    ]
    built.sort(key=lambda s: (-s.peak, s.label))
    return (
        [s for s in built if s.subject.startswith("node/")],
        [s for s in built if not s.subject.startswith("node/")],
    )


def render_png(cluster: str, samples: Iterable[Sample], window: str) -> bytes:
    nodes, providers = series(samples)
    figure = Figure(figsize=(10, 7), dpi=DPI, layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True)
    _panel(top, nodes, "Devices open per node", "Max Devices Per Node")
    _panel(
        bottom,
        providers[:MAX_PROVIDER_LINES],
        "Devices open per provider",
        "Max Devices Per Provider",
    )
    figure.suptitle(f"CTI capacity of {cluster}, last {window}")
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def figures(samples: Iterable[Sample]) -> list[str]:
    """The chart's numbers as text: now, peak and limit per series."""
    nodes, providers = series(samples)
    lines = [_figure_line(s) for s in nodes]
    lines += [_figure_line(s) for s in providers[:MAX_PROVIDER_LINES]]
    if len(providers) > MAX_PROVIDER_LINES:
        lines.append(f"showing {MAX_PROVIDER_LINES} of {len(providers)} providers (the busiest)")
    return lines


def _figure_line(s: Series) -> str:
    limit = s.limit[-1]
    percent = f" ({round(100 * s.latest / limit)} %)" if limit else ""
    kind = "Node" if s.subject.startswith("node/") else "Provider"
    return f"{kind} {s.label}: {s.latest} open now{percent}, peak {s.peak}, limit {limit}"


def _panel(ax: Axes, shown: list[Series], title: str, limit_name: str) -> None:
    ax.set_title(title, loc="left")
    ax.set_ylabel("devices")
    limits: dict[datetime, int] = {}
    for s in shown:
        ax.plot(s.at, s.open, label=s.label, linewidth=1.2)  # type: ignore[arg-type]  # dates: stubs lack units
        for at, value in zip(s.at, s.limit, strict=True):
            limits[at] = max(limits.get(at, 0), value)
    if limits:
        times = sorted(limits)
        ax.step(
            times,  # type: ignore[arg-type]  # dates: matplotlib's stubs omit its unit converters
            [limits[t] for t in times],
            where="post",
            color="#D40E0D",
            linestyle="--",
            label=limit_name,
        )
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        ax.legend(loc="upper left", fontsize="small")
    else:
        ax.text(0.5, 0.5, "no samples yet", ha="center", transform=ax.transAxes)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)


def _label(subject: str) -> str:
    parts = subject.split("/")
    if parts[0] == "node":
        return "/".join(parts[1:])
    if len(parts) == 3:
        return f"{parts[1]} on {parts[2]}"
    return subject
