"""The demo's seed scenario: a timeline of dated steps replayed through the engine itself.

    replay(factory, until)   runs every step dated up to `until`, delivering the mail each step
                             wrote, then returns a short report
    print_accounts()         prints the demo accounts and their shared password

The story (CONTRACT § Demo, DOMAIN §1): the ESR call "Pienten osaamiskokonaisuuksien
kehittäminen", open 11.3.2024 – 3.6.2024 16.15, and Jotpa's procurement of micro-credential
pilots, announced by the ministry on 12.4.2024, with its info session 22.4.2024 10–11 (Teams)
and its call for tenders published in May 2024. The facts the ministry announced are used as
they are; every other date, amount, person and text is illustrative, and labelled so.

- ESR: drafts, submissions and a resubmission before 16.15, a withdrawal, a refused late
  correction; eligibility recorded per criterion with reasons; two evaluators per application
  (a declared conflict replaced), scores with justifications, one disagreement resolved with a
  consensus score; the ranking and its funding line; grants within the amounts applied for and
  the budget, one rejection with its reasons; projects with progress reports; final reports,
  one returned and corrected; the call archived.
- Jotpa: tenders with their micro-credential descriptions (one refused while a description is
  incomplete), sealed, one replaced, one withdrawn; opened by the clock; qualification with an
  exclusion and its reason; quality scores and price points; awards by the ranking; the
  decision delivered, the standstill, the contract after it; the pilots delivered in cohorts
  with milestones and signed certificates for those who complete; interim and final reports
  with feedback on the framework element by element; the last final report accepted closes
  the procurement.

Each step works on a `Scene` (a session plus look-ups by the keys of the data below). Most
steps are told with the story's verbs, small actions built from the data:
`happens(instant, description, fires("anna", "publish", ESR_CALL))`, with verbs such as
`submits`, `scores_applications`, `writes_pilot_reports`; a step with logic of its own is a
function decorated with `@at(instant, description)`. `replay` runs the steps in order of their
instants (ties in the order they are written), each in its own transaction on a frozen clock at
its own instant, after the scheduler's sweep (`run_due_transitions`) has done what came due by
then: calls open and close, and tenders are opened, by the clock, not by a step. The mail a
step writes (receipts, decision letters) is delivered right after it, at its instant, as the
scheduler does within its minute: the standstill counts from the sending of the decision
letters, so the contract is signed only once they have left. Steps use the
same services and `fire()` triggers that people use, so the engine checks every one of them; a
few `expect_*` checkpoints say what the story assumes the engine has computed (states, the
ranking), so that a changed rule stops the replay instead of telling a different story.

To extend the story, add data at the top and more steps; keep each step small and about one
thing that happens on one day.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
import sqlalchemy.orm as so

from models import (Call, Certificate, Cohort, Criterion, EvaluatorAssignment,
                    MicroCredentialDescription, Organisation, OutboxMessage, Pilot, Report,
                    Submission, User)

from . import clock
from .assignments import assign_evaluator, declare_conflict
from .calls import create_call, update_call
from .config import Settings
from .db import transaction
from .directory import create_organisation, create_user
from .engine import fire
from .errors import WorkflowError
from .evaluation import decisions
from .evaluation.aggregation import display
from .evaluation.qualification import decide_requirements, record_checks, requirements
from .evaluation.queries import criteria_of, scored_criteria
from .evaluation.ranking import build_ranking, results_public
from .evaluation.reviews import score_and_submit, set_consensus
from .pilots.certificates import issue_certificate
from .pilots.delivery import add_cohort, add_milestone, mark_milestone_done, update_cohort
from .pilots.descriptions import add_description, update_description
from .pilots.reports import (schedule_progress_reports, set_report_due, update_esr_final_report,
                             update_report)
from .pilots.rules import descriptions_of, report_framework
from .pilots.signing import Signer
from .scheduler.mailer import transport_from_settings
from .scheduler.outbox import deliver
from .scheduler.sweep import units_from
from .submissions import create_draft, update_content
from .timed import run_due_transitions
from .timeutil import format_fi, is_statutory_day_off, local_instant, standstill_last_day

# One password for every demo account; printed with the accounts.
DEMO_PASSWORD = "hankeflow-demo-2024"


def hki(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """Helsinki wall-clock time as an aware UTC instant."""
    return local_instant(dt.date(year, month, day), hour, minute)


def first_working_day_after(day: dt.date) -> dt.date:
    """The next day that is not a weekend day or a Finnish public holiday."""
    day += dt.timedelta(days=1)
    while is_statutory_day_off(day):
        day += dt.timedelta(days=1)
    return day


# The data: the calls -------------------------------------------------------------------------

ESR_TITLE = "Pienten osaamiskokonaisuuksien kehittäminen"
ESR_OPENS = hki(2024, 3, 11, 9, 0)
ESR_DEADLINE = hki(2024, 6, 3, 16, 15)
# Illustrative: the call's budget. The three best-ranked requests (1 100 000 €) fit in it, the
# fourth does not: the funding line falls after the third application.
ESR_BUDGET = "1200000"

JOTPA_TITLE = "Pienten osaamiskokonaisuuksien pilotointi"
# Illustrative: the ministry said only "published in May 2024". The deadline and the end of
# questions fall in June 2024, after the demo's default clock (2.6.2024).
JOTPA_OPENS = hki(2024, 5, 8, 9, 0)
JOTPA_QUESTIONS_UNTIL = hki(2024, 6, 7, 16, 0)
JOTPA_DEADLINE = hki(2024, 6, 17, 12, 0)
JOTPA_HILMA_NOTICE = "2024-104233"
JOTPA_BUDGET = "250000"  # illustrative
JOTPA_INFO_EVENT = {"title": "Infotilaisuus: pienten osaamiskokonaisuuksien pilotointi",
                    "starts_at": hki(2024, 4, 22, 10, 0), "ends_at": hki(2024, 4, 22, 11, 0),
                    "location": "Teams"}
# Illustrative: the decision is delivered by e-mail on this day (the send date counts), and
# the contract is signed on the first working day after the standstill's last day, computed
# by the same rule the engine applies (Act 1397/2016, Act 150/1930).
JOTPA_DECISION_DELIVERED = hki(2024, 6, 28, 10, 0)
JOTPA_CONTRACT_SIGNED = local_instant(
    first_working_day_after(standstill_last_day(JOTPA_DECISION_DELIVERED)), 10, 0)
# Jotpa buys the pilots of the two best-ranked tenders.
JOTPA_TENDERS_AWARDED = 2

# The University of Helsinki's and Tampere University's business IDs are real; the others are
# illustrative (their check digits are valid). Organisations marked fictional do not exist.
ORGANISATIONS: list[dict[str, str]] = [
    {"key": "okm", "name": "Opetus- ja kulttuuriministeriö", "business_id": "0245872-8",
     "kind": "authority"},
    {"key": "jotpa", "name": "Jatkuvan oppimisen ja työllisyyden palvelukeskus (Jotpa)",
     "business_id": "3316624-2", "kind": "authority"},
    {"key": "helsinki", "name": "Helsingin yliopisto", "business_id": "0313471-7",
     "kind": "university"},
    {"key": "tampere", "name": "Tampereen yliopisto", "business_id": "2844561-8",
     "kind": "university"},
    # Fictional from here on.
    {"key": "jsamk", "name": "Järvi-Suomen ammattikorkeakoulu Oy", "business_id": "1618033-3",
     "kind": "university_of_applied_sciences"},
    {"key": "koskilaakso", "name": "Koskilaakson koulutuskuntayhtymä",
     "business_id": "1414213-0", "kind": "vocational_provider"},
    {"key": "kustlinjen", "name": "Yrkesinstitutet Kustlinjen", "business_id": "1732050-2",
     "kind": "vocational_provider"},
    {"key": "osaamispolku", "name": "Osaamispolku Oy", "business_id": "2236067-2",
     "kind": "training_company"},
]

# Fictional people. Staff get their accounts on 1.3.2024, applicants on 12.3.2024.
PEOPLE: list[dict[str, Any]] = [
    # Administrators: the ESR call's and the procurement's.
    {"key": "anna", "name": "Anna Virtanen", "email": "anna.virtanen@okm.example",
     "roles": ["admin"], "organisation": "okm", "locale": "fi"},
    {"key": "mikael", "name": "Mikael Lindqvist", "email": "mikael.lindqvist@jotpa.example",
     "roles": ["admin"], "organisation": "jotpa", "locale": "sv"},
    # Evaluators. Liisa works at the University of Helsinki, which applies: she may never
    # evaluate its application. Erik and Sarah are external experts.
    {"key": "pekka", "name": "Pekka Mäkinen", "email": "pekka.makinen@okm.example",
     "roles": ["evaluator"], "organisation": "okm", "locale": "fi"},
    {"key": "liisa", "name": "Liisa Korhonen", "email": "liisa.korhonen@helsinki.example",
     "roles": ["evaluator"], "organisation": "helsinki", "locale": "fi"},
    {"key": "erik", "name": "Erik Holmström", "email": "erik.holmstrom@expert.example",
     "roles": ["evaluator"], "organisation": None, "locale": "sv"},
    {"key": "sarah", "name": "Sarah Miller", "email": "sarah.miller@expert.example",
     "roles": ["evaluator"], "organisation": None, "locale": "en"},
    {"key": "hanna", "name": "Hanna Nieminen", "email": "hanna.nieminen@jotpa.example",
     "roles": ["evaluator"], "organisation": "jotpa", "locale": "fi"},
    # Applicants (bidders in the procurement).
    {"key": "maria", "name": "Maria Lahtinen", "email": "maria.lahtinen@helsinki.example",
     "roles": ["applicant"], "organisation": "helsinki", "locale": "fi"},
    {"key": "oskari", "name": "Oskari Laine", "email": "oskari.laine@helsinki.example",
     "roles": ["applicant"], "organisation": "helsinki", "locale": "en"},
    {"key": "joonas", "name": "Joonas Heikkinen", "email": "joonas.heikkinen@tampere.example",
     "roles": ["applicant"], "organisation": "tampere", "locale": "fi"},
    {"key": "daniel", "name": "Daniel Fischer", "email": "daniel.fischer@jsamk.example",
     "roles": ["applicant"], "organisation": "jsamk", "locale": "en"},
    {"key": "aino", "name": "Aino Salonen", "email": "aino.salonen@koskilaakso.example",
     "roles": ["applicant"], "organisation": "koskilaakso", "locale": "fi"},
    {"key": "johanna", "name": "Johanna Sundström", "email": "johanna.sundstrom@kustlinjen.example",
     "roles": ["applicant"], "organisation": "kustlinjen", "locale": "sv"},
    {"key": "ville", "name": "Ville Rantanen", "email": "ville.rantanen@osaamispolku.example",
     "roles": ["applicant"], "organisation": "osaamispolku", "locale": "fi"},
]
STAFF = ["anna", "mikael", "pekka", "liisa", "erik", "sarah", "hanna"]


# The data: ESR applications and their evaluation (illustrative) ------------------------------

# ESR applications by organisation (the default ESR form: title, summary, objectives,
# budget_total).
APPLICATIONS: dict[str, dict[str, str]] = {
    "helsinki": {
        "title": "Pienet osaamiskokonaisuudet osaksi yliopiston jatkuvan oppimisen palveluja",
        "summary": "Hankkeessa tiedekuntien opettajat ja koulutussuunnittelijat oppivat "
                   "suunnittelemaan, hinnoittelemaan ja toteuttamaan työikäisille suunnattuja "
                   "pieniä osaamiskokonaisuuksia viitekehyksen mukaisesti.",
        "objectives": "1) 120 henkilöstön jäsentä koulutettu. 2) Kymmenen pilottikokonaisuutta "
                      "suunniteltu. 3) Yhteinen palveluprosessi tiedekunnille.",
        "budget_total": "480000",
    },
    "tampere": {
        "title": "Tiedekunnista työelämään – pienten osaamiskokonaisuuksien palvelumalli",
        "summary": "Kehitämme yhdessä yritysten kanssa palvelumallin, jolla tiedekunnat "
                   "tunnistavat työelämän osaamistarpeet ja vastaavat niihin nopeasti.",
        "objectives": "Palvelumalli käytössä kolmessa tiedekunnassa; 80 opettajaa koulutettu.",
        "budget_total": "395000",
    },
    "jsamk": {
        "title": "Stackable micro-credentials for the lake region's SMEs",
        "summary": "Teachers and RDI staff learn to co-design stackable micro-credentials "
                   "with small and medium-sized enterprises.",
        "objectives": "Six co-designed micro-credentials; a regional SME panel; 40 staff trained.",
        "budget_total": "310000",
    },
    "koskilaakso": {
        "title": "Opettajat pienten osaamiskokonaisuuksien tekijöinä ammatillisessa koulutuksessa",
        "summary": "Ammatillisten opettajien osaaminen pienten osaamiskokonaisuuksien "
                   "suunnittelussa, osaamisen arvioinnissa ja todistamisessa vahvistuu.",
        "objectives": "60 opettajaa koulutettu; osaamispisteisiin perustuva mitoitusmalli.",
        "budget_total": "240000",
    },
    "kustlinjen": {
        "title": "Mikromeriter för kustregionens vuxenutbildning",
        "summary": "Ett projekt för att bygga upp kompetensen att erbjuda mikromeriter.",
    },
    "osaamispolku": {
        "title": "Mikrokoulutusten myyntimalli yrityksille",
        "summary": "Kehitämme myyntimallin, jolla yritykset ostavat henkilöstölleen "
                   "lyhyitä koulutuksia.",
        "objectives": "Myyntimalli ja kymmenen asiakasyritystä.",
        "budget_total": "150000",
    },
}
# The University of Helsinki resubmits before the deadline with a revised budget.
HELSINKI_REVISION = {"budget_total": "465000",
                     "objectives": APPLICATIONS["helsinki"]["objectives"]
                     + " 4) Kokemukset viitekehyksestä raportoidaan ministeriölle."}

# Eligibility (the call's default eligibility criteria, by their English names): every
# criterion is checked; the one that fails is recorded with its reason.
ESR_INELIGIBLE = {
    "osaamispolku": {"The applicant is eligible for ESF+ funding":
                     "Haku on tarkoitettu korkeakouluille ja ammatillisen koulutuksen "
                     "järjestäjille; koulutusyritys ei ole tässä haussa tukikelpoinen hakija."}}
ESR_CONSENSUS_CRITERION = "Results and impact"

# Each evaluator's review: (score, justification) per scored criterion of the call's default
# criteria, in their order — Need and objectives (0–5, 30 points), Implementation and
# resources (0–5, 30), Results and impact (0–5, 25), Horizontal principles (0–3, 15). Each in
# the evaluator's own language. The totals this gives, and the ranking the story expects:
#   Helsinki    4.5 4.5 4   2.5 → 27 + 27 + 20 + 12.5 = 86.5
#   Tampere     4.5 4   4   2   → 27 + 24 + 20 + 10   = 81
#   Koskilaakso 4   3.5 3*  2   → 24 + 21 + 15 + 10   = 70  (*Pekka 1, Sarah 4: a
#               disagreement, resolved by Anna's consensus score 3)
#   Järvi-Suomi 3.5 3   3   1.5 → 21 + 18 + 15 + 7.5  = 61.5, under the funding line
Review = list[tuple[int, str]]
ESR_REVIEWS: dict[str, dict[str, Review]] = {
    "helsinki": {
        "erik": [(5, "Behovet är tydligt beskrivet och förankrat i fakulteternas strategi."),
                 (4, "Realistisk plan; rollfördelningen mellan fakulteterna kunde vara tydligare."),
                 (4, "Mätbara mål för personalutbildningen; spridningen efter projektet är vagt "
                     "beskriven."),
                 (2, "Tillgänglighet beaktas; jämställdhet nämns bara allmänt.")],
        "sarah": [(4, "A well-evidenced need, though the target groups overlap with existing "
                      "services."),
                  (5, "A strong team and a credible work plan with clear milestones."),
                  (4, "Concrete outputs; an impact beyond the project period is plausible."),
                  (3, "Accessibility and equality are built into the design of every pilot.")],
    },
    "tampere": {
        "liisa": [(4, "Tarve perustuu yritysyhteistyössä tunnistettuihin osaamistarpeisiin."),
                  (4, "Palvelumalli on selkeä ja resursointi uskottava."),
                  (4, "Tulokset ovat mitattavia ja hyödynnettävissä muissakin tiedekunnissa."),
                  (2, "Kestävä kehitys on huomioitu, saavutettavuus vain yleisellä tasolla.")],
        "pekka": [(5, "Hanke vastaa suoraan haun tavoitteisiin ja alueen elinkeinoelämän "
                      "tarpeisiin."),
                  (4, "Toteutussuunnitelma on realistinen ja riskienhallinta kuvattu."),
                  (4, "Vaikuttavuus perustuu pysyvään palvelumalliin."),
                  (2, "Tasa-arvo ja yhdenvertaisuus on otettu huomioon rekrytoinnissa.")],
    },
    "koskilaakso": {
        "pekka": [(4, "Ammatillisten opettajien osaamistarve on hyvin perusteltu."),
                  (4, "Toteutus nivoutuu opettajien työhön; aikataulu on realistinen."),
                  (1, "Tulostavoitteet ovat yleisiä, eikä niille ole esitetty mittareita."),
                  (2, "Horisontaaliset periaatteet on kuvattu asianmukaisesti.")],
        "sarah": [(4, "A clear need among vocational teachers."),
                  (3, "The plan is sound, but the budget for external trainers looks thin."),
                  (4, "The competence-point sizing model could be taken up by providers "
                      "nationwide."),
                  (2, "Equality and accessibility are addressed; sustainability only briefly.")],
    },
    "jsamk": {
        "liisa": [(3, "Pk-yritysten tarve on kuvattu, mutta sitä ei ole osoitettu selvityksin."),
                  (3, "Toteutus on mahdollinen; yrityspaneelin rooli jää epäselväksi."),
                  (3, "Tuotokset ovat konkreettisia, niiden jatkuvuus epävarma."),
                  (2, "Saavutettavuus ja tasa-arvo on huomioitu.")],
        "sarah": [(4, "A relevant regional need, well argued."),
                  (3, "Feasible, but the staff time allocations are optimistic."),
                  (3, "The outputs are concrete; the long-term effect is uncertain."),
                  (1, "The horizontal principles are mentioned but not built into the "
                      "activities.")],
    },
}
ESR_CONSENSUS = ("koskilaakso", 3,
                 "Arvioijien näkemykset tulosten mitattavuudesta erosivat (1 ja 4). Sovittu "
                 "pistemäärä 3: mitoitusmalli on valtakunnallisesti hyödynnettävä, mutta "
                 "mittarit on tarkennettava hankesuunnitelmaan ennen toteutusta.")
# The order the story expects the engine's ranking to have, and where its funding line falls.
ESR_EXPECTED_RANKING = ["helsinki", "tampere", "koskilaakso", "jsamk"]
ESR_FUNDED = 3

# Funding decisions: the granted amounts (each within the amount applied for and, together,
# within the budget), and the reasons of the rejection.
ESR_GRANTS = {"helsinki": "398000", "tampere": "352500", "koskilaakso": "214000"}
# Who runs each funded project, starts it and writes its reports.
ESR_PROJECT_LEADS = {"helsinki": "maria", "tampere": "joonas", "koskilaakso": "aino"}
ESR_REJECTION = ("jsamk", "Hakemus sijoittui arvioinnissa rahoitusrajan alapuolelle: haun "
                          "määräraha ei riittänyt sen rahoittamiseen.")

# Implementation: progress reports every six months, then a final report.
ESR_PROGRESS_DUE = [hki(2025, 1, 31, 16, 15), hki(2025, 6, 30, 16, 15)]
ESR_PROGRESS_REPORTS: dict[int, dict[str, dict[str, Any]]] = {
    1: {
        "helsinki": {"summary": "Henkilöstökoulutus käynnistyi kolmessa tiedekunnassa; neljä "
                                "pilottikokonaisuutta on suunnitteilla.",
                     "indicators": {"staff_trained": 46, "micro_credentials_designed": 4}},
        "tampere": {"summary": "Palvelumallin ensimmäinen versio on käytössä kahdessa "
                               "tiedekunnassa.",
                    "indicators": {"staff_trained": 31, "micro_credentials_designed": 3,
                                   "partner_organisations": 7}},
        "koskilaakso": {"summary": "Mitoitusmallin luonnos valmis; opettajakoulutus käynnissä.",
                        "indicators": {"staff_trained": 22}},
    },
    2: {
        "helsinki": {"summary": "Seitsemän pilottikokonaisuutta toteutettu tai käynnissä.",
                     "indicators": {"staff_trained": 97, "micro_credentials_designed": 9,
                                    "micro_credentials_delivered": 7, "participants": 210}},
        "tampere": {"summary": "Palvelumalli käytössä neljässä tiedekunnassa.",
                    "indicators": {"staff_trained": 70, "micro_credentials_designed": 6,
                                   "micro_credentials_delivered": 4,
                                   "partner_organisations": 12}},
        "koskilaakso": {"summary": "Mitoitusmalli on otettu käyttöön kolmella alalla.",
                        "indicators": {"staff_trained": 51, "micro_credentials_designed": 5,
                                       "micro_credentials_delivered": 3, "participants": 64}},
    },
}
ESR_FINAL_REPORTS: dict[str, dict[str, Any]] = {
    "helsinki": {
        "summary": "Yliopiston jatkuvan oppimisen palveluihin on vakiintunut prosessi pienten "
                   "osaamiskokonaisuuksien suunnitteluun ja hinnoitteluun.",
        "results": "118 henkilöstön jäsentä koulutettu; 11 pilottikokonaisuutta.",
        "indicators": {"micro_credentials_designed": 11, "micro_credentials_delivered": 9,
                       "staff_trained": 118, "participants": 386, "participants_completed": 301,
                       "partner_organisations": 9},
    },
    "tampere": {
        "summary": "Palvelumalli on käytössä neljässä tiedekunnassa ja yritysyhteistyön "
                   "prosessi on kuvattu.",
        "results": "Palvelumalli käytössä neljässä tiedekunnassa; 86 opettajaa koulutettu.",
        "indicators": {"micro_credentials_designed": 8, "micro_credentials_delivered": 6,
                       "staff_trained": 86, "participants": 244, "participants_completed": 197,
                       "partner_organisations": 15},
        "framework_feedback": {
            "learning_outcomes": {"rating": "worked", "comment": "Oppimistulosten kuvaaminen "
                                  "yhdessä yritysten kanssa toimi hyvin."},
            "level": {"rating": "partly", "comment": "EQF-tason valinta oli vaikeaa "
                      "täydennyskoulutuksessa.", "proposal": "Esimerkkejä tasoista."}},
    },
    "koskilaakso": {
        "summary": "Ammatillisten opettajien osaaminen pienten osaamiskokonaisuuksien "
                   "suunnittelussa ja arvioinnissa on vahvistunut.",
        "results": "64 opettajaa koulutettu; mitoitusmalli otettu käyttöön.",
        "indicators": {"micro_credentials_designed": 7, "micro_credentials_delivered": 5,
                       "staff_trained": 64, "participants": 121, "participants_completed": 98,
                       "partner_organisations": 11},
        "framework_feedback": {
            "workload": {"rating": "did_not", "comment": "Osaamispisteiden ja viitekehyksen "
                         "yhteensovitus vaatii ohjeen.", "proposal": "Muuntotaulukko osp–op."}},
    },
}
# Anna returns Helsinki's first final report: it says nothing of the framework. The corrected
# one does.
HELSINKI_FINAL_RETURN = "Raportista puuttuvat kokemukset viitekehyksen toimivuudesta."
HELSINKI_FINAL_CORRECTION = {"framework_feedback": {
    "title": {"rating": "worked", "comment": "Kuvauskentät toimivat sellaisinaan."},
    "workload": {"rating": "partly", "comment": "Mitoitus opintopisteinä vaati tiedekunnille "
                 "yhteisen ohjeen.", "proposal": "Kansallinen mitoitusohje."},
    "quality_assurance": {"rating": "worked", "comment": "Yliopiston laatujärjestelmä kattoi "
                          "myös pienet osaamiskokonaisuudet."}}}


# The data: Jotpa tenders and their micro-credentials (illustrative) ---------------------------

# Jotpa tenders by organisation (the default Jotpa form: title, pilot_plan, price).
TENDERS: dict[str, dict[str, str]] = {
    "jsamk": {"title": "Micro-credential pilots: data skills for SMEs (3 + 2 ECTS, stackable)",
              "pilot_plan": "Two stackable micro-credentials: data literacy in two cohorts, "
                            "data visualisation in one; blended, autumn 2024 – spring 2025.",
              "price": "86000"},
    "tampere": {"title": "Pilotti: tekoäly asiantuntijatyössä (3 op)",
                "pilot_plan": "Kolme verkkototeutusta, 30 osallistujaa kussakin, 2024–2025.",
                "price": "92000"},
    "osaamispolku": {"title": "Pilotti: asiakaskokemuksen johtaminen",
                     "pilot_plan": "Kaksi lähitoteutusta Tampereella ja Helsingissä.",
                     "price": "68000"},
    "koskilaakso": {"title": "Pilotti: vihreä siirtymä rakennusalalla (15 osp)",
                    "pilot_plan": "Monimuotototeutus työpaikoilla, 40 osallistujaa.",
                    "price": "74000"},
    "helsinki": {"title": "Pilotti: kestävyysosaaminen opettajille (4 op)",
                 "pilot_plan": "Verkkokurssi ja kaksi lähipäivää, 50 osallistujaa.",
                 "price": "99000"},
}
# Järvi-Suomi replaces its sealed tender before the deadline with a lower price.
JSAMK_REPLACEMENT = {"price": "79500"}

# The micro-credentials each tender describes (framework version 1; the awarding body and the
# country default to the bidder's organisation and Finland). Järvi-Suomi's two stack.
MICRO_CREDENTIALS: dict[str, list[dict[str, Any]]] = {
    "jsamk": [
        {"title": "Data literacy for SMEs",
         "country_region": {"country": "FI", "region": "Etelä-Savo"},
         "learning_outcomes": [
             "Can identify the data an SME already has and the decisions it could support.",
             "Can clean and combine data in a spreadsheet and assess its quality.",
             "Can present findings to management in plain language."],
         "workload": {"value": 3, "unit": "ects"}, "level": "6",
         "assessment_type": "A data project for the learner's own company, assessed by a "
                            "teacher against published criteria.",
         "participation_form": "blended",
         "quality_assurance": "The UAS quality system, audited by the Finnish Education "
                              "Evaluation Centre (Karvi); course feedback reviewed each term.",
         "prerequisites": "Work experience in an SME; no earlier studies required.",
         "supervision_identity_verification": "on_site_id",
         "stackability": "Stacks with 'Data visualisation for SMEs' (2 ECTS) into a 5 ECTS "
                         "module; can be included in bachelor's degree elective studies.",
         "language": "en"},
        {"title": "Data visualisation for SMEs",
         "country_region": {"country": "FI", "region": "Etelä-Savo"},
         "learning_outcomes": [
             "Can design a dashboard that answers a management question.",
             "Can choose a chart that shows the data truthfully and accessibly."],
         "workload": {"value": 2, "unit": "ects"}, "level": "6",
         "assessment_type": "A dashboard built on the learner's own company data; peer and "
                            "teacher assessment.",
         "participation_form": "online",
         "quality_assurance": "The UAS quality system, audited by the Finnish Education "
                              "Evaluation Centre (Karvi); course feedback reviewed each term.",
         "prerequisites": "'Data literacy for SMEs' or equivalent skills.",
         "supervision_identity_verification": "unsupervised_no_id",
         "stackability": "Completes 'Data literacy for SMEs' (3 ECTS) into a 5 ECTS module.",
         "language": "en"},
    ],
    "tampere": [
        {"title": "Tekoäly asiantuntijatyössä",
         "country_region": {"country": "FI", "region": "Pirkanmaa"},
         "learning_outcomes": [
             "Osaa käyttää generatiivista tekoälyä oman asiantuntijatyönsä tukena.",
             "Osaa arvioida tekoälyn tuottaman tiedon luotettavuutta ja tietosuojariskejä.",
             "Osaa kuvata tekoälyn käytön periaatteet omassa organisaatiossaan."],
         "workload": {"value": 3, "unit": "ects"}, "level": "7",
         "assessment_type": "Oppimistehtävät ja loppuprojekti omasta työstä; arvioijana "
                            "vastuuopettaja.",
         "participation_form": "online",
         "quality_assurance": "Tampereen yliopiston laatujärjestelmä, jonka Karvi on "
                              "auditoinut.",
         "prerequisites": "Korkeakoulututkinto tai vastaava työkokemus.",
         "supervision_identity_verification": "unsupervised_no_id",
         "further_information": "Kolme verkkototeutusta 2024–2025.",
         "language": "fi"},
    ],
    "osaamispolku": [
        {"title": "Asiakaskokemuksen johtaminen",
         "country_region": {"country": "FI", "region": "Uusimaa"},
         "learning_outcomes": ["Osaa mitata asiakaskokemusta ja johtaa sen kehittämistä."],
         "workload": {"value": 40, "unit": "hours"}, "level": "not_applicable",
         "assessment_type": "Kehittämissuunnitelma omaan työyhteisöön; arvioijana kouluttaja.",
         "participation_form": "on_site",
         "quality_assurance": "ISO 9001 -sertifioitu laatujärjestelmä; palaute käsitellään "
                              "johtoryhmässä.",
         "language": "fi"},
    ],
    "koskilaakso": [
        {"title": "Vihreä siirtymä rakennusalalla",
         "country_region": {"country": "FI", "region": "Pohjois-Savo"},
         "learning_outcomes": ["Osaa valita rakennustyömaalla vähähiilisiä materiaaleja ja "
                               "työtapoja.",
                               "Osaa lajitella ja kierrättää rakennusjätteen määräysten "
                               "mukaisesti."],
         "workload": {"value": 15, "unit": "osp"}, "level": "4",
         "assessment_type": "Näyttö työpaikalla; arvioijina opettaja ja työpaikkaohjaaja.",
         "participation_form": "blended",
         "quality_assurance": "Koulutuksen järjestäjän laadunhallintajärjestelmä ja "
                              "Opetushallituksen ohjaus.",
         "language": "fi"},
    ],
    "helsinki": [
        {"title": "Kestävyysosaaminen opettajille",
         "country_region": {"country": "FI", "region": "Uusimaa"},
         "learning_outcomes": ["Osaa sisällyttää kestävän kehityksen tavoitteet opetukseensa."],
         "workload": {"value": 4, "unit": "ects"}, "level": "7",
         "assessment_type": "Opetussuunnitelman kehittämistehtävä; vertaisarviointi.",
         "participation_form": "blended",
         "quality_assurance": "Helsingin yliopiston laatujärjestelmä, jonka Karvi on "
                              "auditoinut.",
         "language": "fi"},
    ],
}
# What Osaamispolku has written of its description when it starts the tender: the rest of the
# mandatory elements come later (missing values are allowed in a draft, not when submitting).
OSAAMISPOLKU_FIRST_DRAFT = ("title", "learning_outcomes", "participation_form")

# Qualification (the procurement's default suitability requirements and exclusion grounds,
# by their English names): every requirement is checked; the one that fails excludes.
TENDER_EXCLUDED = {
    "koskilaakso": {"The bidder has experience in delivering continuous-learning training":
                    "Soveltuvuusvaatimus ei täyty: tarjoaja ei esittänyt vaadittua referenssiä "
                    "vastaavan laajuisesta koulutuksesta."}}
# Quality scores of the evaluation team per scored criterion of the default Jotpa criteria:
# Quality of the pilot delivery plan (0–5, 40 points), Application of the framework and
# reporting (0–5, 20 points); the price gives at most 40 points (lowest price / price × 40).
#   Järvi-Suomi  36 + 18 quality, 79 500 € → 34.21 price points = 88.21
#   Tampere      40 + 18 quality, 92 000 € → 29.57 price points = 87.57
#   Osaamispolku 20 +  8 quality, 68 000 € → 40.00 price points = 68.00
TENDER_REVIEWS: dict[str, dict[str, Review]] = {
    "jsamk": {
        "hanna": [(4, "Suunnitelma on selkeä ja ryhmät on mitoitettu realistisesti; "
                      "yritysten rekrytointi on kuvattu."),
                  (5, "Kaksi pinottavaa kokonaisuutta on kuvattu viitekehyksen kaikin "
                      "elementein; raportointi on suunniteltu.")],
        "pekka": [(5, "Erinomainen suunnitelma: oppijat tekevät projektin omalle yritykselleen."),
                  (4, "Viitekehystä sovelletaan hyvin; raportoinnin aikataulu on yleisellä "
                      "tasolla.")],
    },
    "tampere": {
        "hanna": [(5, "Kolme verkkototeutusta, selkeä ohjaus ja arviointi; riskit tunnistettu."),
                  (5, "Viitekehyksen soveltaminen ja palautteen keruu on suunniteltu "
                      "elementeittäin.")],
        "pekka": [(5, "Toteutussuunnitelma on vakuuttava ja laajasti saavutettava."),
                  (4, "Hyvä kuvaus; EQF-tason valinta on perusteltu vain lyhyesti.")],
    },
    "osaamispolku": {
        "hanna": [(3, "Lähitoteutukset kahdella paikkakunnalla; osallistujien rekrytointi jää "
                      "avoimeksi."),
                  (2, "Kuvaus on suppea; viitekehyksen soveltamisesta ja raportoinnista on "
                      "vähän tietoa.")],
        "pekka": [(2, "Suunnitelma on yleisellä tasolla, eikä aikataulua ole esitetty."),
                  (2, "Tasoa ei ole määritelty; raportointisuunnitelma puuttuu.")],
    },
}
TENDER_EXPECTED_RANKING = ["jsamk", "tampere", "osaamispolku"]
TENDER_DECISION = ("Hankitaan kaksi pilottia. Kokonaistaloudellisesti edullisimmat tarjoukset "
                   "hinta-laatusuhteen perusteella (laatu 60 pistettä, hinta 40 pistettä) ovat "
                   "Järvi-Suomen ammattikorkeakoulun ja Tampereen yliopiston tarjoukset. "
                   "Koskilaakson koulutuskuntayhtymän tarjous on suljettu pois "
                   "soveltuvuusvaatimuksen perusteella.")


# The data: pilot delivery and reports (illustrative) -----------------------------------------

@dataclasses.dataclass(frozen=True)
class PlannedCohort:
    name: str
    start: dt.date
    end: dt.date
    approved: int
    started: int
    completed: int


# The pilots by (organisation, number of the micro-credential in its tender): their cohorts.
# The actual dates are the planned ones; the figures are recorded as the cohorts start and end.
COHORTS: dict[tuple[str, int], list[PlannedCohort]] = {
    ("jsamk", 1): [
        PlannedCohort("Autumn 2024", dt.date(2024, 9, 9), dt.date(2024, 11, 29), 25, 24, 21),
        PlannedCohort("Spring 2025", dt.date(2025, 1, 13), dt.date(2025, 3, 28), 25, 23, 20)],
    ("jsamk", 2): [
        PlannedCohort("Spring 2025", dt.date(2025, 4, 7), dt.date(2025, 5, 23), 20, 18, 17)],
    ("tampere", 1): [
        PlannedCohort("Toteutus 1, syksy 2024", dt.date(2024, 9, 16), dt.date(2024, 12, 13),
                      30, 30, 22),
        PlannedCohort("Toteutus 2, kevät 2025", dt.date(2025, 1, 13), dt.date(2025, 4, 4),
                      30, 28, 24),
        PlannedCohort("Toteutus 3, kevät 2025", dt.date(2025, 3, 3), dt.date(2025, 5, 23),
                      30, 27, 19)],
}
# The pilots by name.
JSAMK_LITERACY, JSAMK_VISUALISATION, TAMPERE_AI = ("jsamk", 1), ("jsamk", 2), ("tampere", 1)
PILOT_SUPPLIERS = {"jsamk": "daniel", "tampere": "joonas"}
# Milestones Jotpa sets for every pilot at the contract: (title, due).
PILOT_MILESTONES = [("Toteutussuunnitelma ja ryhmät vahvistettu", hki(2024, 8, 30, 16, 0)),
                    ("Ensimmäinen ryhmä alkaa", hki(2024, 9, 30, 16, 0)),
                    ("Kaikki ryhmät päättyneet", hki(2025, 5, 30, 16, 0))]
PILOT_REPORTS_DUE = {"interim": hki(2025, 1, 31, 16, 15), "final": hki(2025, 8, 29, 16, 15)}
# Certificates: a fictional learner per completed participant; names from these lists (every
# pair distinct for the first 312 learners), grades where the provider gives them.
LEARNER_FIRST_NAMES = ["Aino", "Eero", "Helmi", "Juho", "Kaisa", "Lauri", "Maija", "Niko", "Oona",
                       "Pasi", "Riikka", "Sami", "Tiina", "Ville", "Anni", "Jari", "Katja",
                       "Markus", "Noora", "Petri", "Sanna", "Timo", "Elina", "Henrik", "Linnea",
                       "Mats"]
LEARNER_LAST_NAMES = ["Aalto", "Heikkilä", "Hiltunen", "Huttunen", "Järvinen", "Karjalainen",
                      "Koskinen", "Laaksonen", "Lehtonen", "Leinonen", "Mattila", "Mustonen",
                      "Nurmi", "Ojala", "Pitkänen", "Räsänen", "Salminen", "Savolainen",
                      "Toivonen", "Turunen", "Vainio", "Wikström", "Åberg", "Öhman"]
PILOT_GRADES: dict[str, list[str] | None] = {"jsamk": None,  # pass/fail
                                             "tampere": ["5", "4", "3", "4", "5", "2", "4", "3"]}

# Reports on the pilots: results are taken from the cohorts when a report is submitted; the
# supplier writes the learners' feedback and the framework feedback element by element. The
# final report rates every element: those not listed here "worked".
PILOT_REPORTS: dict[tuple[str, int], dict[str, dict[str, Any]]] = {
    ("jsamk", 1): {
        "interim": {
            "feedback_summary": "Learners valued working on their own company's data; the "
                                "spreadsheet exercises were too fast for some.",
            "satisfaction": "4.2", "feedback_respondents": 19,
            "framework_feedback": {
                "learning_outcomes": {"rating": "worked", "comment": "Companies understood them."},
                "workload": {"rating": "partly", "comment": "Companies read 3 ECTS as three "
                             "days of training.", "proposal": "Show the workload in hours too."}}},
        "final": {
            "feedback_summary": "Two cohorts, 41 of 47 completed; the project on one's own data "
                                "was the most valued part.",
            "satisfaction": "4.4", "feedback_respondents": 38,
            "other_experiences": "Employers asked for a shorter on-site part.",
            "problems": {
                "workload": ("partly", "Employers and learners read ECTS credits differently.",
                             "Show hours beside the credits on the certificate."),
                "level": ("partly", "EQF level 6 put off learners without a degree.",
                          "Explain levels as what one can do, not as degrees.")}},
    },
    ("jsamk", 2): {
        "interim": {
            "feedback_summary": "The cohort starts in April 2025; the design was tested with "
                                "three companies.",
            "framework_feedback": {
                "stackability": {"rating": "partly", "comment": "The framework has no way to "
                                 "say that two micro-credentials form one module.",
                                 "proposal": "An element for stacking."}}},
        "final": {
            "feedback_summary": "17 of 18 completed; the dashboards were taken into use in "
                                "11 companies.",
            "satisfaction": "4.6", "feedback_respondents": 16,
            "problems": {
                "stackability": ("did_not", "Learners could not combine the two certificates "
                                 "into one module: the framework has no element for it.",
                                 "Add a 'part of' relation between micro-credentials."),
                "workload": ("partly", "2 ECTS was too small a unit for employers to notice.",
                             "Show hours beside the credits.")}},
    },
    ("tampere", 1): {
        "interim": {
            "feedback_summary": "Ensimmäinen toteutus päättyi; osallistujat arvostivat omaan "
                                "työhön liittyvää loppuprojektia.",
            "satisfaction": "4.1", "feedback_respondents": 24,
            "framework_feedback": {
                "level": {"rating": "did_not", "comment": "EQF-taso ei kertonut työnantajille "
                          "mitään.", "proposal": "Tasokuvaukset esimerkein."}}},
        "final": {
            "feedback_summary": "Kolme toteutusta, 65 suorittanutta 85 aloittaneesta; "
                                "keskeyttäneistä useimmat vaihtoivat työtä.",
            "satisfaction": "4.3", "feedback_respondents": 61,
            "other_experiences": "Verkkototeutus tavoitti osallistujia koko maasta.",
            "problems": {
                "level": ("did_not", "EQF-tason valinta 6 vai 7 oli vaikeaa, eikä taso kertonut "
                          "työnantajille mitään.", "Tasokuvaukset esimerkein."),
                "quality_assurance": ("partly", "Yliopiston laatujärjestelmä ei tunne pieniä "
                                      "osaamiskokonaisuuksia omana tuotteenaan.",
                                      "Kansallinen laatukriteeristö."),
                "supervision_identity_verification": (
                    "partly", "Verkossa henkilöllisyyden tarkistus oli raskas.",
                    "Suomi.fi-tunnistus arviointiin.")}},
    },
}


# The timeline machinery -----------------------------------------------------------------------

class ReplayError(click.ClickException):
    """A step of the timeline failed: which one, when, and why."""


StepFunction = Callable[["Scene"], None]


@dataclasses.dataclass(frozen=True)
class TimelineStep:
    at: dt.datetime
    description: str
    run: StepFunction


TIMELINE: list[TimelineStep] = []


def at(instant: dt.datetime, description: str) -> Callable[[StepFunction], StepFunction]:
    """Register the decorated function as the step that happens at `instant`."""
    def register(run: StepFunction) -> StepFunction:
        TIMELINE.append(TimelineStep(instant, description, run))
        return run
    return register


def happens(instant: dt.datetime, description: str,
            *actions: Callable[["Scene"], None]) -> None:
    """Register the step that happens at `instant`: the actions, in order."""
    def run(scene: Scene) -> None:
        for action in actions:
            action(scene)
    TIMELINE.append(TimelineStep(instant, description, run))


def timeline() -> list[TimelineStep]:
    """The steps in order of their instants; steps at the same instant in written order."""
    return sorted(TIMELINE, key=lambda s: s.at)


_PEOPLE = {p["key"]: p for p in PEOPLE}
_ORGANISATIONS = {o["key"]: o for o in ORGANISATIONS}


class Scene:
    """What a step works with: the session, and the scenario's objects looked up by key."""

    def __init__(self, session: so.Session, signer: Callable[[], Signer]) -> None:
        self.session = session
        self.signer = signer  # the instance's certificate key, loaded when first needed
        self._found: dict[str, Any] = {}  # one query per object and step

    def user(self, key: str) -> User:
        return self._one(sa.select(User).where(User.email == _PEOPLE[key]["email"]), f"user {key}")

    def org(self, key: str) -> Organisation:
        return self._one(sa.select(Organisation).where(
            Organisation.business_id == _ORGANISATIONS[key]["business_id"]), f"organisation {key}")

    def esr_call(self) -> Call:
        return self._one(sa.select(Call).where(Call.kind == "esr", Call.title == ESR_TITLE),
                         "ESR call")

    def procurement(self) -> Call:
        return self._one(sa.select(Call).where(Call.kind == "jotpa", Call.title == JOTPA_TITLE),
                         "Jotpa procurement")

    def application(self, org_key: str) -> Submission:
        return self._submission(self.esr_call(), org_key)

    def tender(self, org_key: str) -> Submission:
        return self._submission(self.procurement(), org_key)

    def assignment(self, submission: Submission, evaluator_key: str) -> EvaluatorAssignment:
        evaluator = self.user(evaluator_key)
        found = next((a for a in submission.assignments if a.evaluator_id == evaluator.id), None)
        if found is None:
            raise LookupError(f"{evaluator_key} is not assigned to submission {submission.id}")
        return found

    def criterion(self, call: Call, english_name: str) -> Criterion:
        found = next((c for c in criteria_of(self.session, call.id)
                      if c.name.get("en") == english_name), None)
        if found is None:
            raise LookupError(f"no criterion {english_name!r} in {call.kind} call {call.id}")
        return found

    def scored_criteria(self, call: Call, expected: int) -> list[Criterion]:
        """The call's scored criteria in order; as many as the story's reviews score."""
        found = scored_criteria(criteria_of(self.session, call.id))
        if len(found) != expected:
            raise LookupError(f"{call.kind} call {call.id} has {len(found)} scored criteria, "
                              f"the story scores {expected}")
        return found

    def descriptions(self, tender: Submission) -> list[MicroCredentialDescription]:
        return descriptions_of(self.session, tender.id)

    def pilot(self, org_key: str, number: int) -> Pilot:
        """The pilot of the `number`th micro-credential of the organisation's tender."""
        return self._one(
            sa.select(Pilot).join(MicroCredentialDescription,
                                  Pilot.description_id == MicroCredentialDescription.id)
            .where(Pilot.submission_id == self.tender(org_key).id,
                   MicroCredentialDescription.position == number),
            f"pilot {org_key} {number}")

    def cohort(self, org_key: str, number: int, name: str) -> Cohort:
        return self._one(sa.select(Cohort).where(
            Cohort.pilot_id == self.pilot(org_key, number).id, Cohort.name == name),
            f"cohort {org_key} {number} {name}")

    def pilot_report(self, org_key: str, number: int, report_type: str) -> Report:
        return self._one(sa.select(Report).where(
            Report.pilot_id == self.pilot(org_key, number).id, Report.report_type == report_type),
            f"{report_type} report of pilot {org_key} {number}")

    def progress_report(self, org_key: str, sequence: int) -> Report:
        return self._one(sa.select(Report).where(
            Report.submission_id == self.application(org_key).id, Report.kind == "esr",
            Report.report_type == "progress", Report.sequence == sequence),
            f"progress report {sequence} of {org_key}")

    def fire(self, obj: Call | Submission | Report, trigger: str, actor_key: str | None, *,
             comment: str = "", **data: Any) -> None:
        actor = self.user(actor_key) if actor_key else None
        fire(self.session, obj, trigger, actor, comment=comment, data=data or None)

    def expect_state(self, obj: Call | Submission | Report, state: str) -> None:
        """A checkpoint: what the clock (or a cascade) should have done by now."""
        if obj.state != state:
            raise AssertionError(f"expected {obj!r} to be {state!r} by now, not {obj.state!r}")

    def expect(self, what: str, found: object, expected: object) -> None:
        """A checkpoint on something the engine computed (a ranking, a funding line)."""
        if found != expected:
            raise AssertionError(f"expected {what} to be {expected!r}, not {found!r}")

    def expect_refusal(self, code: str, action: Callable[[], object]) -> WorkflowError:
        """Something the engine must refuse (the refusal is part of the story); in a
        savepoint, so that nothing of it stays even if the refusal came after a flush."""
        try:
            with self.session.begin_nested():
                action()
        except WorkflowError as err:
            if err.code != code:
                raise
            return err
        raise AssertionError(f"the engine allowed what it should refuse ({code})")

    def org_key_of(self, submission: Submission) -> str:
        return next(o["key"] for o in ORGANISATIONS
                    if o["business_id"] == submission.organisation.business_id)

    def _submission(self, call: Call, org_key: str) -> Submission:
        return self._one(sa.select(Submission).where(
            Submission.call_id == call.id, Submission.organisation_id == self.org(org_key).id),
            f"{call.kind} submission of {org_key}")

    def _one(self, query: sa.Select, what: str) -> Any:
        if what not in self._found:
            found = self.session.scalar(query)
            if found is None:
                raise LookupError(f"not in the database yet: {what}")
            self._found[what] = found
        return self._found[what]


