"""Notebook display, pandas tables and plots of results. pandas and matplotlib are optional
and imported only when asked for."""

from __future__ import annotations

import datetime
import decimal
import html
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ahb._ahb import Plan, Position

POSITION_TABLES = ("pools", "lines", "resources", "over_claimed", "under_claimed")
PLAN_TABLES = ("assignments", "changes", "pools", "lines")


MONEY_MODES = ("float", "decimal", "arrow")

#: The names people use for the core's identifiers, the same in text, HTML and frames.
HUMAN_NAMES: dict[str, str] = {
    "windows_server": "Windows Server",
    "sql_server": "SQL Server",
    "rhel": "RHEL",
    "sles": "SLES",
    "max_savings": "maximum savings",
    "min_change": "minimum change",
    "compliance_first": "compliance first",
    "exact": "exact",
    "greedy_with_bound": "greedy with bound",
    "max_nc_utilization": "maximum NC utilisation",
    "max_cost_savings": "maximum cost savings",
    "deterministic_order": "deterministic order",
}

#: Columns of result frames whose values are such identifiers.
HUMAN_COLUMNS = ("pool", "method", "objective", "strategy")


def human(name: Any) -> Any:
    """The human name of a core identifier (``windows_server`` -> ``Windows Server``)."""
    return HUMAN_NAMES.get(name, name) if isinstance(name, str) else name


def unpriced_units_text(summary: dict[str, Any]) -> str:
    """The units at stake per pool, as the core's text reports say them:
    ``40 Windows Server core licences, 56 SQL Server normalised cores``."""
    return ", ".join(
        f"{p['units']} {human(p['pool'])} {p['unit']}" for p in summary.get("by_pool") or []
    )


def unpriced_sentence(summary: dict[str, Any], certificate: dict[str, Any] | None = None) -> str:
    """One sentence on the eligible resources without prices; empty when there are none. With
    a plan's ``certificate``, what the plan did with them (zero, or the unit proxy)."""
    n = summary.get("resources") or 0
    if not n:
        return ""
    units = f"{summary['units']} licence units: {unpriced_units_text(summary)}"
    if certificate is None:
        claimed = sum(p.get("claimed_units") or 0 for p in summary.get("by_pool") or [])
        return (
            f"UNPRICED: {n} eligible resources ({units}; {claimed} of them claimed today) have "
            "no price: their savings count as zero in the totals."
        )
    if certificate.get("scope") == "priced_then_unpriced_by_units":
        carried = sum(p.get("carried_units") or 0 for p in summary.get("by_pool") or [])
        return (
            f"UNIT PROXY (unpriced = by_units): {n} resources without prices ({units}) were "
            f"valued by the licence units they would use, after every priced saving (a proxy, "
            f"not money): the plan gives them {carried} units; their savings are not in the totals."
        )
    return (
        f"UNPRICED: {n} resources that could carry the benefit ({units}) have no price and "
        "count as zero: the optimum is over the priced resources only; give their prices, or "
        "optimise with unpriced = by_units."
    )


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "to_pandas() needs pandas: pip install pandas (or the wheel's extra, ahb[pandas])"
        ) from e
    return pandas


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ in ("NAType", "NaTType")


def _money_column(values: list[Any], money: str) -> Any:
    """A column of Decimals (and missing cells) as float64, object Decimals or Arrow decimal."""
    pd = _pandas()
    if money == "decimal":
        return pd.Series([None if _missing(v) else v for v in values], dtype=object)
    if money == "arrow":
        try:
            import pyarrow as pa
        except ImportError as e:
            raise ImportError("money='arrow' needs pyarrow: pip install pyarrow") from e
        present = [v for v in values if not _missing(v)]
        scale = max((max(0, -int(v.as_tuple().exponent)) for v in present), default=0)
        arr = pa.array([None if _missing(v) else v for v in values], type=pa.decimal128(38, scale))
        return pd.Series(pd.array(arr, dtype=pd.ArrowDtype(arr.type)))
    import numpy as np

    return pd.Series(
        np.array([math.nan if _missing(v) else float(v) for v in values], dtype="float64")
    )


