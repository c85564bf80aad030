"""The ministry's view across every pilot (read-only, administrators): a table of all pilots
side by side, three charts each with a table alternative, and a CSV export.

- Completion rate per pilot: completed / started participants, over all cohorts.
- Workload against completion: the notional workload in ECTS credits or equivalent (an
  osaamispiste counts as one, as 60 of either is a nominal year of study; hours / 27) against
  the completion rate.
- The framework elements most often reported as problematic: for each pilot its latest
  submitted report (the final one once there is one), element by element, counting "partly
  worked" and "did not work".

Queries are a fixed handful whatever the number of pilots (no query per row).
"""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from babel import Locale
from babel.numbers import format_decimal, format_percent

from models import Certificate, Pilot, Report, ReportState, Submission, User

from ..errors import not_allowed
from ..framework import framework
from ..framework.validation import format_workload
from ..i18n import N_, translate
from . import access
from .charts import bar_chart, scatter_chart, stacked_bar_chart
from .forms import RATINGS

HOURS_PER_CREDIT = 27
REPORTED = (ReportState.SUBMITTED, ReportState.RETURNED, ReportState.ACCEPTED)

COLUMNS = [
    ("pilot_id", N_("Pilot")), ("procurement", N_("Procurement")), ("supplier", N_("Supplier")),
    ("title", N_("Micro-credential")), ("workload", N_("Workload")),
    ("workload_credits", N_("Workload (ECTS credits or equivalent)")),
    ("level", N_("Level (EQF)")), ("participation_form", N_("Form of participation")),
    ("cohorts", N_("Cohorts")), ("participants_approved", N_("Participants approved")),
    ("participants_started", N_("Participants started")), ("participants_completed", N_("Participants completed")),
    ("completion_rate", N_("Completion rate")), ("certificates", N_("Certificates")),
    ("interim_report", N_("Interim report")), ("final_report", N_("Final report")),
    ("problem_elements", N_("Elements reported problematic")),
]
STATE_LABELS = {"draft": N_("Draft"), "submitted": N_("Submitted"),
                "returned": N_("Returned for correction"), "accepted": N_("Accepted")}


def credits_equivalent(workload: dict[str, Any] | None) -> float | None:
    if not workload:
        return None
    if workload["unit"] == "hours":
        return round(workload["value"] / HOURS_PER_CREDIT, 1)
    return float(workload["value"])


def _load(session: so.Session) -> tuple[list[Pilot], dict[int, dict[str, Report]], Counter[int]]:
    pilots = list(session.scalars(
        sa.select(Pilot).options(so.joinedload(Pilot.call), so.selectinload(Pilot.cohorts))
        .join(Submission, Pilot.submission_id == Submission.id).order_by(Pilot.call_id, Pilot.id)))
    reports: dict[int, dict[str, Report]] = defaultdict(dict)
    for report in session.scalars(sa.select(Report).where(Report.pilot_id.is_not(None))):
        reports[report.pilot_id][report.report_type] = report
    certificates = Counter(dict(session.execute(
        sa.select(Certificate.pilot_id, sa.func.count())
        .where(Certificate.revoked_at.is_(None)).group_by(Certificate.pilot_id)).all()))
    return pilots, reports, certificates


def _feedback_report(reports: dict[str, Report]) -> Report | None:
    """The pilot's latest word on the framework: its final report once submitted, else its
    interim report."""
    for report_type in ("final", "interim"):
        report = reports.get(report_type)
        if report is not None and report.state in REPORTED:
            return report
    return None


def pilot_rows(session: so.Session, actor: User | None, locale: str = "fi") -> list[dict[str, Any]]:
    """Every pilot side by side (one dict per row, keys as COLUMNS)."""
    if not access.can_read_across_pilots(actor):
        raise not_allowed()
    pilots, reports, certificates = _load(session)
    rows = []
    for pilot in pilots:
        data = pilot.description.submitted_data or pilot.description.data
        fw = framework(pilot.description.framework_version)
        started = sum(c.participants_started for c in pilot.cohorts)
        completed = sum(c.participants_completed for c in pilot.cohorts)
        latest = _feedback_report(reports[pilot.id])
        feedback = latest.data.get("framework_feedback", {}) if latest else {}
        level = data.get("level")
        form = data.get("participation_form")
        rows.append({
            "pilot_id": pilot.id, "procurement": pilot.call.title,
            "supplier": pilot.submission.organisation.name, "title": data.get("title", ""),
            "workload": format_workload(data["workload"], fw, locale) if data.get("workload") else "",
            "workload_credits": credits_equivalent(data.get("workload")),
            "level": level if level and level != "not_applicable" else "",
            "participation_form": fw.element("participation_form").choice_label(form, locale) if form else "",
            "cohorts": len(pilot.cohorts),
            "participants_approved": sum(c.participants_approved for c in pilot.cohorts),
            "participants_started": started, "participants_completed": completed,
            "completion_rate": round(completed / started, 4) if started else None,
            "certificates": certificates.get(pilot.id, 0),
            "interim_report": _state(reports[pilot.id].get("interim"), locale),
            "final_report": _state(reports[pilot.id].get("final"), locale),
            "problem_elements": sum(1 for v in feedback.values() if v["rating"] in ("partly", "did_not")),
        })
    return rows


def _state(report: Report | None, locale: str) -> str:
    return translate(STATE_LABELS[report.state], locale) if report else ""


