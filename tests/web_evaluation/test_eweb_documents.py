"""Decision documents and results for applicants and bidders: their own points, the others'
positions and totals only, never another bidder's price or content; in their language;
printable."""
from __future__ import annotations

from decimal import Decimal

from test_eweb_pdf import pdf_of, text_of

from workflow.engine import fire
from workflow.evaluation import decisions
from workflow.evaluation.ranking import build_ranking

from support.evaluation import scores
from support.mail import send_mail
from support.web import body, cell


def others_secrets(tenders, own) -> list[str]:
    """What another bidder must never see: each other tender's plan, and its price written in
    any of the ways a page, a letter or the API would write it."""
    out = []
    for tender in tenders:
        if tender is own:
            continue
        price = int(Decimal(tender.content["price"]))
        out += [tender.content["pilot_plan"], tender.content["price"], f"{price:,}",
                f"{price:,}".replace(",", "\u00a0"), f"{price:,}".replace(",", " ")]
    return out


def test_a_bidder_sees_its_own_points_and_never_another_bidders_price(
        session, delivered_procurement, login, api_get):
    """After the procurement decision is delivered, does a bidder see, on its decision page,
    on the results page and through the API, its own points per criterion and price, every
    tender's position and total, the standstill dates and the appeal instructions, but never
    another bidder's price or content?"""
    call, (t1, t2, t3, t4), _team = delivered_procurement()
    send_mail(session)  # the letters leave with the delivery: the standstill runs from 7.6.
    bidder = t1.created_by                                    # English, 80 points, second
    client = login(bidder)

    document = client.get(f"/evaluation/submissions/{t1.id}/decision")
    assert document.status_code == 200
    page = body(document)
    assert "Your tender has not been chosen." in page
    assert "2. Tarjoaja 1: 80.00 points (your tender)" in page
    assert "1. Tarjoaja 3: 85.00 points" in page and "Tarjoaja 4: excluded" in page
    assert "Plan quality: score 3.50 on the scale 0–5, 28.00 of 40.00 points" in page
    assert "Price: offered price €50,000.00, 32.00 of 40.00 points" in page
    assert "A standstill period of 14 days runs from the delivery of this decision" in page
    assert "Market Court" in page
    assert "evaluation-print.css" in page and 'media="print"' in page
    for secret in others_secrets((t2, t3, t4), t1):
        assert secret not in page, secret

    results = body(client.get(f"/evaluation/calls/{call.id}/results"))
    assert cell(results, f"own-{t1.id}-total") == "80.00 / 100.00"
    assert "Tarjoaja 3" in results and "85.00" in results
    assert cell(results, "standstill-last-day") == "24 June 2024"
    assert cell(results, "contract-from") == "25 June 2024"
    for secret in others_secrets((t2, t3, t4), t1):
        assert secret not in results, secret

    response = api_get(f"/calls/{call.id}/ranking", bidder)
    assert response.status_code == 200
    data = response.get_json()
    assert data["visibility"] == "own"
    own = next(e for e in data["entries"] if e["own"])
    assert (own["price"], own["price_points"], own["total"]) == ("50000.00", "32.00", "80.00")
    for entry in data["entries"]:
        if not entry["own"]:
            assert set(entry) == {"position", "organisation", "total", "outcome", "own"}
    for secret in others_secrets((t2, t3, t4), t1):
        assert secret not in response.get_data(as_text=True), secret

    # Another bidder's decision document is not there for this bidder.
    assert client.get(f"/evaluation/submissions/{t2.id}/decision").status_code == 404


def test_the_decision_document_in_the_users_language_and_on_request(session,
                                                                    delivered_procurement,
                                                                    login):
    """Is the document in the user's language by default (Finnish for a Finnish user), and in
    Swedish when asked for?"""
    call, (t1, t2, t3, t4), _team = delivered_procurement()
    bidder = t4.created_by
    bidder.locale = "fi"
    client = login(bidder)
    finnish = body(client.get(f"/evaluation/submissions/{t4.id}/decision"))
    assert decisions.translate(decisions.OWN_EXCLUDED, "fi") in finnish
    assert "Verovelkaa, todistus puuttuu." in finnish
    assert "14 päivän odotusaika" in finnish
    swedish = body(client.get(f"/evaluation/submissions/{t4.id}/decision?lang=sv"))
    assert decisions.translate(decisions.OWN_EXCLUDED, "sv") in swedish
    assert 'lang="sv"' in swedish
    odd = client.get(f"/evaluation/submissions/{t4.id}/decision?lang=xx")
    assert odd.status_code == 200 and 'lang="fi"' in body(odd)


