"""A call's evaluation summary as CSV and XLSX (issue 5 §7), for administrators. Both are
built from one table (`summary_table`) made from the same ranking as the pages and the API,
so the numbers agree everywhere: points and money rounded half up to two decimals.

CSV: RFC 4180 — UTF-8 without a byte-order mark, comma-separated, decimal point, one header
row — for programs. XLSX: the same table with numbers as numeric cells (two decimals shown),
plus a sheet of the criteria and one of the formulas, for people (Excel, LibreOffice).
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import sqlalchemy.orm as so
from openpyxl import Workbook
from openpyxl.styles import Font

from models import Call, User

from .. import clock
from ..definitions import workflow_for
from ..errors import not_allowed
from ..i18n import N_, translate
from ..permissions import is_admin
from .aggregation import display
from .explain import formula_lines
from .ranking import CallRanking, build_ranking

POSITION = N_("Position")
SUBMISSION_ID = N_("Submission")
ORGANISATION = N_("Organisation")
TITLE = N_("Title")
STATE = N_("State")
REVIEWS = N_("Reviews")
TOTAL = N_("Total points")
QUALITY = N_("Quality points")
PRICE = N_("Price (€)")
PRICE_POINTS = N_("Price points")
AMOUNT = N_("Requested or granted amount (€)")
CUMULATIVE = N_("Cumulative amount (€)")
FUNDED = N_("Above the funding line")
RANKABLE = N_("Meets every minimum")
NOTES = N_("Notes")
YES, NO = N_("yes"), N_("no")
NOTE_TEXTS = {
    "incomplete": N_("evaluation incomplete"),
    "below_threshold": N_("under a minimum score"),
    "abnormally_low": N_("abnormally low price"),
    "disagreement": N_("evaluators disagree"),
}
SHEET_RANKING = N_("Ranking")
SHEET_CRITERIA = N_("Criteria")
SHEET_FORMULA = N_("Formulas")
CRITERION = N_("Criterion")
KIND = N_("Kind")
WEIGHT = N_("Weight (max. points)")
SCALE = N_("Scale")
MINIMUM = N_("Minimum")
KIND_TEXTS = {"eligibility": N_("eligibility (pass/fail)"),
              "suitability": N_("suitability requirement (pass/fail)"),
              "exclusion": N_("exclusion ground (pass/fail)"),
              "scored": N_("scored"), "price": N_("price")}


def _yes_no(value: bool | None, locale: str) -> str:
    return "" if value is None else translate(YES if value else NO, locale)


def summary_table(ranking: CallRanking, locale: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows: one row per ranked submission, in ranking order."""
    call = ranking.call
    point_criteria = [c for c in ranking.criteria if c.kind in ("scored", "price")]
    t = lambda msgid: translate(msgid, locale)  # noqa: E731
    header = [t(POSITION), t(SUBMISSION_ID), t(ORGANISATION), t(TITLE), t(STATE), t(REVIEWS)]
    header += [c.label(locale) for c in point_criteria]
    if call.kind == "jotpa":
        header += [t(QUALITY), t(PRICE), t(PRICE_POINTS)]
    header += [t(TOTAL), t(RANKABLE)]
    if call.kind == "esr":
        header += [t(AMOUNT), t(CUMULATIVE), t(FUNDED)]
    header.append(t(NOTES))
    labels = workflow_for(ranking.rows[0].submission).labels if ranking.rows else {}
    rows = []
    for row in ranking.rows:
        r, s = row.result, row.submission
        line: list[Any] = [row.ranked.position, s.id, s.organisation.name,
                           row.title, t(labels.get(s.state, s.state)),
                           row.reviews]
        line += [display(item.points) for item in r.criteria]
        if call.kind == "jotpa":
            line += [display(r.quality_points), display(r.price), display(r.price_points)]
        line += [display(r.total), _yes_no(r.rankable, locale)]
        if call.kind == "esr":
            funding = row.funding
            line += [display(row.amount),
                     display(funding.cumulative) if funding and funding.funded else None,
                     _yes_no(funding.funded if funding else None, locale)]
        notes = list(r.problems)
        if any(item.disagreement for item in r.criteria):
            notes.append("disagreement")
        line.append("; ".join(t(NOTE_TEXTS[n]) for n in notes))
        rows.append(line)
    return header, rows


def _ranking_for(session: so.Session, actor: User, call: Call) -> CallRanking:
    if not is_admin(actor):
        raise not_allowed()
    return build_ranking(session, call)


def summary_csv(session: so.Session, actor: User, call: Call, locale: str = "fi") -> bytes:
    header, rows = summary_table(_ranking_for(session, actor, call), locale)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    return out.getvalue().encode("utf-8")


def summary_xlsx(session: so.Session, actor: User, call: Call, locale: str = "fi") -> bytes:
    ranking = _ranking_for(session, actor, call)
    header, rows = summary_table(ranking, locale)
    t = lambda msgid: translate(msgid, locale)  # noqa: E731
    book = Workbook()
    # The file's own dates come from the one clock (openpyxl would read the system's).
    now = clock.now().replace(tzinfo=None)
    book.properties.created = book.properties.modified = now
    book.properties.title = call.title
    sheet = book.active
    sheet.title = t(SHEET_RANKING)[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "0.00"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"

    criteria = book.create_sheet(t(SHEET_CRITERIA)[:31])
    criteria.append([t(CRITERION), t(KIND), t(WEIGHT), t(SCALE), t(MINIMUM)])
    for c in ranking.criteria:
        criteria.append([c.label(locale), t(KIND_TEXTS[c.kind]), c.weight,
                         f"{c.scale_min}–{c.scale_max}" if c.kind == "scored" else "",
                         c.threshold])
    for cell in criteria[1]:
        cell.font = Font(bold=True)

    formulas = book.create_sheet(t(SHEET_FORMULA)[:31])
    for text in formula_lines(call, ranking.criteria, ranking.settings, locale):
        formulas.append([text])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
