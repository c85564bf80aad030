"""A Jotpa procurement as an OCDS 1.1.5 release package (Open Contracting Data Standard).

One release per stage the procurement has reached, each dated when the stage was reached
(from the audit trail) and tagged from the closed `releaseTag` codelist:

| stage reached                 | tag                  | what it adds                               |
|-------------------------------|----------------------|--------------------------------------------|
| created (planning)            | planning             | budget, rationale                          |
| published (call for tenders)  | tender               | tender: periods, method, criteria, Hilma   |
| tenders opened                | tenderUpdate         | tenderers, their number                    |
| decision delivered            | award                | awards (pending during the standstill)     |
| contract signed               | contract             | contracts; awards active                   |
| pilot delivery started        | implementation       | milestones, accepted reports               |
| closed                        | contractTermination  | contracts terminated (completed)           |
| cancelled                     | tenderCancellation   | tender cancelled                           |

Each release is a full picture at its date (later ones repeat what earlier ones said), so any
one of them can be read alone. Sealing holds here too: nothing about tenders appears before
they are opened. An award's title and value are those of the tender received (the version
that counts, DOMAIN §3), never of the bidder's later unsubmitted edits. Organisation ids use the org-id scheme FI-PRO (Finnish business ID).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import Call, Pilot, Report, ReportState, Submission, SubmissionVersion, User
from models.states import ProcurementState as P
from models.states import TenderState as T

from .. import clock
from ..config import Settings
from ..engine import history
from ..errors import WorkflowError
from ..evaluation.queries import counted_versions, title_of
from ..i18n import N_
from ..permissions import can_view_call
from ..timeutil import HELSINKI

OCID_PREFIX = "ocds-hankeflow-"
DEFAULT_BUYER = "Jatkuvan oppimisen ja työllisyyden palvelukeskus (Jotpa)"
# CPV 80500000-9: training services.
CPV_TRAINING = {"scheme": "CPV", "id": "80500000", "description": "Training services"}
OPENED_STATES = (T.OPENED, T.QUALIFIED, T.EXCLUDED, T.SCORED, T.AWARDED, T.NOT_AWARDED)
AFTER_DECISION = (P.STANDSTILL, P.CONTRACTED, P.PILOT_DELIVERY, P.FINAL_REPORTING, P.CLOSED)


def _iso(instant: dt.datetime) -> str:
    return instant.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def ocid(call: Call) -> str:
    return f"{OCID_PREFIX}{call.id}"


def package_for(session: so.Session, actor: User | None, call: Any,
                base_url: str | None = None) -> dict[str, Any]:
    """GET /api/v1/calls/{id}/ocds: the package, for whoever may see the procurement
    (unpublished ones only administrators). Not a Jotpa procurement: not found."""
    if not isinstance(call, Call) or call.kind != "jotpa" or not can_view_call(actor, call):
        raise WorkflowError("not_found", N_("Not found."))
    return release_package(session, call, base_url or Settings.from_env().base_url)


def release_package(session: so.Session, call: Call, base_url: str) -> dict[str, Any]:
    buyer = _buyer(session, call)
    stages = _stages(session, call)
    releases = [_release(session, call, [s for s, _ in stages[:i + 1]], instant, buyer)
                for i, (_, instant) in enumerate(stages)]
    return {
        "uri": f"{base_url}/api/v1/calls/{call.id}/ocds",
        "version": "1.1",
        "publishedDate": _iso(clock.now()),
        "publisher": {"name": buyer["name"]},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publicationPolicy": f"{base_url}/ocds",
        "releases": releases,
    }


def _stages(session: so.Session, call: Call) -> list[tuple[str, dt.datetime]]:
    """The stages reached, each with the instant it was reached."""
    first: dict[str, dt.datetime] = {}
    for entry in history(session, call):
        first.setdefault(entry.trigger, entry.at)
    stages = [("planning", call.created_at)]
    if "publish" in first:
        stages.append(("tender", first["publish"]))
    if call.tenders_opened_at:
        stages.append(("tenderUpdate", call.tenders_opened_at))
    if call.decision_delivered_at:
        stages.append(("award", call.decision_delivered_at))
    if call.contract_signed_at:
        stages.append(("contract", call.contract_signed_at))
    if "start_pilot_delivery" in first:
        stages.append(("implementation", first["start_pilot_delivery"]))
    if call.state == P.CLOSED and "close" in first:
        stages.append(("contractTermination", first["close"]))
    if call.state == P.CANCELLED and "cancel" in first:
        stages.append(("tenderCancellation", first["cancel"]))
    return stages


def _party_id(business_id: str) -> str:
    return f"FI-PRO-{business_id}"


def _buyer(session: so.Session, call: Call) -> dict[str, Any]:
    """The procuring entity: the organisation of the administrator who set the procurement up."""
    creator = session.get(User, call.created_by_id) if call.created_by_id else None
    organisation = creator.organisation if creator else None
    if organisation is None:
        return {"id": "buyer", "name": DEFAULT_BUYER}
    return {"id": _party_id(organisation.business_id), "name": organisation.name,
            "identifier": {"scheme": "FI-PRO", "id": organisation.business_id,
                           "legalName": organisation.name}}


def _amount(text: Any) -> float | None:
    try:
        value = Decimal(str(text))
    except (InvalidOperation, ValueError):
        return None
    return float(value) if value.is_finite() else None


def _release(session: so.Session, call: Call, reached: list[str], date: dt.datetime,
             buyer: dict[str, Any]) -> dict[str, Any]:
    """The release of the last stage in `reached` (the stages reached so far, in order)."""
    stage = reached[-1]
    parties = {buyer["id"]: {**buyer, "roles": ["buyer", "procuringEntity"]}}
    tender: dict[str, Any] = {
        "id": f"{ocid(call)}-tender", "title": call.title, "description": call.description or call.title,
        "status": "planning", "procuringEntity": {"id": buyer["id"], "name": buyer["name"]},
        "procurementMethod": "open", "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": "Price–quality ratio: quality points + lowest price / offered price × maximum price points.",
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": _iso(call.opens_at), "endDate": _iso(call.deadline)},
        "items": [{"id": "1", "description": "Micro-credential pilots", "classification": CPV_TRAINING}],
    }
    if call.budget is not None:
        tender["value"] = {"amount": float(call.budget), "currency": "EUR"}
    if call.questions_until:
        tender["enquiryPeriod"] = {"endDate": _iso(call.questions_until)}
    if call.hilma_notice_id:
        tender["documents"] = [{"id": f"hilma-{call.hilma_notice_id}", "documentType": "tenderNotice",
                                "title": f"Hilma {call.hilma_notice_id}"}]
    release: dict[str, Any] = {
        "ocid": ocid(call), "id": f"{ocid(call)}-{stage}", "date": _iso(date), "tag": [stage],
        "initiationType": "tender", "language": "fi",
        "buyer": {"id": buyer["id"], "name": buyer["name"]},
        "planning": {"rationale": call.description or call.title},
        "tender": tender,
    }
    if call.budget is not None:
        release["planning"]["budget"] = {"amount": {"amount": float(call.budget), "currency": "EUR"}}
    if "tender" in reached:
        tender["status"] = "active"
    if "tenderUpdate" in reached:
        tenders = session.scalars(
            sa.select(Submission).where(Submission.call_id == call.id,
                                        Submission.state.in_(OPENED_STATES))
            .order_by(Submission.id)).all()
        tender["numberOfTenderers"] = len(tenders)
        tender["tenderers"] = []
        for t in tenders:
            pid = _party_id(t.organisation.business_id)
            parties.setdefault(pid, {"id": pid, "name": t.organisation.name,
                                     "identifier": {"scheme": "FI-PRO", "id": t.organisation.business_id,
                                                    "legalName": t.organisation.name},
                                     "roles": []})["roles"].append("tenderer")
            tender["tenderers"].append({"id": pid, "name": t.organisation.name})
        tender["awardPeriod"] = {"startDate": _iso(call.tenders_opened_at)}
    if "award" in reached:
        tender["status"] = "complete"
        tender["awardPeriod"]["endDate"] = _iso(call.decision_delivered_at)
        awarded = session.scalars(
            sa.select(Submission).where(Submission.call_id == call.id, Submission.state == T.AWARDED)
            .order_by(Submission.id)).all()
        received = counted_versions(session, [t.id for t in awarded])
        release["awards"] = [_award(session, call, t, received.get(t.id), parties,
                                    "contract" in reached) for t in awarded]
        if "contract" in reached:
            release["contracts"] = [_contract(session, call, t, received.get(t.id), reached)
                                    for t in awarded]
    if "tenderCancellation" in reached:
        tender["status"] = "cancelled"
    release["parties"] = list(parties.values())
    return release


def _pilots(session: so.Session, tender: Submission) -> list[Pilot]:
    return list(session.scalars(sa.select(Pilot).where(Pilot.submission_id == tender.id)
                                .order_by(Pilot.id)))


def _price(version: SubmissionVersion | None) -> float | None:
    return _amount((version.content if version else {}).get("price"))


def _award(session: so.Session, call: Call, tender: Submission,
           version: SubmissionVersion | None, parties: dict[str, Any],
           contracted: bool) -> dict[str, Any]:
    pid = _party_id(tender.organisation.business_id)
    parties.setdefault(pid, {"id": pid, "name": tender.organisation.name, "roles": []})
    parties[pid]["roles"].append("supplier")
    award: dict[str, Any] = {
        "id": f"award-{tender.id}", "title": title_of(version),
        # Not in force during the standstill period.
        "status": "active" if contracted else "pending",
        "date": _iso(call.decision_delivered_at),
        "suppliers": [{"id": pid, "name": tender.organisation.name}],
        "items": [{"id": f"pilot-{p.id}", "description": p.description.title,
                   "classification": CPV_TRAINING, "quantity": 1} for p in _pilots(session, tender)],
    }
    amount = _price(version)
    if amount is not None:
        award["value"] = {"amount": amount, "currency": "EUR"}
    return award


def _contract(session: so.Session, call: Call, tender: Submission,
              version: SubmissionVersion | None, reached: list[str]) -> dict[str, Any]:
    pilots = _pilots(session, tender)
    contract: dict[str, Any] = {
        "id": f"contract-{tender.id}", "awardID": f"award-{tender.id}",
        "title": title_of(version),
        "status": "terminated" if "contractTermination" in reached else "active",
        "dateSigned": _iso(call.contract_signed_at),
    }
    ends = [c.planned_end for p in pilots for c in p.cohorts]
    contract["period"] = {"startDate": _iso(call.contract_signed_at)}
    if ends:
        last = max(ends)
        contract["period"]["endDate"] = _iso(dt.datetime(last.year, last.month, last.day, 23, 59, 59,
                                                         tzinfo=HELSINKI))
    amount = _price(version)
    if amount is not None:
        contract["value"] = {"amount": amount, "currency": "EUR"}
    if "implementation" in reached:
        contract["implementation"] = _implementation(session, pilots)
    return contract


def _implementation(session: so.Session, pilots: list[Pilot]) -> dict[str, Any]:
    now = clock.now()
    milestones = []
    for pilot in pilots:
        for m in pilot.milestones:
            item: dict[str, Any] = {"id": f"milestone-{m.id}", "title": m.title,
                                    "type": "delivery", "dueDate": _iso(m.due_at)}
            if m.done_at:
                item.update(status="met", dateMet=_iso(m.done_at))
            else:
                item["status"] = "notMet" if m.due_at < now else "scheduled"
            milestones.append(item)
    reports = session.scalars(
        sa.select(Report).where(Report.pilot_id.in_([p.id for p in pilots]),
                                Report.state == ReportState.ACCEPTED)
        .order_by(Report.accepted_at, Report.id)).all() if pilots else []
    documents = [{"id": f"report-{r.id}", "documentType": "physicalProgressReport",
                  "title": f"{'Final' if r.report_type == 'final' else 'Interim'} report, pilot {r.pilot_id}",
                  "datePublished": _iso(r.accepted_at)} for r in reports]
    implementation: dict[str, Any] = {"milestones": milestones}
    if documents:
        implementation["documents"] = documents
    return implementation


__all__ = ["OCID_PREFIX", "ocid", "package_for", "release_package"]
