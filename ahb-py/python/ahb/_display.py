"""Notebook display, pandas tables and plots of results. pandas and matplotlib are optional
and imported only when asked for."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ahb._ahb import Plan, Position

POSITION_TABLES = ("pools", "lines", "resources", "over_claimed", "under_claimed")
PLAN_TABLES = ("assignments", "changes", "pools", "lines")


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas() needs pandas: pip install 'ahb[pandas]'") from e
    return pandas


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


def position_frame(position: Position, table: str) -> pd.DataFrame:
    rows = position_rows(position, table)
    return _pandas().DataFrame(rows)


def plan_frame(plan: Plan, table: str) -> pd.DataFrame:
    rows = plan_rows(plan, table)
    return _pandas().DataFrame(rows)


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> str:
    head = "".join(f"<th>{html.escape(title)}</th>" for _, title in columns)
    body = []
    for r in rows:
        cells = []
        for key, _ in columns:
            v = r.get(key)
            align = ' style="text-align:right"' if isinstance(v, (int, float)) or type(v).__name__ == "Decimal" else ""
            cells.append(f"<td{align}>{html.escape('' if v is None else str(v))}</td>")
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
    return (
        f"<div><p><b>ahb position</b> on {d['as_of']} under rule set "
        f"{html.escape(d['rule_set']['version'])}: "
        f'<b style="color:{colour}">{verdict}</b>; '
        f"{len(d['over_claimed'])} over-claimed, {len(d['under_claimed'])} under-claimed, "
        f"{len(d['resources'])} resources.</p>{pools}{totals}</div>"
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
    return (
        f"<div><p><b>ahb plan</b> for {d['as_of']} under rule set "
        f"{html.escape(d['rule_set']['version'])}: {proof}; "
        f"{len(d['changes'])} changes.</p>{pools}{totals}</div>"
    )


def plot_coverage(position: Position, ax: Any = None) -> Any:
    """Stacked bars per pool: covered, shortfall and idle units. Needs matplotlib."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("plot_coverage() needs matplotlib: pip install 'ahb[plot]'") from e
    rows = position_rows(position, "pools")
    if ax is None:
        _, ax = plt.subplots()
    names = [r["pool"] for r in rows]
    covered = [r["covered"] for r in rows]
    short = [r["shortfall"] for r in rows]
    idle = [r["idle"] for r in rows]
    ax.bar(names, covered, label="covered")
    ax.bar(names, short, bottom=covered, label="shortfall")
    ax.bar(names, idle, bottom=[c + s for c, s in zip(covered, short)], label="idle")
    ax.set_ylabel("units (core licences / normalised cores / subscriptions)")
    ax.set_title(f"AHB coverage by pool on {position.as_of}")
    ax.legend()
    return ax


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return _pandas().DataFrame(rows)


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


def timeline_frame(timeline: Any, table: str | None) -> pd.DataFrame:
    return _frame(timeline_rows(timeline, table))


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
    return f"<div><p><b>ahb timeline</b> {timeline.start} to {timeline.end}</p>{_table(rows, cols)}</div>"


def plot_timeline(timeline: Any, ax: Any = None) -> Any:
    """Shortfall by pool over the dates as steps: the SA-expiry timeline. Needs matplotlib."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("plot() needs matplotlib: pip install 'ahb[plot]'") from e
    rows = timeline_rows(timeline, "steps")
    if ax is None:
        _, ax = plt.subplots()
    dates = [r["date"] for r in rows] + [timeline.end]
    for key in [k for k in rows[0] if k.endswith("_shortfall")]:
        ax.step(dates, [r[key] for r in rows] + [rows[-1][key]], where="post",
                label=key.replace("_shortfall", ""))
    ax.figure.autofmt_xdate()
    ax.set_ylabel("shortfall (units)")
    ax.set_title(f"AHB shortfall from {timeline.start} to {timeline.end}")
    ax.legend()
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


def central_frame(sim: Any, table: str | None) -> pd.DataFrame:
    return _frame(central_rows(sim, table))


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


def best_frame(best: Any, table: str | None) -> pd.DataFrame:
    return _frame(best_rows(best, table))


def best_html(best: Any) -> str:
    return f"<div><p><b>ahb best assignment</b></p><pre>{html.escape(best.to_text())}</pre></div>"


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