def replay(factory: so.sessionmaker[so.Session], until: dt.datetime, *,
           instance_path: Path | None = None, settings: Settings | None = None) -> str:
    """Replay the timeline up to `until` (inclusive) into an empty, migrated database,
    delivering after each step the mail it wrote; then let the clock's sweep run at `until`.
    Returns a short report for people.

    `instance_path` (default: that of `settings`, by default the configured instance folder, as
    the web and the CLI use it) holds the key certificates are signed with, made there on the
    first certificate, and receives the mail as `.eml` files under `mail/` (unless the settings
    name an SMTP server)."""
    if until.tzinfo is None:
        raise ValueError("until must be an aware datetime")
    settings = settings or Settings.from_env()
    if instance_path is not None:
        settings = dataclasses.replace(settings, instance_path=instance_path)
    signer = functools.cache(lambda: Signer.from_instance(settings.instance_path))
    transport = transport_from_settings(settings)

    def deliver_mail() -> None:
        deliver(units_from(factory), transport, settings)

    steps = timeline()
    due = [s for s in steps if s.at <= until]
    frozen = clock.FrozenClock(until)
    with clock.using(frozen):
        for number, step in enumerate(due, 1):
            frozen.set(step.at)
            try:
                with transaction(factory) as session:
                    run_due_transitions(session)
                    step.run(Scene(session, signer))
            except (WorkflowError, LookupError, AssertionError) as err:
                if isinstance(err, WorkflowError):
                    reason = err.message("en") + (f" {err.details}" if err.details else "")
                else:
                    reason = str(err)
                raise ReplayError(f"seed step {number} ({format_fi(step.at)}: {step.description}) "
                                  f"failed: {reason}") from err
            deliver_mail()
        frozen.set(until)
        with transaction(factory) as session:
            run_due_transitions(session)
        deliver_mail()
        with factory() as session:
            return "\n".join((_report(session, until, len(due), steps),
                              _mail_line(session, settings)))