def typed_frame(rows: list[dict[str, Any]], money: str = "float", names: bool = True) -> pd.DataFrame:
    """A DataFrame of result rows with pandas-native dtypes: money (``Decimal`` cells) as
    float64 (``money="decimal"``: object Decimals; ``money="arrow"``: Arrow decimal), dates
    as ``datetime64``, counts with gaps as ``Int64``, flags with gaps as ``boolean``; with
    ``names``, core identifiers in :data:`HUMAN_COLUMNS` as their human names."""
    if money not in MONEY_MODES:
        raise ValueError(f"money must be one of {', '.join(MONEY_MODES)}, not {money!r}")
    pd = _pandas()
    columns: dict[str, None] = {}
    for r in rows:
        for k in r:
            columns.setdefault(k, None)
    data: dict[str, Any] = {}
    for c in columns:
        values = [r.get(c) for r in rows]
        present = [v for v in values if not _missing(v)]
        cells = [None if _missing(v) else v for v in values]
        gaps = len(present) < len(values)
        if not present:
            data[c] = pd.Series(cells, dtype=object)
        elif all(isinstance(v, decimal.Decimal) for v in present):
            data[c] = _money_column(values, money)
        elif all(isinstance(v, datetime.date) for v in present):
            data[c] = pd.to_datetime(pd.Series(cells, dtype=object))
        elif all(isinstance(v, bool) for v in present):
            data[c] = pd.Series(cells, dtype="boolean" if gaps else bool)
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in present):
            data[c] = pd.Series(cells, dtype="Int64" if gaps else "int64")
        elif names and c in HUMAN_COLUMNS and all(isinstance(v, str) for v in present):
            data[c] = pd.Series([human(v) for v in cells])
        elif all(isinstance(v, str) for v in present):
            data[c] = pd.Series(cells)
        else:
            data[c] = pd.Series(cells, dtype=object)
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


def _rules(reasons: list[dict[str, Any]]) -> str:
    return ", ".join(r["rule"] for r in reasons)


def position_rows(position: Position, table: str) -> list[dict[str, Any]]:
    """The rows of one table of a position, as flat dicts."""
    d = position.to_dict()
    if table == "pools":
        rows = []
        for p in d["pools"]:
            row = {k: v for k, v in p.items() if k not in ("lines", "shortfall_by_draw", "additive")}
            add = p.get("additive") or {}
            row["additive_demand"] = add.get("demand")
            row["additive_shortfall"] = add.get("shortfall")
            rows.append(row)
        return rows
    if table == "lines":
        return [
            {**{k: v for k, v in line.items() if k != "reasons"}, "rules": _rules(line["reasons"])}
            for p in d["pools"]
            for line in p["lines"]
        ]
    if table == "resources":
        rows = []
        for r in d["resources"]:
            base = {"resource": r["resource"], "kind": r["kind"], "scope": r.get("scope")}
            if not r["requirements"]:
                rows.append({**base, "pool": None, "rules": _rules(r.get("notes", []))})
            for q in r["requirements"]:
                rows.append(
                    {
                        **base,
                        **{k: v for k, v in q.items() if k != "reasons"},
                        "rules": _rules(q["reasons"]),
                    }
                )
        return rows
    if table == "over_claimed":
        return [
            {
                **{k: v for k, v in o.items() if k != "reason"},
                "rule": o["reason"]["rule"],
                "reason": o["reason"]["text"],
            }
            for o in d["over_claimed"]
        ]
    if table == "under_claimed":
        return list(d["under_claimed"])
    raise ValueError(f"unknown table {table!r}; known: {', '.join(POSITION_TABLES)}")


