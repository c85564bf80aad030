"""Decision documents as PDF downloads: the same content and the same authorisation as the
printable page (404 to whoever may not see it), in the user's language with its letters
and the euro sign intact, A4 with page numbers, and rendered without the network."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from workflow.engine import fire
from workflow.evaluation import decisions
from workflow.evaluation import formatting as fmt
from workflow.web import pdf

A4 = (595.28, 841.89)   # points


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    return PdfReader(io.BytesIO(response.data))


def text_of(reader: PdfReader) -> str:
    """The text of every page, spaces collapsed (lines wrap where the page ends them)."""
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def test_a_bidder_downloads_its_procurement_decision_as_pdf_in_finnish(
        session, delivered_procurement, login):
    """Does a Finnish bidder download its own procurement decision as an A4 PDF, named in
    Finnish, with its own points, the appeal instructions, ä/ö and € intact, page numbers
    "1 / n", the document's title and language, and never another bidder's price or plan?"""
    call, (t1, t2, t3, t4), _team = delivered_procurement()
    bidder = t1.created_by
    bidder.locale = "fi"
    client = login(bidder)

    page = client.get(f"/evaluation/submissions/{t1.id}/decision").get_data(as_text=True)
    assert f'href="/evaluation/submissions/{t1.id}/decision.pdf?lang=fi"' in page
    assert "Lataa PDF" in page
    results = client.get(f"/evaluation/calls/{call.id}/results").get_data(as_text=True)
    assert f'href="/evaluation/submissions/{t1.id}/decision.pdf"' in results

    response = client.get(f"/evaluation/submissions/{t1.id}/decision.pdf")
    reader = pdf_of(response)
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=hankintapaatos-{call.id}-{t1.id}.pdf")
    assert reader.metadata.title == decisions.translate(decisions.SUBJECT_JOTPA, "fi",
                                                        call=call.title)
    assert reader.metadata.author == "hankeflow"
    assert reader.trailer["/Root"]["/Lang"] == "fi"
    pages = reader.pages
    for number, one in enumerate(pages, start=1):
        width, height = float(one.mediabox.width), float(one.mediabox.height)
        assert (round(width, 2), round(height, 2)) == A4
        assert f"{number} / {len(pages)}" in one.extract_text()

    text = text_of(reader)
    assert "Hankintapäätös" in text and "Tarjoustanne ei ole valittu." in text
    assert "2. Tarjoaja 1: 80,00 pistettä (tarjouksenne)" in text
    assert "Plan quality (fi): arvosana 3,50 asteikolla 0–5, 28,00 / 40,00 pistettä" in text
    assert "Price (fi): tarjottu hinta 50 000,00 €, 32,00 / 40,00 pistettä" in text
    assert "Perustelu: Plan quality 3" in text
    assert plain(decisions.translate(decisions.MARKET_COURT_APPEAL, "fi")) in text
    assert plain(decisions.translate(decisions.PROCUREMENT_RECTIFICATION, "fi")) in text
    assert "Päätöksen tiedoksiannosta alkaa 14 päivän odotusaika" in text
    for other in (t2, t3, t4):
        assert other.content["pilot_plan"] not in text
    assert "40 000" not in text and "64 000" not in text and "20 000" not in text


def test_a_swedish_bidder_gets_the_pdf_in_swedish_and_any_language_on_request(
        session, delivered_procurement, login):
    """Is the PDF in Swedish for a Swedish bidder (title, language, file name, å intact), and
    in the language asked for with ?lang= like the page?"""
    call, (t1, t2, t3, t4), _team = delivered_procurement()
    bidder = t4.created_by
    bidder.locale = "sv"
    client = login(bidder)

    response = client.get(f"/evaluation/submissions/{t4.id}/decision.pdf")
    reader = pdf_of(response)
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=upphandlingsbeslut-{call.id}-{t4.id}.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    assert reader.metadata.title == decisions.translate(decisions.SUBJECT_JOTPA, "sv",
                                                        call=call.title)
    text = text_of(reader)
    assert plain(decisions.translate(decisions.OWN_EXCLUDED, "sv")) in text
    assert plain(decisions.translate(decisions.MARKET_COURT_APPEAL, "sv")) in text
    assert "å" in text and "Verovelkaa, todistus puuttuu." in text

    finnish = pdf_of(client.get(f"/evaluation/submissions/{t4.id}/decision.pdf?lang=fi"))
    assert finnish.trailer["/Root"]["/Lang"] == "fi"
    assert plain(decisions.translate(decisions.OWN_EXCLUDED, "fi")) in text_of(finnish)


def test_only_the_own_organisation_and_administrators_get_the_pdf(
        session, delivered_procurement, login, anonymous, admin):
    """Do another bidder's organisation and an evaluator get 404, an anonymous visitor the
    same sign-in redirect as from the page (no PDF), and the administrator every bidder's
    document, linked from the evaluation overview?"""
    call, tenders, team = delivered_procurement()
    t1 = tenders[0]
    path = f"/evaluation/submissions/{t1.id}/decision.pdf"
    for outsider in (tenders[1].created_by, team[0]):
        response = login(outsider).get(path)
        assert response.status_code == 404 and response.mimetype != "application/pdf"
    page = anonymous.get(f"/evaluation/submissions/{t1.id}/decision")
    response = anonymous.get(path)
    assert response.status_code == page.status_code == 302
    assert "/sign-in" in response.headers["Location"] and response.mimetype != "application/pdf"

    client = login(admin)
    overview = client.get(f"/evaluation/calls/{call.id}").get_data(as_text=True)
    for tender in tenders:
        assert f'href="/evaluation/submissions/{tender.id}/decision.pdf"' in overview
        text = text_of(pdf_of(client.get(f"/evaluation/submissions/{tender.id}/decision.pdf")))
        assert f"{tender.organisation.name} ({tender.organisation.business_id}) · #{tender.id}" \
            in text


def test_no_pdf_before_the_procurement_decision_is_delivered(
        session, admin, tenders, qualify, evaluators, review, login):
    """Before the procurement decision is delivered, is the bidder's PDF 404 (as the page),
    while the administrator previews it?"""
    call, (t1, t2) = tenders("50000", "40000")
    for tender in (t1, t2):
        qualify(tender)
    fire(session, call, "start_comparison", admin)
    for evaluator in evaluators(2):
        review(t1, evaluator, {"Plan quality": 4, "Framework use": 4})
        review(t2, evaluator, {"Plan quality": 3, "Framework use": 3})
    decisions.award_by_ranking(session, admin, call)
    fire(session, call, "decide", admin, comment="Päätös.")
    path = f"/evaluation/submissions/{t1.id}/decision.pdf"
    assert login(t1.created_by).get(path).status_code == 404
    pdf_of(login(admin).get(path))


def test_the_esr_funding_decision_pdf_names_the_granted_amount(session, admin, evaluated_call,
                                                              login):
    """Is an ESR applicant's funding decision PDF 404 until the call is decided, then linked
    from the submission and the call page, named in Finnish, and does it state the granted
    amount with the euro sign?"""
    call, apps, _team = evaluated_call()
    funded = apps[0]
    client = login(funded.created_by)
    path = f"/evaluation/submissions/{funded.id}/decision.pdf"
    assert client.get(path).status_code == 404

    decisions.apply_funding_proposal(session, admin, call)
    fire(session, call, "decide", admin)
    session.commit()
    for page in (f"/applicant/submissions/{funded.id}", f"/calls/{call.id}"):
        assert f'href="{path}"' in client.get(page).get_data(as_text=True), page
    response = client.get(path)
    text = text_of(pdf_of(response))
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=rahoituspaatos-{call.id}-{funded.id}.pdf")
    amount = fmt.euros(funded.granted_amount, "fi")
    assert plain(amount) == "250 000,00 €"
    assert plain(decisions.translate(decisions.APPROVED, "fi", title=funded.content["title"],
                                     amount=amount)) in text
    assert "Tiivistelmä" not in text                      # the letter, not the application


def test_rendering_reads_only_the_sites_own_static_files(app, session, delivered_procurement,
                                                         login, monkeypatch):
    """Does rendering a PDF read its stylesheets from the static folder and nothing else: is
    any other URL (another host, file:, data:, a path out of the static folder) refused?"""
    asked = []
    served = pdf.static_path

    def recording(url, *args):
        asked.append(url)
        return served(url, *args)

    monkeypatch.setattr(pdf, "static_path", recording)
    call, (t1, *_), _team = delivered_procurement()
    pdf_of(login(t1.created_by).get(f"/evaluation/submissions/{t1.id}/decision.pdf"))
    assert sorted(asked) == [f"http://localhost/static/{name}" for name in
                             ("app.css", "evaluation-pdf.css", "evaluation-print.css")]

    with app.test_request_context("/"):
        fetcher = pdf.static_only_fetcher("http://localhost/")
        css = fetcher.fetch("http://localhost/static/evaluation-pdf.css")
        assert css.content_type == "text/css" and b"@page" in css.read()
        for url in ("http://example.org/static/app.css", "https://localhost/static/app.css",
                    "file:///etc/passwd", "data:text/css,body{}",
                    "http://localhost/static/../pyproject.toml",
                    "http://localhost/static/%2e%2e/pyproject.toml",
                    "http://localhost/static/vendor", "http://localhost/static/app.css?x=1",
                    "http://localhost/sign-in"):
            with pytest.raises(ValueError):
                fetcher.fetch(url)