def _mail_line(session: so.Session, settings: Settings) -> str:
    statuses = Counter(session.scalars(sa.select(OutboxMessage.status)))
    where = "SMTP" if settings.smtp_url else str(settings.instance_path / "mail")
    waiting = statuses["pending"] + statuses["sending"] + statuses["failed"]
    return f"Mail: {statuses['sent']} delivered ({where}), {waiting} not delivered."


def _report(session: so.Session, until: dt.datetime, done: int,
            steps: list[TimelineStep]) -> str:
    lines = [f"Seed scenario: {done} of {len(steps)} steps replayed, up to {format_fi(until)} "
             f"(Helsinki time)."]
    for call in session.scalars(sa.select(Call).order_by(Call.id)):
        counts = Counter(session.scalars(
            sa.select(Submission.state).where(Submission.call_id == call.id)))
        what = "ESR call" if call.kind == "esr" else "Jotpa procurement"
        items = "applications" if call.kind == "esr" else "tenders"
        listed = ", ".join(f"{state} {n}" for state, n in sorted(counts.items())) or "none"
        lines.append(f"  {what} “{call.title}”: {call.state}; {items}: {listed}")
        if results_public(call):
            lines.append(f"    ranking: {_ranking_line(session, call)}")
        if call.kind == "jotpa":
            lines.extend(_pilots_lines(session, call))
    upcoming = next((s for s in steps if s.at > until), None)
    if upcoming is not None:
        lines.append(f"  Next in the story: {format_fi(upcoming.at)} — {upcoming.description}")
    return "\n".join(lines)