def plan_rows(plan: Plan, table: str) -> list[dict[str, Any]]:
    """The rows of one table of a plan, as flat dicts."""
    d = plan.to_dict()
    if table == "assignments":
        return [
            {
                **{k: v for k, v in a.items() if k not in ("reasons", "lines")},
                "lines": ", ".join(f"{s['line']}:{s['units']}" for s in a["lines"]),
                "rules": _rules(a["reasons"]),
            }
            for a in d["assignments"]
        ]
    if table == "changes":
        return list(d["changes"])
    if table == "pools":
        rows = []
        for p in d["pools"]:
            row = {k: v for k, v in p.items() if k not in ("lines", "certificate")}
            cert = p.get("certificate") or {}
            row["upper_bound"] = cert.get("upper_bound")
            row["gap"] = cert.get("gap")
            row["proven_optimal"] = cert.get("proven_optimal")
            rows.append(row)
        return rows
    if table == "lines":
        return [
            {**{k: v for k, v in line.items() if k != "reasons"}, "rules": _rules(line["reasons"])}
            for p in d["pools"]
            for line in p["lines"]
        ]
    raise ValueError(f"unknown table {table!r}; known: {', '.join(PLAN_TABLES)}")


def position_frame(position: Position, table: str, money: str = "float") -> pd.DataFrame:
    return typed_frame(position_rows(position, table), money)


def plan_frame(plan: Plan, table: str, money: str = "float") -> pd.DataFrame:
    return typed_frame(plan_rows(plan, table), money)


#: Rows of the over- and under-claimed tables in notebook HTML (``ahb.report`` takes ``top``).
HTML_TOP = 10


