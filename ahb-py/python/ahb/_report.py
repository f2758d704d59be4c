"""The self-contained HTML report (``ahb report``, :func:`ahb.report`): the position and the
plan of an estate on a date, for a licensing manager who opens it from an email.

One file with inline CSS and a few lines of inline JavaScript (click a column heading to
sort); nothing is fetched. Money is grouped (``12,345.67``) and carries the estate's
currency; pools carry their human names. Every number comes from the core's results.
"""

from __future__ import annotations

import decimal
import html
from typing import Any

from ahb._ahb import Estate, Plan, Position, RuleSet
from ahb._display import human, unpriced_sentence

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em;color:#1f2328}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #d0d7de;padding:.25em .6em}
th{background:#f6f8fa;cursor:pointer;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#cf222e;font-weight:bold}.good{color:#1a7f37;font-weight:bold}
.note{color:#57606a;font-size:.9em}
"""

_JS = """
document.querySelectorAll('table.sortable th').forEach(function(th, i){
  th.addEventListener('click', function(){
    var body = th.closest('table').tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var asc = th.dataset.asc !== '1'; th.dataset.asc = asc ? '1' : '0';
    rows.sort(function(a, b){
      var x = a.cells[i].dataset.v || a.cells[i].textContent;
      var y = b.cells[i].dataset.v || b.cells[i].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    rows.forEach(function(r){ body.appendChild(r); });
  });
});
"""


def currency_of(estate: Estate) -> str | None:
    """The one currency of the estate's prices, or None if it has none or several."""
    seen = set()
    for r in estate.to_dict().get("resources") or []:
        for k in ("prices", "sql_prices"):
            c = (r.get(k) or {}).get("currency")
            if c:
                seen.add(c)
    return seen.pop() if len(seen) == 1 else None


def money(v: Any, currency: str | None) -> str:
    """``12,345.67 USD``: grouped, two decimals, with the currency when known."""
    if v is None:
        return ""
    d = decimal.Decimal(v).quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_EVEN)
    text = f"{d:,.2f}"
    return f"{text} {currency}" if currency else text


def _cell(v: Any, kind: str, currency: str | None) -> str:
    if kind == "money":
        raw = "" if v is None else str(v)
        return f'<td class="n" data-v="{html.escape(raw)}">{html.escape(money(v, currency))}</td>'
    if kind == "n":
        return f'<td class="n">{"" if v is None else html.escape(str(v))}</td>'
    return f"<td>{html.escape('' if v is None else str(human(v) if kind == 'name' else v))}</td>"


def _table(rows: list[dict[str, Any]], cols: list[tuple[str, str, str]], currency: str | None) -> str:
    head = "".join(f"<th>{html.escape(title)}</th>" for _, title, _ in cols)
    body = "".join(
        "<tr>" + "".join(_cell(r.get(k), kind, currency) for k, _, kind in cols) + "</tr>" for r in rows
    )
    return f'<table class="sortable"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _top(rows: list[dict[str, Any]], key: str, top: int) -> tuple[list[dict[str, Any]], str]:
    rows = sorted(rows, key=lambda r: decimal.Decimal(r.get(key) or 0), reverse=True)
    note = f'<p class="note">The {top} largest of {len(rows)}.</p>' if len(rows) > top else ""
    return rows[:top], note


def render_parts(estate: Estate, position: Position, plan: Plan, *, top: int = 20) -> str:
    """The report's HTML for a position and a plan of ``estate``."""
    cur = currency_of(estate)
    p = position.to_dict()
    q = plan.to_dict()
    t = p["totals"]
    qt = q["totals"]
    verdict = (
        '<span class="good">compliant</span>'
        if p["compliant"]
        else '<span class="bad">NOT compliant</span>'
    )
    cert = q["certificate"]
    unpriced = p.get("unpriced_summary") or {}
    # Unpriced is loud: said at the top, before any money figure that leaves them out.
    loud = [unpriced_sentence(unpriced), unpriced_sentence(q.get("unpriced_summary") or {}, cert)]
    proof = ""
    if cert["proven_optimal"]:
        proof = {
            "priced_resources_only": " (proven optimal over the priced resources only)",
            "priced_then_unpriced_by_units": (
                " (proven optimal over the priced savings, then the unpriced resources' "
                "licence units: a proxy, not money)"
            ),
        }.get(cert.get("scope"), " (proven optimal)")
    parts = [
        f"<h1>Azure Hybrid Benefit report, {html.escape(str(p['as_of']))}</h1>",
        f"<p>Rule set {html.escape(str(p['rule_set']['version']))}. Today's settings are "
        f"{verdict}: {len(p['over_claimed'])} resources over-claimed, "
        f"{len(p['under_claimed'])} under-claimed, of {len(p['resources'])} resources.</p>",
        *(f'<p class="bad">{html.escape(x)}</p>' for x in loud if x),
        "<h2>Savings</h2>",
        _table(
            [
                {"what": "claimed today", "m": t["claimed_monthly_savings"]},
                {"what": "at risk (claimed without cover)", "m": t["at_risk_monthly_savings"]},
                {"what": "unclaimed (eligible, not claimed)", "m": t["unclaimed_monthly_savings"]},
                {"what": "optimal plan", "m": qt["monthly_savings"]},
            ],
            [("what", "", "text"), ("m", "per month", "money")],
            cur,
        ),
        f"<p>The optimal plan saves {html.escape(money(qt['yearly_savings'], cur))} a year with "
        f"{qt['changes']} changes{html.escape(proof)}.</p>",
        "<h2>Pools</h2>",
        _table(
            p["pools"],
            [
                ("pool", "pool", "name"),
                ("unit", "unit", "text"),
                ("claimed", "claimed", "n"),
                ("covered", "covered", "n"),
                ("shortfall", "short", "n"),
                ("idle", "idle", "n"),
                ("eligible_demand", "eligible", "n"),
            ],
            cur,
        ),
    ]
    over, note = _top(list(p["over_claimed"]), "monthly_savings", top)
    for o in over:
        o["rule"] = o["reason"]["rule"]
        o["why"] = o["reason"]["text"]
    parts += [
        "<h2>Over-claimed: the benefit is on without licences to cover it</h2>",
        _table(
            over,
            [
                ("resource", "resource", "text"),
                ("pool", "pool", "name"),
                ("units", "units", "n"),
                ("uncovered", "uncovered", "n"),
                ("monthly_savings", "at risk / month", "money"),
                ("rule", "rule", "text"),
                ("why", "why", "text"),
            ],
            cur,
        )
        if over
        else "<p>None.</p>",
        note,
    ]
    under, note = _top(list(p["under_claimed"]), "monthly_savings", top)
    parts += [
        "<h2>Under-claimed: licences would cover the benefit, but it is off</h2>",
        _table(
            under,
            [
                ("resource", "resource", "text"),
                ("pool", "pool", "name"),
                ("units", "units", "n"),
                ("monthly_savings", "unclaimed / month", "money"),
                ("yearly_savings", "unclaimed / year", "money"),
            ],
            cur,
        )
        if under
        else "<p>None.</p>",
        note,
    ]
    if unpriced.get("resources"):
        carried = {
            u["pool"]: u.get("carried_units")
            for u in (q.get("unpriced_summary") or {}).get("by_pool") or []
        }
        rows = [dict(u, carried_units=carried.get(u["pool"])) for u in unpriced["by_pool"]]
        ids = list(unpriced.get("ids") or [])
        parts += [
            "<h2>Unpriced: eligible resources without prices</h2>",
            _table(
                rows,
                [
                    ("pool", "pool", "name"),
                    ("unit", "unit", "text"),
                    ("resources", "resources", "n"),
                    ("units", "units at stake", "n"),
                    ("claimed_units", "claimed today", "n"),
                    ("carried_units", "carried by the plan", "n"),
                ],
                cur,
            ),
            '<p class="note">Their savings count as zero in every money figure of this '
            "report. Resources: " + html.escape(", ".join(ids[:top]))
            + (f" and {len(ids) - top} more" if len(ids) > top else "") + ".</p>",
        ]
    parts += [
        "<h2>The plan by pool</h2>",
        _table(
            q["pools"],
            [
                ("pool", "pool", "name"),
                ("method", "method", "name"),
                ("used", "used", "n"),
                ("idle", "idle", "n"),
                ("monthly_savings", "savings / month", "money"),
            ],
            cur,
        ),
    ]
    if cur is None:
        parts.append('<p class="note">The estate has no single price currency.</p>')
    body = "\n".join(x for x in parts if x)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>AHB report {html.escape(str(p['as_of']))}</title>"
        f"<style>{_CSS}</style></head><body>\n{body}\n<script>{_JS}</script></body></html>\n"
    )


def render(
    estate: Estate,
    rules: RuleSet | str | None,
    *,
    as_of: Any = None,
    top: int = 20,
    unpriced: str = "ignore",
) -> str:
    """Audits and optimises ``estate`` on ``as_of`` (``unpriced`` as for :func:`ahb.optimize`)
    and renders the report."""
    from ahb._inputs import audit, optimize

    position = audit(estate, rules, as_of=as_of)
    plan = optimize(estate, rules, as_of=position.as_of, unpriced=unpriced)
    return render_parts(estate, position, plan, top=top)