def _ranking_line(session: so.Session, call: Call) -> str:
    """1. Organisation 86.50, 2. ... with the ESR funding line where it falls."""
    ranking = build_ranking(session, call)
    line = ""
    for row in ranking.rows:
        if row.ranked.position > 1:
            line += (" | funding line | " if call.kind == "esr"
                     and row.ranked.position - 1 == ranking.funding_line_after else ", ")
        line += (f"{row.ranked.position}. {row.submission.organisation.name} "
                 f"{display(row.result.total)}")
    return line


def _pilots_lines(session: so.Session, call: Call) -> list[str]:
    pilots = session.scalar(sa.select(sa.func.count()).select_from(Pilot)
                            .where(Pilot.call_id == call.id)) or 0
    if not pilots:
        return []
    cohorts = session.scalar(sa.select(sa.func.count()).select_from(Cohort).join(Pilot)
                             .where(Pilot.call_id == call.id)) or 0
    certificates = session.scalar(sa.select(sa.func.count()).select_from(Certificate).join(Pilot)
                                  .where(Pilot.call_id == call.id)) or 0
    reports = Counter(session.scalars(
        sa.select(Report.state).join(Pilot, Report.pilot_id == Pilot.id)
        .where(Pilot.call_id == call.id)))
    listed = ", ".join(f"{state} {n}" for state, n in sorted(reports.items()))
    return [f"    pilots: {pilots}; cohorts: {cohorts}; certificates: {certificates}; "
            f"pilot reports: {listed}"]