def _text(key: str, v: Any) -> str:
    """A cell: money grouped with two decimals, identifiers by their human names."""
    if v is None:
        return ""
    if isinstance(v, decimal.Decimal):
        return f"{v.quantize(decimal.Decimal('0.01'), rounding=decimal.ROUND_HALF_EVEN):,.2f}"
    if key in HUMAN_COLUMNS:
        return str(human(v))
    return str(v)


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> str:
    head = "".join(f"<th>{html.escape(title)}</th>" for _, title in columns)
    body = []
    for r in rows:
        cells = []
        for key, _ in columns:
            v = r.get(key)
            numeric = isinstance(v, (int, float, decimal.Decimal)) and not isinstance(v, bool)
            align = ' style="text-align:right"' if numeric else ""
            cells.append(f"<td{align}>{html.escape(_text(key, v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def position_html(position: Position) -> str:
    d = position.to_dict()
    verdict = "compliant" if d["compliant"] else "NOT compliant"
    colour = "#1a7f37" if d["compliant"] else "#cf222e"
    pools = _table(
        position_rows(position, "pools"),
        [
            ("pool", "pool"),
            ("supply_for_vms", "for VMs"),
            ("supply_for_hosts", "for hosts"),
            ("claimed", "claimed"),
            ("covered", "covered"),
            ("shortfall", "short"),
            ("idle", "idle"),
            ("eligible_demand", "eligible"),
            ("unit", "unit"),
        ],
    )
    t = d["totals"]
    totals = _table(
        [t],
        [
            ("claimed_monthly_savings", "claimed savings / month"),
            ("at_risk_monthly_savings", "at risk / month"),
            ("unclaimed_monthly_savings", "unclaimed / month"),
            ("unclaimed_yearly_savings", "unclaimed / year"),
        ],
    )
    over = sorted(position_rows(position, "over_claimed"),
                  key=lambda r: r.get("monthly_savings") or 0, reverse=True)
    under = sorted(position_rows(position, "under_claimed"),
                   key=lambda r: r.get("monthly_savings") or 0, reverse=True)
    over_t = _table(over[:HTML_TOP], [("resource", "resource"), ("pool", "pool"), ("units", "units"),
                                      ("monthly_savings", "at risk / month"), ("rule", "rule"),
                                      ("reason", "why")])
    under_t = _table(under[:HTML_TOP], [("resource", "resource"), ("pool", "pool"), ("units", "units"),
                                        ("monthly_savings", "unclaimed / month"),
                                        ("yearly_savings", "unclaimed / year")])
    unpriced = unpriced_sentence(d.get("unpriced_summary") or {})
    unpriced_p = f'<p style="color:#cf222e">{html.escape(unpriced)}</p>' if unpriced else ""
    return (
        f"<div><p><b>ahb position</b> on {d['as_of']} under rule set "
        f"{html.escape(d['rule_set']['version'])}: "
        f'<b style="color:{colour}">{verdict}</b>; '
        f"{len(d['over_claimed'])} over-claimed, {len(d['under_claimed'])} under-claimed, "
        f"{len(d['resources'])} resources.</p>{unpriced_p}{pools}{totals}"
        f"<p><b>Over-claimed</b> (largest {min(HTML_TOP, len(over))} of {len(over)})</p>{over_t}"
        f"<p><b>Under-claimed</b> (largest {min(HTML_TOP, len(under))} of {len(under)})</p>{under_t}</div>"
    )


def plan_html(plan: Plan) -> str:
    d = plan.to_dict()
    c = d["certificate"]
    pools = _table(
        plan_rows(plan, "pools"),
        [
            ("pool", "pool"),
            ("method", "method"),
            ("used", "used"),
            ("idle", "idle"),
            ("reserve", "reserve"),
            ("monthly_savings", "savings / month"),
            ("gap", "gap"),
            ("unit", "unit"),
        ],
    )
    t = d["totals"]
    totals = _table(
        [t],
        [
            ("monthly_savings", "plan savings / month"),
            ("today_monthly_savings", "today / month"),
            ("yearly_savings", "plan / year"),
            ("changes", "changes"),
        ],
    )
    proof = "proven optimal" if c["proven_optimal"] else f"gap {c['gap']} (bound {c['upper_bound']})"
    if c.get("scope") == "priced_resources_only":
        proof += " over the priced resources only"
    elif c.get("scope") == "priced_then_unpriced_by_units":
        proof += " over the priced savings, then the unpriced resources' licence units"
    unpriced = unpriced_sentence(d.get("unpriced_summary") or {}, c)
    unpriced_p = f'<p style="color:#cf222e">{html.escape(unpriced)}</p>' if unpriced else ""
    return (
        f"<div><p><b>ahb plan</b> for {d['as_of']} under rule set "
        f"{html.escape(d['rule_set']['version'])}: {proof}; "
        f"{len(d['changes'])} changes.</p>{unpriced_p}{pools}{totals}</div>"
    )


def _pyplot(what: str) -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError(
            f"{what} needs matplotlib: pip install matplotlib (or the wheel's extra, ahb[plot])"
        ) from e
    return plt


def coverage_money(position: Position) -> list[dict[str, Any]]:
    """Monthly savings per pool: ``covered`` (claimed and covered), ``at_risk`` (claimed
    without cover: the over-claimed resources) and ``unclaimed`` (under-claimed)."""
    d = position.to_dict()
    out: dict[str, dict[str, Any]] = {}
    for p in d["pools"]:
        out[p["pool"]] = {"pool": p["pool"], "unit": p["unit"], "covered": decimal.Decimal(0),
                          "at_risk": decimal.Decimal(0), "unclaimed": decimal.Decimal(0)}
    for r in d["resources"]:
        for q in r["requirements"]:
            if q.get("claimed") and q.get("monthly_savings") is not None and q.get("pool") in out:
                out[q["pool"]]["covered"] += q["monthly_savings"]
    for o in d["over_claimed"]:
        if o.get("monthly_savings") is not None and o["pool"] in out:
            out[o["pool"]]["at_risk"] += o["monthly_savings"]
            out[o["pool"]]["covered"] -= o["monthly_savings"]
    for u in d["under_claimed"]:
        if u.get("monthly_savings") is not None and u["pool"] in out:
            out[u["pool"]]["unclaimed"] += u["monthly_savings"]
    for row in out.values():
        row["covered"] = max(row["covered"], decimal.Decimal(0))
    return list(out.values())


def plot_coverage(position: Position, ax: Any = None) -> Any:
    """Savings per month by pool, covered, at risk (over-claimed) and unclaimed, as stacked
    horizontal bars; without ``ax``, one more panel per unit (core licences, normalised cores,
    subscription units) with covered, short and idle units, so RHEL and SLES are not lost
    beside thousands of cores. Returns the money Axes. Needs matplotlib."""
    plt = _pyplot("plot_coverage()")
    money = coverage_money(position)
    units = position_rows(position, "pools")
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for r in units:
        by_unit.setdefault(r["unit"], []).append(r)
    if ax is None:
        fig, axes = plt.subplots(
            1 + len(by_unit), 1, figsize=(8, 2.2 * (1 + len(by_unit)) + 1), squeeze=False,
            gridspec_kw={"height_ratios": [2] + [1] * len(by_unit)},
        )
        ax = axes[0][0]
        unit_axes = [a[0] for a in axes[1:]]
    else:
        unit_axes = []
    names = [human(r["pool"]) for r in money]
    left = [0.0] * len(money)
    for key, label, colour in (("covered", "claimed and covered", "#2da44e"),
                               ("at_risk", "at risk (over-claimed)", "#cf222e"),
                               ("unclaimed", "unclaimed (under-claimed)", "#bf8700")):
        vals = [float(r[key]) for r in money]
        ax.barh(names, vals, left=left, label=label, color=colour)
        left = [a + b for a, b in zip(left, vals)]
    ax.invert_yaxis()
    ax.set_xlabel("savings per month")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:,.0f}"))
    ax.set_title(f"AHB coverage by pool on {position.as_of}: savings per month")
    ax.legend(loc="lower right", fontsize="small")
    for uax, (unit, rows) in zip(unit_axes, by_unit.items()):
        pools = [human(r["pool"]) for r in rows]
        start = [0.0] * len(rows)
        for key, label, colour in (("covered", "covered", "#2da44e"), ("shortfall", "short", "#cf222e"),
                                   ("idle", "idle", "#8c959f")):
            vals = [float(r[key]) for r in rows]
            uax.barh(pools, vals, left=start, label=label, color=colour)
            start = [a + b for a, b in zip(start, vals)]
        uax.invert_yaxis()
        uax.set_xlabel(unit)
        uax.legend(loc="lower right", fontsize="small")
    if unit_axes:
        ax.figure.tight_layout()
    return ax