def element_feedback(session: so.Session, actor: User | None,
                     locale: str = "fi") -> list[dict[str, Any]]:
    """Per framework element, how many pilots reported it worked / partly / did not, the most
    problematic first (then by "did not work", then in framework order)."""
    if not access.can_read_across_pilots(actor):
        raise not_allowed()
    pilots, reports, _ = _load(session)
    counts: dict[str, Counter[str]] = {}
    labels: dict[str, str] = {}
    order: dict[str, int] = {}
    comments: dict[str, list[str]] = defaultdict(list)
    for pilot in pilots:
        fw = framework(pilot.description.framework_version)
        for i, element in enumerate(fw.elements):
            labels.setdefault(element.key, element.label_in(locale))
            order.setdefault(element.key, i)
        report = _feedback_report(reports[pilot.id])
        if report is None:
            continue
        for key, item in report.data.get("framework_feedback", {}).items():
            counts.setdefault(key, Counter())[item["rating"]] += 1
            if item["rating"] != "worked" and item.get("comment"):
                comments[key].append(item["comment"])
    result = []
    for key, counter in counts.items():
        result.append({"element": key, "label": labels.get(key, key),
                       "worked": counter["worked"], "partly": counter["partly"],
                       "did_not": counter["did_not"],
                       "problematic": counter["partly"] + counter["did_not"],
                       "comments": comments[key]})
    result.sort(key=lambda r: (-r["problematic"], -r["did_not"], order.get(r["element"], 99)))
    return result


def _percent(value: float | None, locale: str) -> str:
    """One decimal, in the locale's own percent pattern (83,3 % in Finnish, 83.3% in English)."""
    if value is None:
        return "–"
    pattern = Locale.parse(locale).percent_formats[None].pattern.replace("#,##0", "#,##0.0", 1)
    return format_percent(value, format=pattern, locale=locale)


def charts(session: so.Session, actor: User | None, locale: str = "fi") -> list[dict[str, Any]]:
    """The three charts, each {id, title, description, svg, table: {caption, columns, rows}}."""
    rows = pilot_rows(session, actor, locale)
    feedback = element_feedback(session, actor, locale)
    t = lambda msgid, **kw: translate(msgid, locale, **kw)  # noqa: E731

    def name(row: dict[str, Any]) -> str:
        return f"{row['title']} ({row['supplier']})"

    measured = [r for r in rows if r["completion_rate"] is not None]
    title1 = t(N_("Completion rate by pilot"))
    desc1 = t(N_("Completed participants as a share of those who started, for %(n)s pilots."), n=len(measured))
    completion = {
        "id": "completion-rate", "title": title1, "description": desc1,
        "svg": bar_chart("completion-rate", title1, desc1,
                         [(name(r), r["completion_rate"], _percent(r["completion_rate"], locale))
                          for r in measured], maximum=1.0),
        "table": {"caption": title1,
                  "columns": [t(N_("Pilot")), t(N_("Participants started")), t(N_("Participants completed")),
                              t(N_("Completion rate"))],
                  "rows": [[name(r), r["participants_started"], r["participants_completed"],
                            _percent(r["completion_rate"], locale)] for r in measured]},
    }
    plotted = [r for r in measured if r["workload_credits"] is not None]
    title2 = t(N_("Workload and completion rate"))
    x_label = t(N_("Workload (ECTS credits or equivalent)"))
    desc2 = t(N_("Each point is a pilot: its workload against its completion rate."))
    x_max = max([10.0] + [float(r["workload_credits"]) for r in plotted])
    workload = {
        "id": "workload-completion", "title": title2, "description": desc2,
        "svg": scatter_chart("workload-completion", title2, desc2,
                             [(name(r), float(r["workload_credits"]), r["completion_rate"]) for r in plotted],
                             x_label=x_label, y_label=t(N_("Completion rate")), x_max=x_max),
        "table": {"caption": title2,
                  "columns": [t(N_("Pilot")), x_label, t(N_("Workload")), t(N_("Completion rate"))],
                  "rows": [[name(r), format_decimal(r["workload_credits"], locale=locale), r["workload"],
                            _percent(r["completion_rate"], locale)] for r in plotted]},
    }
    problematic = [f for f in feedback if f["problematic"]]
    title3 = t(N_("Framework elements most often reported as problematic"))
    desc3 = t(N_("For each element, the number of pilots that reported it did not work or worked only partly."))
    legend = [t(RATINGS["did_not"]), t(RATINGS["partly"])]
    elements = {
        "id": "problem-elements", "title": title3, "description": desc3,
        "svg": stacked_bar_chart("problem-elements", title3, desc3,
                                 [(f["label"], (f["did_not"], f["partly"])) for f in problematic], legend),
        "table": {"caption": title3,
                  "columns": [t(N_("Element")), t(RATINGS["did_not"]), t(RATINGS["partly"]), t(RATINGS["worked"])],
                  "rows": [[f["label"], f["did_not"], f["partly"], f["worked"]] for f in problematic]},
    }
    return [completion, workload, elements]


def overview(session: so.Session, actor: User | None, locale: str = "fi") -> dict[str, Any]:
    """Everything the ministry page shows: the table, its column labels, and the charts."""
    return {"columns": [{"key": key, "label": translate(label, locale)} for key, label in COLUMNS],
            "rows": pilot_rows(session, actor, locale),
            "elements": element_feedback(session, actor, locale),
            "charts": charts(session, actor, locale)}


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet would run a cell starting with these as a formula (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_export(session: so.Session, actor: User | None, locale: str = "fi") -> str:
    """The pilots table as CSV (RFC 4180, comma-separated, UTF-8): headers in the reader's
    language, numbers with a decimal point, the completion rate as a fraction."""
    rows = pilot_rows(session, actor, locale)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([translate(label, locale) for _, label in COLUMNS])
    for row in rows:
        writer.writerow([_cell(row[key]) for key, _ in COLUMNS])
    return buffer.getvalue()