def print_accounts() -> None:
    """The demo accounts, to sign in with (they exist from 1.3.2024 / 12.3.2024 on)."""
    names = {o["key"]: o["name"] for o in ORGANISATIONS}
    click.echo(f"Demo accounts — the password of every account is: {DEMO_PASSWORD}")
    width = max(len(p["email"]) for p in PEOPLE)
    for person in PEOPLE:
        organisation = names[person["organisation"]] if person["organisation"] else "—"
        click.echo(f"  {person['email']:<{width}}  {DEMO_PASSWORD}  "
                   f"{', '.join(person['roles']):<10}  {person['locale']}  {organisation}")


# The story's vocabulary -----------------------------------------------------------------------
#
# A step is one or more actions: small functions of a `Scene`, each built from the data above by
# a verb (`fires`, `submits`, `scores_applications`, ...), so that the timeline reads as the
# story. The object an action works on is named by a finder (`application("tampere")`).

Action = Callable[[Scene], None]
Finder = Callable[[Scene], Any]

ESR_CALL: Finder = Scene.esr_call
PROCUREMENT: Finder = Scene.procurement


def application(org_key: str) -> Finder:
    return lambda scene: scene.application(org_key)


def tender(org_key: str) -> Finder:
    return lambda scene: scene.tender(org_key)


def progress_report(org_key: str, sequence: int) -> Finder:
    return lambda scene: scene.progress_report(org_key, sequence)


def pilot_report(org_key: str, number: int, report_type: str) -> Finder:
    return lambda scene: scene.pilot_report(org_key, number, report_type)


def fires(actor_key: str, trigger: str, *finders: Finder, comment: str = "",
          **data: Any) -> Action:
    """The person fires the trigger on each object in turn, as they would in the web."""
    def act(scene: Scene) -> None:
        for find in finders:
            scene.fire(find(scene), trigger, actor_key, comment=comment, **data)
    return act


def expects(state: str, *finders: Finder) -> Action:
    """A checkpoint: each object is in `state` by now (moved by the clock or a cascade)."""
    def act(scene: Scene) -> None:
        for find in finders:
            scene.expect_state(find(scene), state)
    return act


def registers_organisations(scene: Scene) -> None:
    for org in ORGANISATIONS:
        create_organisation(scene.session, name=org["name"], business_id=org["business_id"],
                            kind=org["kind"])


def refused(code: str, action: Action) -> Action:
    """The engine refuses the action with `code`; the refusal is part of the story."""
    return lambda scene: scene.expect_refusal(code, lambda: action(scene))


def sign_up(keys: list[str]) -> Action:
    def act(scene: Scene) -> None:
        for key in keys:
            person = _PEOPLE[key]
            organisation = scene.org(person["organisation"]) if person["organisation"] else None
            create_user(scene.session, email=person["email"], name=person["name"],
                        password=DEMO_PASSWORD, roles=person["roles"], locale=person["locale"],
                        organisation=organisation)
    return act