def _frame(rows: list[dict[str, Any]], money: str = "float") -> pd.DataFrame:
    return typed_frame(rows, money)


def timeline_rows(timeline: Any, table: str | None) -> list[dict[str, Any]]:
    """``"steps"`` (default: one row per date, shortfall per pool as columns) or ``"events"``."""
    d = timeline.to_dict()
    if table in (None, "steps"):
        rows = []
        for s in d["steps"]:
            row = {k: v for k, v in s.items() if k not in ("pools", "events")}
            for p in s["pools"]:
                row[f"{p['pool']}_shortfall"] = p["shortfall"]
            row["events"] = "; ".join(f"{e['id']}: {e['reason']['rule']}" for e in s["events"])
            rows.append(row)
        return rows
    if table == "events":
        return [
            {"date": s["date"], "id": e["id"], "rule": e["reason"]["rule"], "text": e["reason"]["text"]}
            for s in d["steps"]
            for e in s["events"]
        ]
    raise ValueError(f"unknown table {table!r}; known: steps, events")


def timeline_frame(timeline: Any, table: str | None, money: str = "float") -> pd.DataFrame:
    return _frame(timeline_rows(timeline, table), money)


def timeline_html(timeline: Any) -> str:
    rows = timeline_rows(timeline, "steps")
    pools = [k for k in (rows[0] if rows else {}) if k.endswith("_shortfall")]
    cols = [("date", "date"), ("compliant", "compliant")]
    cols += [(p, p.replace("_shortfall", " short")) for p in pools]
    cols += [
        ("covered_monthly_savings", "covered / month"),
        ("optimal_monthly_savings", "optimal / month"),
        ("cliff_monthly", "cliff / month"),
        ("events", "what changes"),
    ]
    return f"<div><p><b>ahb timeline</b> {timeline.from_} to {timeline.to}</p>{_table(rows, cols)}</div>"