def test_before_delivery_bidders_see_no_decision_or_results(session, clock, admin, tenders,
                                                            qualify, evaluators, review, login,
                                                            api_get):
    """Before the decision is delivered, are a bidder's decision page, the results page and
    the API ranking all 404?"""
    call, (t1, t2) = tenders("50000", "40000")
    for tender in (t1, t2):
        qualify(tender)
    fire(session, call, "start_comparison", admin)
    for evaluator in evaluators(2):
        review(t1, evaluator, {"Plan quality": 4, "Framework use": 4})
        review(t2, evaluator, {"Plan quality": 3, "Framework use": 3})
    decisions.award_by_ranking(session, admin, call)
    fire(session, call, "decide", admin, comment="Päätös.")
    client = login(t1.created_by)
    assert client.get(f"/evaluation/submissions/{t1.id}/decision").status_code == 404
    assert "/evaluation/" not in body(client.get(f"/calls/{call.id}"))      # no links yet
    assert "/evaluation/" not in body(client.get(f"/applicant/submissions/{t1.id}"))
    assert client.get(f"/evaluation/calls/{call.id}/results").status_code == 404
    assert api_get(f"/calls/{call.id}/ranking", t1.created_by).status_code == 404
    # The administrator previews both already.
    admin_client = login(admin)
    assert admin_client.get(f"/evaluation/submissions/{t1.id}/decision").status_code == 200
    assert api_get(f"/calls/{call.id}/ranking", admin).status_code == 200


def test_an_applicant_sees_the_esr_decision_letter_and_results(session, admin, evaluated_call,
                                                               login, api_get):
    """Once the ESR call is decided, does an applicant find the decision letter from its
    submission page, see its own points and the others' positions and totals only?"""
    call, apps, _team = evaluated_call()
    decisions.apply_funding_proposal(session, admin, call)
    fire(session, call, "decide", admin)
    applicant = apps[2].created_by
    applicant.locale = "en"
    client = login(applicant)
    own_page = body(client.get(f"/applicant/submissions/{apps[2].id}"))
    assert f'href="/evaluation/submissions/{apps[2].id}/decision"' in own_page
    call_page = body(client.get(f"/calls/{call.id}"))
    assert f'href="/evaluation/calls/{call.id}/results"' in call_page
    assert f'href="/evaluation/submissions/{apps[2].id}/decision"' in call_page
    letter = body(client.get(f"/evaluation/submissions/{apps[2].id}/decision"))
    assert "has been rejected" in letter and "below the funding line" in letter
    assert "Perustelu: Need 1" in letter                     # the evaluators' justifications
    results = body(client.get(f"/evaluation/calls/{call.id}/results"))
    assert cell(results, f"own-{apps[2].id}-total") == "58.50 / 100.00"
    assert "94.50" in results and "Korkeakoulu 1" in results
    for other in apps[:2]:
        assert other.content["title"] not in results and other.content["summary"] not in results
        assert "250,000" not in results and "200,000" not in results
    data = api_get(f"/calls/{call.id}/ranking", applicant).get_json()
    assert [e["own"] for e in data["entries"]] == [False, False, True]


def test_the_esr_decision_page_and_pdf_keep_the_letter_as_issued(session, admin, applications,
                                                                 evaluators, review, login,
                                                                 outbox):
    """An application is approved while first in the ranking; another one, evaluated later,
    then passes it and is approved too. Do the first applicant's decision page and PDF still
    say what was decided and mailed then (first of two), in every language, and not what the
    ranking says now?"""
    call, (first, later) = applications("250000", "200000")
    applicant = first.created_by
    applicant.locale = "en"
    team = evaluators(2)
    for evaluator in team:
        review(first, evaluator, scores(4, 4, 4, 2))
    fire(session, first, "complete_evaluation", admin)
    fire(session, first, "approve", admin, data={"granted_amount": Decimal("250000")})
    (mail,) = outbox(kind="funding_decision", object_id=first.id)
    issued = decisions.Letter.from_json(mail.data["letter"])  # in the recipient's language
    assert "Position in the ranking: 1 of 2." in issued.text

    for evaluator in team:
        review(later, evaluator, scores(5, 5, 5, 3))
    fire(session, later, "complete_evaluation", admin)
    fire(session, later, "approve", admin, data={"granted_amount": Decimal("200000")})
    assert [r.submission for r in build_ranking(session, call).rows] == [later, first]
    assert "Position in the ranking: 2 of 2." in decisions.compose(session, first, "en").text

    client = login(applicant)
    page = body(client.get(f"/evaluation/submissions/{first.id}/decision"))
    assert "Position in the ranking: 1 of 2." in page and "2 of 2" not in page
    assert decisions.decision_document(session, applicant, first, "en") == issued
    finnish = decisions.decision_document(session, applicant, first, "fi").text
    assert decisions.translate(decisions.POSITION, "fi", position=1, count=2) in finnish
    text = text_of(pdf_of(client.get(f"/evaluation/submissions/{first.id}/decision.pdf")))
    assert "Position in the ranking: 1 of 2." in text and "2 of 2" not in text


def test_the_evaluation_pages_name_a_submission_by_the_title_received(session, admin,
                                                                      applications, login):
    """An applicant renamed its application in the working copy after submitting, without
    submitting again: do the evaluation pages name it as it was received?"""
    call, (app,) = applications("250000")
    received = app.content["title"]
    app.content = {**app.content, "title": "Tallennettu mutta ei jätetty"}
    session.flush()
    client = login(admin)
    for path in (f"/evaluation/calls/{call.id}", f"/evaluation/calls/{call.id}/ranking",
                 f"/evaluation/submissions/{app.id}/checks",
                 f"/evaluation/submissions/{app.id}/reviews"):
        page = body(client.get(path))
        assert received in page and "Tallennettu" not in page, path