def _picked(content: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The fields written so far (all of them when none are named), in the data's order."""
    return {key: content[key] for key in fields} if fields else dict(content)


def starts_application(applicant_key: str, org_key: str, *fields: str) -> Action:
    """The applicant starts the organisation's ESR application with (some of) its content."""
    def act(scene: Scene) -> None:
        create_draft(scene.session, scene.user(applicant_key), scene.esr_call(),
                     _picked(APPLICATIONS[org_key], fields))
    return act


def starts_tender(bidder_key: str, org_key: str, *fields: str,
                  describing: tuple[str, ...] | None = None) -> Action:
    """The bidder starts the organisation's tender with (some of) its content and, given
    `describing` (the elements written so far; empty: all), its first micro-credential."""
    def act(scene: Scene) -> None:
        bidder = scene.user(bidder_key)
        draft = create_draft(scene.session, bidder, scene.procurement(),
                             _picked(TENDERS[org_key], fields))
        if describing is not None:
            add_description(scene.session, bidder, draft,
                            _picked(MICRO_CREDENTIALS[org_key][0], describing))
    return act


def describes(bidder_key: str, org_key: str, number: int) -> Action:
    """The bidder describes the tender's `number`th micro-credential."""
    def act(scene: Scene) -> None:
        add_description(scene.session, scene.user(bidder_key), scene.tender(org_key),
                        dict(MICRO_CREDENTIALS[org_key][number - 1]))
    return act


def completes_description(bidder_key: str, org_key: str) -> Action:
    """The bidder writes the rest of the tender's first micro-credential description."""
    def act(scene: Scene) -> None:
        description = scene.descriptions(scene.tender(org_key))[0]
        update_description(scene.session, scene.user(bidder_key), description,
                           {**description.data, **MICRO_CREDENTIALS[org_key][0]})
    return act


def submits(applicant_key: str, find: Finder, changes: dict[str, str] | None = None) -> Action:
    """Complete (or change) the working copy, then submit it; submitting again replaces."""
    def act(scene: Scene) -> None:
        submission = find(scene)
        applicant = scene.user(applicant_key)
        if changes:
            update_content(scene.session, applicant, submission,
                           {**submission.content, **changes})
        fire(scene.session, submission, "submit", applicant)
    return act


def checks(admin_key: str, find: Finder, outcome: str,
           failed: dict[str, str] | None = None) -> Action:
    """The administrator records every pass/fail requirement of the call (eligibility, or
    suitability and exclusion), failing those named with their reasons; the outcome they give
    (eligible or ineligible, qualified or excluded) is taken, and must be `outcome`."""
    def act(scene: Scene) -> None:
        submission = find(scene)
        admin = scene.user(admin_key)
        reasons = failed or {}
        unknown = set(reasons) - {c.name["en"] for c in requirements(scene.session, submission)}
        if unknown:
            raise LookupError(f"no such requirements: {sorted(unknown)}")
        record_checks(scene.session, admin, submission, {
            c.id: {"passed": c.name["en"] not in reasons,
                   "reason": reasons.get(c.name["en"], "")}
            for c in requirements(scene.session, submission)})
        decide_requirements(scene.session, admin, submission)
        scene.expect_state(submission, outcome)
    return act


def assigns(admin_key: str, find: Finder, evaluator_keys: list[str],
            due_at: dt.datetime | None = None) -> Action:
    def act(scene: Scene) -> None:
        submission = find(scene)
        for key in evaluator_keys:
            assign_evaluator(scene.session, scene.user(admin_key), submission, scene.user(key),
                             due_at=due_at)
    return act


def declares(evaluator_key: str, find: Finder, *, conflict: str = "") -> Action:
    """The evaluator declares a conflict of interest (with its reason), or that there is none."""
    def act(scene: Scene) -> None:
        submission = find(scene)
        declare_conflict(scene.session, scene.user(evaluator_key),
                         scene.assignment(submission, evaluator_key),
                         conflicted=bool(conflict), reason=conflict)
    return act


def _scores(scene: Scene, evaluator_key: str, submission: Submission, given: Review) -> None:
    """The evaluator scores every scored criterion with a justification and submits."""
    criteria = scene.scored_criteria(submission.call, len(given))
    score_and_submit(scene.session, scene.user(evaluator_key),
                     scene.assignment(submission, evaluator_key),
                     {c.id: {"score": score, "justification": text}
                      for c, (score, text) in zip(criteria, given)})


def scores_applications(evaluator_key: str, *org_keys: str) -> Action:
    """The evaluator's reviews of these applications, as ESR_REVIEWS has them."""
    def act(scene: Scene) -> None:
        for key in org_keys:
            _scores(scene, evaluator_key, scene.application(key), ESR_REVIEWS[key][evaluator_key])
    return act


def scores_tenders(evaluator_key: str) -> Action:
    """The evaluator's quality scores of every tender compared, as TENDER_REVIEWS has them."""
    def act(scene: Scene) -> None:
        for key, reviews in TENDER_REVIEWS.items():
            _scores(scene, evaluator_key, scene.tender(key), reviews[evaluator_key])
    return act


def schedules_progress_reports(scene: Scene) -> None:
    """Anna sets when each funded project's progress reports are due."""
    for key in ESR_GRANTS:
        schedule_progress_reports(scene.session, scene.user("anna"), scene.application(key),
                                  ESR_PROGRESS_DUE)


def writes_progress_reports(sequence: int) -> Action:
    """Each funded project's lead writes its `sequence`th progress report and submits it."""
    def act(scene: Scene) -> None:
        for key, data in ESR_PROGRESS_REPORTS[sequence].items():
            lead = ESR_PROJECT_LEADS[key]
            report = scene.progress_report(key, sequence)
            update_report(scene.session, scene.user(lead), report, data)
            scene.fire(report, "submit", lead)
    return act


def writes_final_report(org_key: str, corrections: dict[str, Any] | None = None) -> Action:
    """The project's lead writes its final report (summary, results, every indicator, optional
    framework feedback), with corrections if any, and submits it with the application's step."""
    def act(scene: Scene) -> None:
        lead = ESR_PROJECT_LEADS[org_key]
        found = scene.application(org_key)
        update_esr_final_report(scene.session, scene.user(lead), found,
                                {**ESR_FINAL_REPORTS[org_key], **(corrections or {})})
        scene.fire(found, "submit_final_report", lead)
    return act


def ranked_keys(scene: Scene, call: Call) -> list[str]:
    return [scene.org_key_of(row.submission) for row in build_ranking(scene.session, call).rows]


def plans_cohorts(org_key: str) -> Action:
    """The supplier plans the cohorts of each of its pilots and confirms the plan."""
    def act(scene: Scene) -> None:
        supplier = scene.user(PILOT_SUPPLIERS[org_key])
        for (key, number), cohorts in COHORTS.items():
            if key != org_key:
                continue
            pilot = scene.pilot(key, number)
            for cohort in cohorts:
                add_cohort(scene.session, supplier, pilot, name=cohort.name,
                           planned_start=cohort.start, planned_end=cohort.end,
                           participants_approved=cohort.approved)
            _milestone_done(scene, org_key, number, PILOT_MILESTONES[0][0])
    return act


def milestones_done(title: str) -> Action:
    """Every pilot's supplier marks the milestone done."""
    def act(scene: Scene) -> None:
        for org_key, number in COHORTS:
            _milestone_done(scene, org_key, number, title)
    return act


def _milestone_done(scene: Scene, org_key: str, number: int, title: str) -> None:
    pilot = scene.pilot(org_key, number)
    milestone = next(m for m in pilot.milestones if m.title == title)
    mark_milestone_done(scene.session, scene.user(PILOT_SUPPLIERS[org_key]), milestone)


def _planned(org_key: str, number: int, name: str) -> PlannedCohort:
    return next(c for c in COHORTS[org_key, number] if c.name == name)


def cohort_starts(org_key: str, number: int, name: str) -> Action:
    """The cohort starts on its planned day; the supplier records who started (the first
    cohort's start is a milestone)."""
    def act(scene: Scene) -> None:
        planned = _planned(org_key, number, name)
        update_cohort(scene.session, scene.user(PILOT_SUPPLIERS[org_key]),
                      scene.cohort(org_key, number, name), actual_start=planned.start,
                      participants_started=planned.started)
        if planned is COHORTS[org_key, number][0]:
            _milestone_done(scene, org_key, number, PILOT_MILESTONES[1][0])
    return act


def cohort_ends(org_key: str, number: int, name: str) -> Action:
    """The cohort has ended: the supplier records who completed and issues each of them a
    certificate (signed; the date of completion is the cohort's end)."""
    def act(scene: Scene) -> None:
        planned = _planned(org_key, number, name)
        supplier = scene.user(PILOT_SUPPLIERS[org_key])
        cohort = scene.cohort(org_key, number, name)
        update_cohort(scene.session, supplier, cohort, actual_end=planned.end,
                      participants_completed=planned.completed)
        grades = PILOT_GRADES[org_key]
        for i, (name_, email) in enumerate(learners(org_key, number, name)):
            issue_certificate(scene.session, supplier, cohort, learner_name=name_,
                              learner_email=email,
                              grade=grades[i % len(grades)] if grades else None,
                              signer=scene.signer())
    return act


def learners(org_key: str, number: int, name: str) -> list[tuple[str, str]]:
    """The fictional learners who completed the cohort: (name, e-mail), distinct across the
    whole story (numbered in the order of COHORTS)."""
    offset = 0
    for key, cohorts in COHORTS.items():
        for cohort in cohorts:
            if key == (org_key, number) and cohort.name == name:
                return [_learner(offset + i) for i in range(cohort.completed)]
            offset += cohort.completed
    raise LookupError(f"no cohort {name!r} in pilot {org_key} {number}")


def _learner(n: int) -> tuple[str, str]:
    first = LEARNER_FIRST_NAMES[n % len(LEARNER_FIRST_NAMES)]
    last = LEARNER_LAST_NAMES[(n * 7) % len(LEARNER_LAST_NAMES)]
    ascii_ = str.maketrans("äöåÄÖÅ", "aoaAOA")
    return f"{first} {last}", f"{first}.{last}@oppija.example".translate(ascii_).lower()


def writes_pilot_reports(report_type: str, *pilots: tuple[str, int]) -> Action:
    """The supplier writes each pilot's report and submits it. A final report rates every
    element of the framework version its micro-credential was described in."""
    def act(scene: Scene) -> None:
        for org_key, number in pilots:
            report = scene.pilot_report(org_key, number, report_type)
            data = dict(PILOT_REPORTS[org_key, number][report_type])
            problems = data.pop("problems", None)
            if problems is not None:
                data["framework_feedback"] = {
                    key: ({"rating": problems[key][0], "comment": problems[key][1],
                           "proposal": problems[key][2]} if key in problems
                          else {"rating": "worked"})
                    for key in report_framework(report).keys}
            supplier = PILOT_SUPPLIERS[org_key]
            update_report(scene.session, scene.user(supplier), report, data)
            scene.fire(report, "submit", supplier)
    return act


# The timeline: directory -----------------------------------------------------------------------

happens(hki(2024, 3, 1, 9, 0),
        "The organisations are registered and the staff get their accounts",
        registers_organisations, sign_up(STAFF))
happens(hki(2024, 3, 12, 10, 0), "Applicants of six organisations sign up",
        sign_up([p["key"] for p in PEOPLE if p["key"] not in STAFF]))


# ESR call: set up, open ------------------------------------------------------------------------

@at(hki(2024, 3, 4, 10, 0), "Anna (ESR administrator) prepares the ESR call with the default "
                            "ESF+ criteria")
def esr_call_created(scene: Scene) -> None:
    create_call(scene.session, scene.user("anna"), kind="esr", title=ESR_TITLE,
                opens_at=ESR_OPENS, deadline=ESR_DEADLINE, budget=ESR_BUDGET,
                description="ESR-hankkeissa kehitetään korkeakoulujen ja ammatillisen "
                            "koulutuksen järjestäjien osaamista pienten osaamiskokonaisuuksien "
                            "tarjoamiseksi työikäisille.")


happens(hki(2024, 3, 6, 13, 0), "Anna publishes the ESR call", fires("anna", "publish", ESR_CALL))
happens(ESR_OPENS, "The ESR call opens by itself", expects("open", ESR_CALL))


# ESR applications: drafts and submissions until 2.6.2024 --------------------------------------

happens(hki(2024, 4, 8, 10, 0), "Maria starts the University of Helsinki's application",
        starts_application("maria", "helsinki", "title", "summary"))
happens(hki(2024, 4, 17, 14, 0), "Ville starts Osaamispolku's application",
        starts_application("ville", "osaamispolku"))
happens(hki(2024, 4, 25, 9, 30), "Joonas starts Tampere University's application",
        starts_application("joonas", "tampere"))
happens(hki(2024, 5, 2, 13, 0), "Aino starts Koskilaakso's application",
        starts_application("aino", "koskilaakso"))
happens(hki(2024, 5, 14, 11, 0), "Daniel starts Järvi-Suomi UAS's application",
        starts_application("daniel", "jsamk", "title"))
happens(hki(2024, 5, 20, 10, 0),
        "Maria completes and submits the University of Helsinki's application",
        submits("maria", application("helsinki"), APPLICATIONS["helsinki"]))
happens(hki(2024, 5, 24, 11, 0), "Ville submits Osaamispolku's application",
        submits("ville", application("osaamispolku")))
happens(hki(2024, 5, 27, 15, 0), "Johanna starts Kustlinjen's application",
        starts_application("johanna", "kustlinjen"))
happens(hki(2024, 5, 28, 14, 30), "Joonas submits Tampere University's application",
        submits("joonas", application("tampere")))
happens(hki(2024, 5, 29, 15, 0), "Aino submits Koskilaakso's application",
        submits("aino", application("koskilaakso")))
happens(hki(2024, 5, 31, 10, 30), "Maria revises the budget and resubmits; the new version counts",
        submits("maria", application("helsinki"), HELSINKI_REVISION))


# Jotpa procurement: set up, publish, tendering ------------------------------------------------

@at(hki(2024, 4, 15, 10, 0),
    "After the ministry's announcement (12.4.2024), Mikael (Jotpa) prepares the procurement "
    "with the default price–quality criteria")
def procurement_created(scene: Scene) -> None:
    create_call(scene.session, scene.user("mikael"), kind="jotpa", title=JOTPA_TITLE,
                opens_at=JOTPA_OPENS, deadline=JOTPA_DEADLINE, budget=JOTPA_BUDGET,
                description="Jotpa hankkii viitekehyksen mukaisesti suunniteltujen pienten "
                            "osaamiskokonaisuuksien pilotteja ja raportin viitekehyksen "
                            "toimivuudesta.",
                info_events=[JOTPA_INFO_EVENT])


@at(hki(2024, 5, 6, 14, 0), "Mikael records the Hilma notice number and the end of questions")
def procurement_notice(scene: Scene) -> None:
    update_call(scene.session, scene.user("mikael"), scene.procurement(),
                hilma_notice_id=JOTPA_HILMA_NOTICE, questions_until=JOTPA_QUESTIONS_UNTIL)


happens(hki(2024, 5, 7, 14, 0), "Mikael publishes the call for tenders",
        fires("mikael", "publish", PROCUREMENT))
happens(JOTPA_OPENS, "Tendering starts by itself", expects("tendering", PROCUREMENT))
happens(hki(2024, 5, 20, 13, 0), "Daniel starts Järvi-Suomi UAS's tender and describes its first "
                                 "micro-credential",
        starts_tender("daniel", "jsamk", describing=()))
happens(hki(2024, 5, 27, 10, 0), "Joonas starts Tampere University's tender",
        starts_tender("joonas", "tampere", "title"))
happens(hki(2024, 5, 29, 9, 0), "Ville starts Osaamispolku's tender and begins describing its "
                                "micro-credential",
        starts_tender("ville", "osaamispolku", "title", "pilot_plan",
                      describing=OSAAMISPOLKU_FIRST_DRAFT))
happens(hki(2024, 5, 30, 15, 0), "Daniel describes the second, stackable micro-credential",
        describes("daniel", "jsamk", 2))
happens(hki(2024, 5, 31, 14, 0), "Daniel submits Järvi-Suomi UAS's tender (sealed) with its two "
                                 "micro-credential descriptions",
        submits("daniel", tender("jsamk")))


# The demo's default clock is here: 2.6.2024 9.00. --------------------------------------------

happens(hki(2024, 6, 3, 11, 20), "Johanna withdraws Kustlinjen's unfinished application",
        fires("johanna", "withdraw", application("kustlinjen"),
              comment="Vi söker i en senare omgång."))
happens(hki(2024, 6, 3, 14, 50), "Daniel completes and submits Järvi-Suomi UAS's application",
        submits("daniel", application("jsamk"), APPLICATIONS["jsamk"]))
happens(ESR_DEADLINE, "16.15: the ESR call closes by itself", expects("closed", ESR_CALL))


happens(hki(2024, 6, 3, 16, 20), "Aino tries to resubmit a correction after 16.15: refused",
        refused("deadline_passed", submits("aino", application("koskilaakso"))))
happens(hki(2024, 6, 4, 9, 0), "Anna starts the eligibility checks",
        fires("anna", "start_eligibility_check", *map(application, (
            "helsinki", "osaamispolku", "tampere", "koskilaakso", "jsamk"))))
happens(hki(2024, 6, 4, 10, 0), "Oskari starts the University of Helsinki's tender and describes "
                                "its micro-credential",
        starts_tender("oskari", "helsinki", describing=()))
happens(hki(2024, 6, 5, 10, 0), "Anna records Osaamispolku's eligibility checks: not an eligible "
                                "applicant; she asks Tampere to complete its application",
        checks("anna", application("osaamispolku"), "ineligible",
               failed=ESR_INELIGIBLE["osaamispolku"]),
        fires("anna", "return_for_completion", application("tampere"),
              comment="Kumppaniyritysten sitoumuskirjeet puuttuvat. "
                      "Toimittakaa ne 12.6. mennessä.",
              due_at=hki(2024, 6, 12, 16, 15)))
happens(hki(2024, 6, 5, 13, 0), "Aino starts Koskilaakso's tender and describes its "
                                "micro-credential",
        starts_tender("aino", "koskilaakso", describing=()))
happens(hki(2024, 6, 6, 10, 0), "Anna records three applications' eligibility checks: all met; "
                                "the evaluation starts",
        *(checks("anna", application(key), "in_evaluation")
          for key in ("helsinki", "jsamk", "koskilaakso")),
        fires("anna", "start_evaluation", ESR_CALL))
happens(hki(2024, 6, 6, 15, 0), "Oskari submits the University of Helsinki's tender (sealed)",
        submits("oskari", tender("helsinki")))


ESR_REVIEWS_DUE = hki(2024, 6, 28, 16, 15)


happens(hki(2024, 6, 7, 10, 0), "Anna assigns two evaluators to each eligible application; "
                                "Liisa cannot evaluate her own university's",
        refused("not_allowed", assigns("anna", application("helsinki"), ["liisa"])),
        assigns("anna", application("helsinki"), ["erik", "sarah"], ESR_REVIEWS_DUE),
        assigns("anna", application("jsamk"), ["liisa", "erik"], ESR_REVIEWS_DUE),
        assigns("anna", application("koskilaakso"), ["pekka", "sarah"], ESR_REVIEWS_DUE))
happens(hki(2024, 6, 10, 9, 30),
        "Erik declares a conflict of interest with Järvi-Suomi's application",
        declares("erik", application("helsinki")),
        declares("erik", application("jsamk"),
                 conflict="Jag var extern rådgivare när ansökan bereddes."))
happens(hki(2024, 6, 10, 11, 0), "Liisa, Sarah and Pekka declare no conflict of interest",
        declares("liisa", application("jsamk")), declares("sarah", application("helsinki")),
        declares("sarah", application("koskilaakso")),
        declares("pekka", application("koskilaakso")))
happens(hki(2024, 6, 10, 13, 0), "Joonas sends the missing commitment letters",
        fires("joonas", "complete", application("tampere"),
              comment="Sitoumuskirjeet kolmelta kumppaniyritykseltä lähetetty kirjaamoon."))
happens(hki(2024, 6, 10, 15, 0), "Joonas describes Tampere University's micro-credential and "
                                 "submits its tender",
        describes("joonas", "tampere", 1), submits("joonas", tender("tampere"), TENDERS["tampere"]))
happens(hki(2024, 6, 11, 10, 0), "Anna finds Tampere eligible, assigns its evaluators, "
                                 "and replaces Erik on Järvi-Suomi's application with Sarah",
        checks("anna", application("tampere"), "in_evaluation"),
        assigns("anna", application("tampere"), ["liisa", "pekka"], ESR_REVIEWS_DUE),
        assigns("anna", application("jsamk"), ["sarah"], ESR_REVIEWS_DUE))
happens(hki(2024, 6, 12, 9, 0),
        "Liisa, Pekka and Sarah declare no conflict for their new assignments",
        declares("liisa", application("tampere")), declares("pekka", application("tampere")),
        declares("sarah", application("jsamk")))
happens(hki(2024, 6, 12, 11, 0), "Oskari withdraws the University of Helsinki's tender",
        fires("oskari", "withdraw", tender("helsinki"),
              comment="We focus our resources on the ESR project."))


@at(hki(2024, 6, 12, 13, 30), "Ville enters the price and tries to submit Osaamispolku's tender: "
                              "refused, its micro-credential description is incomplete")
def osaamispolku_tender_refused(scene: Scene) -> None:
    found = scene.tender("osaamispolku")
    ville = scene.user("ville")
    update_content(scene.session, ville, found, {**found.content, **TENDERS["osaamispolku"]})
    refusal = scene.expect_refusal("content_missing",
                                   lambda: fire(scene.session, found, "submit", ville))
    if not any(key.startswith("descriptions.1.") for key in refusal.details):
        raise AssertionError(f"refused for another reason: {refusal.details}")


happens(hki(2024, 6, 12, 14, 0),
        "Ville completes the description and submits Osaamispolku's tender",
        completes_description("ville", "osaamispolku"), submits("ville", tender("osaamispolku")))
happens(hki(2024, 6, 13, 10, 0), "Aino submits Koskilaakso's tender",
        submits("aino", tender("koskilaakso")))
happens(hki(2024, 6, 14, 9, 0),
        "Daniel replaces Järvi-Suomi UAS's sealed tender with a lower price",
        submits("daniel", tender("jsamk"), JSAMK_REPLACEMENT))

TENDERS_OPENED = ("jsamk", "tampere", "osaamispolku", "koskilaakso")
happens(JOTPA_DEADLINE, "The tender deadline: the tenders are opened by themselves",
        expects("opened", PROCUREMENT, *map(tender, TENDERS_OPENED)))
happens(hki(2024, 6, 18, 9, 0), "Mikael starts the qualification of the tenders",
        fires("mikael", "start_qualification", PROCUREMENT))
happens(hki(2024, 6, 19, 10, 0), "Mikael records the suitability requirements and exclusion "
                                 "grounds: three tenders qualify, Koskilaakso's is excluded",
        *(checks("mikael", tender(key), "excluded" if key in TENDER_EXCLUDED else "qualified",
                 failed=TENDER_EXCLUDED.get(key))
          for key in TENDERS_OPENED))

JOTPA_REVIEWS_DUE = hki(2024, 6, 26, 16, 0)
JOTPA_EVALUATORS = ["hanna", "pekka"]

happens(hki(2024, 6, 19, 11, 0),
        "Mikael assigns the evaluation team (Hanna, Pekka) to the tenders",
        *(assigns("mikael", tender(key), JOTPA_EVALUATORS, JOTPA_REVIEWS_DUE)
          for key in TENDER_REVIEWS))
happens(hki(2024, 6, 20, 9, 0), "Hanna and Pekka declare no conflict of interest",
        *(declares(evaluator, tender(key))
          for key in TENDER_REVIEWS for evaluator in JOTPA_EVALUATORS))
happens(hki(2024, 6, 20, 15, 0), "Sarah scores Helsinki's and Koskilaakso's applications",
        scores_applications("sarah", "helsinki", "koskilaakso"))
happens(hki(2024, 6, 24, 9, 0), "Mikael starts the comparison of the qualified tenders",
        fires("mikael", "start_comparison", PROCUREMENT))
happens(hki(2024, 6, 25, 14, 0), "Erik scores Helsinki's application",
        scores_applications("erik", "helsinki"))
happens(hki(2024, 6, 26, 10, 0), "Hanna and Pekka score the quality of the three tenders",
        *map(scores_tenders, JOTPA_EVALUATORS))
happens(hki(2024, 6, 26, 15, 0), "Pekka scores Koskilaakso's and Tampere's applications; on "
                                 "Koskilaakso's results he and Sarah disagree",
        scores_applications("pekka", "koskilaakso", "tampere"))


@at(hki(2024, 6, 27, 10, 0), "Mikael records the comparison (quality and price points) and "
                             "awards the two best-ranked tenders; the procurement decision")
def procurement_decided(scene: Scene) -> None:
    procurement = scene.procurement()
    decisions.award_by_ranking(scene.session, scene.user("mikael"), procurement,
                               winners=JOTPA_TENDERS_AWARDED)
    ranking = ranked_keys(scene, procurement)
    scene.expect("the tenders' ranking", ranking, TENDER_EXPECTED_RANKING)
    for place, key in enumerate(ranking):
        scene.expect_state(scene.tender(key),
                           "awarded" if place < JOTPA_TENDERS_AWARDED else "not_awarded")
    scene.fire(procurement, "decide", "mikael", comment=TENDER_DECISION)


happens(hki(2024, 6, 27, 15, 0), "Liisa and Sarah score Järvi-Suomi's application; "
                                 "Liisa also Tampere's",
        scores_applications("liisa", "jsamk", "tampere"), scores_applications("sarah", "jsamk"))
happens(JOTPA_DECISION_DELIVERED, "Mikael delivers the procurement decision by e-mail; "
                                  "the standstill period starts",
        fires("mikael", "deliver_decision", PROCUREMENT))


@at(hki(2024, 7, 1, 9, 0), "Anna resolves the evaluators' disagreement on Koskilaakso's "
                           "results and impact with a consensus score")
def consensus_set(scene: Scene) -> None:
    key, score, justification = ESR_CONSENSUS
    criterion = scene.criterion(scene.esr_call(), ESR_CONSENSUS_CRITERION)
    set_consensus(scene.session, scene.user("anna"), scene.application(key), criterion.id,
                  score=score, justification=justification)


@at(hki(2024, 7, 1, 10, 0), "Anna completes the evaluation of the four eligible applications: "
                            "the ranking and its funding line")
def evaluation_completed(scene: Scene) -> None:
    for key in ESR_EXPECTED_RANKING:
        scene.fire(scene.application(key), "complete_evaluation", "anna")
    call = scene.esr_call()
    scene.expect("the applications' ranking", ranked_keys(scene, call), ESR_EXPECTED_RANKING)
    scene.expect("the funding line", build_ranking(scene.session, call).funding_line_after,
                 ESR_FUNDED)


happens(JOTPA_CONTRACT_SIGNED, "The standstill is over: Mikael signs the contracts; each "
                               "micro-credential of an awarded tender becomes a pilot",
        fires("mikael", "sign_contract", PROCUREMENT))


@at(JOTPA_CONTRACT_SIGNED + dt.timedelta(hours=1),
    "Mikael sets each pilot's milestones and when its reports are due")
def pilot_milestones(scene: Scene) -> None:
    mikael = scene.user("mikael")
    for org_key, number in COHORTS:
        pilot = scene.pilot(org_key, number)
        for title, due in PILOT_MILESTONES:
            add_milestone(scene.session, mikael, pilot, title=title, due_at=due)
        for report_type, due in PILOT_REPORTS_DUE.items():
            set_report_due(scene.session, mikael, scene.pilot_report(org_key, number, report_type),
                           due)


# After the evaluations: decisions, projects, pilots and reports. Everything from here on is
# illustrative: dates, figures, texts. ---------------------------------------------------------

@at(hki(2024, 8, 20, 10, 0), "Anna records the funding decisions by the funding line: three "
                             "approved within the budget, one rejected")
def funding_decisions(scene: Scene) -> None:
    call = scene.esr_call()
    proposal = {scene.org_key_of(p.submission): p.approve
                for p in decisions.funding_proposal(scene.session, call)}
    scene.expect("the funding proposal", proposal,
                 {key: key in ESR_GRANTS for key in ESR_EXPECTED_RANKING})
    for key, amount in ESR_GRANTS.items():
        scene.fire(scene.application(key), "approve", "anna", granted_amount=amount)
    key, reason = ESR_REJECTION
    scene.fire(scene.application(key), "reject", "anna", comment=reason)
    scene.fire(call, "decide", "anna")


happens(hki(2024, 8, 26, 10, 0), "Daniel plans Järvi-Suomi UAS's cohorts", plans_cohorts("jsamk"))
happens(hki(2024, 8, 27, 10, 0), "Joonas plans Tampere University's cohorts",
        plans_cohorts("tampere"))
happens(hki(2024, 9, 2, 9, 0), "The three funded projects start",
        *(fires(lead, "start_implementation", application(key))
          for key, lead in ESR_PROJECT_LEADS.items()))
happens(hki(2024, 9, 2, 9, 30), "Anna schedules the projects' progress reports",
        schedules_progress_reports)
happens(hki(2024, 9, 2, 10, 0), "Pilot delivery starts",
        fires("mikael", "start_pilot_delivery", PROCUREMENT))
happens(hki(2024, 9, 9, 9, 0), "Järvi-Suomi's data literacy pilot: the autumn cohort starts",
        cohort_starts(*JSAMK_LITERACY, "Autumn 2024"))
happens(hki(2024, 9, 16, 9, 0), "Tampere's AI pilot: the first online cohort starts",
        cohort_starts(*TAMPERE_AI, "Toteutus 1, syksy 2024"))
happens(hki(2024, 12, 2, 10, 0), "Järvi-Suomi's autumn cohort has ended: completions recorded, "
                                 "certificates issued",
        cohort_ends(*JSAMK_LITERACY, "Autumn 2024"))
happens(hki(2024, 12, 16, 10, 0), "Tampere's first cohort has ended: completions recorded, "
                                  "certificates issued",
        cohort_ends(*TAMPERE_AI, "Toteutus 1, syksy 2024"))
happens(hki(2025, 1, 13, 9, 0), "The spring cohorts start: Järvi-Suomi's data literacy, "
                                "Tampere's second",
        cohort_starts(*JSAMK_LITERACY, "Spring 2025"),
        cohort_starts(*TAMPERE_AI, "Toteutus 2, kevät 2025"))
happens(hki(2025, 1, 27, 10, 0),
        "Maria, Joonas and Aino submit the projects' first progress reports",
        writes_progress_reports(1))
happens(hki(2025, 1, 29, 14, 0), "Daniel submits the interim reports of Järvi-Suomi's two pilots",
        writes_pilot_reports("interim", JSAMK_LITERACY, JSAMK_VISUALISATION))
happens(hki(2025, 1, 30, 11, 0), "Joonas submits the interim report of Tampere's pilot",
        writes_pilot_reports("interim", TAMPERE_AI))
happens(hki(2025, 2, 5, 10, 0), "Anna accepts the first progress reports",
        fires("anna", "accept", *(progress_report(key, 1) for key in ESR_GRANTS)))
happens(hki(2025, 2, 6, 10, 0), "Mikael accepts the pilots' interim reports",
        fires("mikael", "accept", *(pilot_report(*pilot, "interim") for pilot in COHORTS)))
happens(hki(2025, 3, 3, 9, 0), "Tampere's third online cohort starts",
        cohort_starts(*TAMPERE_AI, "Toteutus 3, kevät 2025"))
happens(hki(2025, 3, 31, 10, 0), "Järvi-Suomi's spring data literacy cohort has ended: "
                                 "completions recorded, certificates issued",
        cohort_ends(*JSAMK_LITERACY, "Spring 2025"))
happens(hki(2025, 4, 7, 9, 0), "Järvi-Suomi's data visualisation pilot starts (stacking on data "
                               "literacy)",
        cohort_starts(*JSAMK_VISUALISATION, "Spring 2025"))
happens(hki(2025, 4, 7, 10, 0), "Tampere's second cohort has ended: completions recorded, "
                                "certificates issued",
        cohort_ends(*TAMPERE_AI, "Toteutus 2, kevät 2025"))
happens(hki(2025, 5, 26, 10, 0), "The last cohorts have ended: completions recorded, "
                                 "certificates issued, the delivery milestones done",
        cohort_ends(*JSAMK_VISUALISATION, "Spring 2025"),
        cohort_ends(*TAMPERE_AI, "Toteutus 3, kevät 2025"),
        milestones_done(PILOT_MILESTONES[2][0]))
happens(hki(2025, 6, 2, 10, 0), "The pilots are delivered; final reporting starts",
        fires("mikael", "start_final_reporting", PROCUREMENT))
happens(hki(2025, 6, 26, 10, 0), "Maria, Joonas and Aino submit the projects' second progress "
                                 "reports",
        writes_progress_reports(2))
happens(hki(2025, 7, 7, 10, 0), "Anna accepts the second progress reports",
        fires("anna", "accept", *(progress_report(key, 2) for key in ESR_GRANTS)))
happens(hki(2025, 8, 20, 10, 0), "Daniel submits the final reports of Järvi-Suomi's two pilots, "
                                 "with feedback on every element of the framework",
        writes_pilot_reports("final", JSAMK_LITERACY, JSAMK_VISUALISATION))
happens(hki(2025, 8, 25, 10, 0), "Joonas submits the final report of Tampere's pilot, with "
                                 "feedback on every element of the framework",
        writes_pilot_reports("final", TAMPERE_AI))
happens(hki(2025, 9, 1, 10, 0), "Mikael accepts Järvi-Suomi's final reports",
        fires("mikael", "accept", pilot_report(*JSAMK_LITERACY, "final"),
              pilot_report(*JSAMK_VISUALISATION, "final")),
        expects("final_reporting", PROCUREMENT))
happens(hki(2025, 9, 3, 10, 0), "Mikael accepts Tampere's final report, the last one: the "
                                "procurement closes",
        fires("mikael", "accept", pilot_report(*TAMPERE_AI, "final")),
        expects("closed", PROCUREMENT))
happens(hki(2025, 9, 15, 10, 0), "Maria submits the University of Helsinki's final report",
        writes_final_report("helsinki"))
happens(hki(2025, 9, 18, 10, 0), "Aino submits Koskilaakso's final report",
        writes_final_report("koskilaakso"))
happens(hki(2025, 9, 22, 10, 0), "Joonas submits Tampere University's final report",
        writes_final_report("tampere"))
happens(hki(2025, 9, 25, 10, 0), "Anna returns Helsinki's final report for correction",
        fires("anna", "return_final_report", application("helsinki"),
              comment=HELSINKI_FINAL_RETURN))
happens(hki(2025, 10, 3, 10, 0),
        "Maria adds the framework experiences and resubmits the final report",
        writes_final_report("helsinki", HELSINKI_FINAL_CORRECTION))
happens(hki(2025, 10, 6, 10, 0), "Anna accepts Tampere's and Koskilaakso's final reports",
        fires("anna", "accept_final_report", application("tampere"), application("koskilaakso")))
happens(hki(2025, 10, 14, 10, 0), "Anna accepts Helsinki's corrected final report",
        fires("anna", "accept_final_report", application("helsinki")))
happens(hki(2025, 12, 15, 10, 0), "Anna archives the ESR call",
        fires("anna", "archive", ESR_CALL))