#: How many events (the largest cliffs) the timeline plot labels.
LABELLED_EVENTS = 5


def plot_timeline(timeline: Any, ax: Any = None) -> Any:
    """The money cliff: optimal and covered savings per month over the dates as steps, each
    event (SA end, window close, assignment lapse) marked and labelled with its line id and
    rule. Dates are formatted on this Axes only. Needs matplotlib."""
    plt = _pyplot("plot()")
    import importlib

    mdates: Any = importlib.import_module("matplotlib.dates")
    d = timeline.to_dict()
    steps = d["steps"]
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5))
    dates = [s["date"] for s in steps] + [timeline.to]
    for key, label in (("optimal_monthly_savings", "optimal savings / month"),
                       ("covered_monthly_savings", "covered savings / month")):
        vals = [float(s[key]) for s in steps]
        ax.step(dates, vals + vals[-1:], where="post", label=label)
    top = max((float(s["optimal_monthly_savings"]) for s in steps), default=0.0)
    # Every event is marked; the largest cliffs are labelled, so labels do not pile up.
    labelled = sorted((s for s in steps if s["events"]), key=lambda s: float(s["cliff_monthly"]))
    labelled_dates = {s["date"] for s in labelled[:LABELLED_EVENTS]}
    for s in steps:
        if not s["events"]:
            continue
        ax.axvline(s["date"], color="#cf222e", linestyle=":", linewidth=1)
        if s["date"] not in labelled_dates:
            continue
        label = "\n".join(f"{e['id']} ({e['reason']['rule']})" for e in s["events"])
        cliff = float(s["cliff_monthly"])
        if cliff:
            label += f"\n{cliff:,.0f} / month"
        ax.annotate(label, (s["date"], top), xytext=(3, -3), textcoords="offset points",
                    fontsize="x-small", va="top", rotation=90)
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:,.0f}"))
    ax.set_ylim(bottom=0)
    ax.set_ylabel("savings per month")
    ax.set_title(f"AHB savings cliff from {timeline.from_} to {timeline.to}")
    ax.legend(loc="lower left", fontsize="small")
    return ax


def central_rows(sim: Any, table: str | None) -> list[dict[str, Any]]:
    """``"hours"`` (default: one row per scope and hour) or ``"scopes"`` (totals)."""
    d = sim.to_dict()
    if table in (None, "hours"):
        import datetime as _dt

        rows = []
        for s in d["scopes"]:
            series = ("assigned_nc", "demand_nc", "covered_nc", "hadr_nc", "overage")
            for h in range(d["hours"]):
                row: dict[str, Any] = {"scope": s["scope"], "hour": d["start"] + _dt.timedelta(hours=h)}
                for k in series:
                    row[k] = s[k][h]
                rows.append(row)
        return rows
    if table == "scopes":
        return [{k: v for k, v in s.items() if not isinstance(v, list)} for s in d["scopes"]]
    raise ValueError(f"unknown table {table!r}; known: hours, scopes")


def central_frame(sim: Any, table: str | None, money: str = "float") -> pd.DataFrame:
    return _frame(central_rows(sim, table), money)


def central_html(sim: Any) -> str:
    rows = central_rows(sim, "scopes")
    cols = [(k, k) for k in (rows[0] if rows else {})]
    return f"<div><p><b>ahb central SQL simulation</b></p>{_table(rows, cols)}</div>"


def best_rows(best: Any, table: str | None) -> list[dict[str, Any]]:
    """``"curve"`` (default: savings, cost and net per NC assigned) or ``"load_duration"``."""
    d = best.to_dict()
    if table in (None, "curve"):
        return list(d["curve"])
    if table == "load_duration":
        return [{"nc": i + 1, "hours": h} for i, h in enumerate(d["load_duration"])]
    raise ValueError(f"unknown table {table!r}; known: curve, load_duration")


def best_frame(best: Any, table: str | None, money: str = "float") -> pd.DataFrame:
    return _frame(best_rows(best, table), money)


