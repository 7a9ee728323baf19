"""What each chart draws, as plain data for a json_script element: static/js/stats.js turns it into
an ECharts option. The same numbers are in the table beside every chart."""

from cases.models import Stage
from stats.models import Colour

COLOUR_HEX = {"": "#6c757d", "blue": "#1f6fd1", "yellow": "#e0b000", "orange": "#e8710a", "red": "#c62828"}


def stage_chart(rows) -> dict:
    """Stacked bars: open cases by stage, one bar per organization."""
    return {
        "kind": "bar",
        "stacked": True,
        "categories": [row.org.short_name or row.org.name for row in rows],
        "series": [
            {"name": label, "data": [row.counts.get(value, 0) for row in rows]}
            for value, label in Stage.choices
        ],
    }


def flow_chart(flow) -> dict:
    """Lines: each flow column by month."""
    from stats.selectors import FLOW_STEPS

    return {
        "kind": "line",
        "categories": [f"{row['month']:%Y-%m}" for row in flow],
        "series": [{"name": label, "data": [row[key] for row in flow]} for key, label, _ in FLOW_STEPS]
        + [{"name": "其他结果", "data": [row["side"] for row in flow]}],
    }


def colour_chart(counts: dict[str, int]) -> dict:
    """Pie: branches by colour."""
    return {
        "kind": "pie",
        "series": [
            {"name": label, "value": counts.get(value, 0), "color": COLOUR_HEX[value]}
            for value, label in Colour.choices
        ],
    }