def best_html(best: Any) -> str:
    d = best.to_dict()
    facts = [
        ("scope", d.get("scope")),
        ("hours", d.get("hours")),
        ("Enterprise cores", d.get("enterprise_cores")),
        ("Standard cores", d.get("standard_cores")),
        ("NC assigned", d.get("assigned_nc")),
        ("savings / year", d.get("yearly_savings")),
        ("licence cost / year", d.get("yearly_licence_cost")),
        ("net / year", d.get("net_yearly_savings")),
        ("one more Enterprise core adds", d.get("marginal_enterprise_core")),
        ("one more Standard core adds", d.get("marginal_standard_core")),
        ("break-even hours / year", d.get("break_even_hours_per_year")),
    ]
    rows = "".join(
        f"<tr><th style=\"text-align:left\">{html.escape(k)}</th>"
        f"<td style=\"text-align:right\">{html.escape(_text(k, v))}</td></tr>"
        for k, v in facts
        if v is not None
    )
    return f"<div><p><b>ahb best assignment</b></p><table>{rows}</table></div>"


def plot_best(best: Any, ax: Any = None) -> Any:
    """The load-duration curve behind best_assignment, with the chosen NC. Needs matplotlib."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("plot() needs matplotlib: pip install 'ahb[plot]'") from e
    d = best.to_dict()
    if ax is None:
        _, ax = plt.subplots()
    hours = d["load_duration"]
    ax.plot(range(1, len(hours) + 1), hours, label="hours demand ≥ NC")
    ax.axvline(d["assigned_nc"], color="red", linestyle="--", label=f"assigned {d['assigned_nc']} NC")
    ax.set_xlabel("normalised cores")
    ax.set_ylabel("hours")
    ax.set_title(f"Load-duration curve, {d['scope']}")
    ax.legend()
    return ax


ESTATE_TABLES = ("resources", "licences", "scopes", "central_assignments")


def estate_rows(estate: Any, table: str) -> list[dict[str, Any]]:
    """The rows of one table of an estate, with the columns :func:`ahb.estate_from_frames`
    reads: ``prices`` as ``payg_per_hour``, ``ahb_per_hour``, ``currency`` (``sql_prices``
    with an ``sql_`` prefix) and a licence's ``sa`` as ``sa_start``, ``sa_end``."""
    if table not in ESTATE_TABLES:
        raise ValueError(f"unknown table {table!r}; known: {', '.join(ESTATE_TABLES)}")
    rows = []
    for record in estate.to_dict().get(table) or []:
        row: dict[str, Any] = {}
        for k, v in record.items():
            if k in ("prices", "sql_prices") and isinstance(v, dict):
                prefix = "sql_" if k == "sql_prices" else ""
                for pk, pv in v.items():
                    row[prefix + pk] = pv
            elif k == "sa" and isinstance(v, dict):
                row["sa_start"] = v.get("start")
                row["sa_end"] = v.get("end")
            else:
                row[k] = v
        rows.append(row)
    return rows


def estate_frames(estate: Any, table: str | None, money: str = "float") -> Any:
    """``Estate.to_pandas``: a dict of the four tables' frames, or the one ``table``."""
    if table is not None:
        return typed_frame(estate_rows(estate, table), money, names=False)
    return {t: typed_frame(estate_rows(estate, t), money, names=False) for t in ESTATE_TABLES}


def to_arrow(result: Any, table: str | None) -> Any:
    """``result.to_pandas(table, money="arrow")`` as a ``pyarrow.Table`` (money stays exact)."""
    try:
        import pyarrow as pa
    except ImportError as e:
        raise ImportError("to_arrow() needs pyarrow: pip install pyarrow") from e
    frame = result.to_pandas(money="arrow") if table is None else result.to_pandas(table, money="arrow")
    return pa.Table.from_pandas(frame, preserve_index=False)


def to_polars(result: Any, table: str | None) -> Any:
    """:func:`to_arrow` as a ``polars.DataFrame``."""
    try:
        import polars as pl
    except ImportError as e:
        raise ImportError("to_polars() needs polars: pip install polars pyarrow") from e
    return pl.from_arrow(to_arrow(result, table))
