"""The error summary of a refused tender submission leads to the fields to fix: the description
elements live in the description editor, not on the submit page."""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from support.pilots import description
from support.web import body

from workflow.pilots.descriptions import add_description
from workflow.submissions import create_draft

SUMMARY = re.compile(r'<div class="govuk-error-summary".*?</ul>', re.S)
LINK = re.compile(r'<li><a href="([^"]+)">([^<]*)</a></li>')


def summary_links(page: str) -> list[tuple[str, str]]:
    """(href, text) of each entry of the page's error summary."""
    found = SUMMARY.search(page)
    assert found, "no error summary with entries"
    return [(html.unescape(href), html.unescape(text))
            for href, text in LINK.findall(found.group())]


def test_a_bidder_follows_the_error_summary_from_the_submit_page_to_the_missing_element(
        flow, login, session):
    """A bidder submits a tender whose second micro-credential lacks its quality assurance:
    does the error summary on the submit page name the micro-credential and the element, and
    does its link open that description's editor at the element's field?"""
    call = flow.procurement()
    bidder = flow.bidder("university", name="Tampereen ammattikorkeakoulu", locale="en")
    tender = create_draft(session, bidder, call, {"title": "Pilotit", "pilot_plan": "Suunnitelma",
                                                  "price": "48000"})
    add_description(session, bidder, tender, description())
    incomplete = add_description(session, bidder, tender,
                                 description(title="Toinen", quality_assurance=None))
    client = login(bidder)

    response = client.post(f"/submissions/{tender.id}/transition",
                           data={"trigger": "submit", "version": str(tender.version)})

    assert response.status_code == 422
    links = summary_links(body(response))
    assert links == [(f"/tenders/{tender.id}/descriptions/{incomplete.id}#field-quality_assurance",
                      "Micro-credential 2: Type of quality assurance: Required.")]
    target = urlsplit(links[0][0])
    editor = client.get(target.path)
    assert editor.status_code == 200
    page = html.unescape(body(editor))
    assert "Micro-credential 2" in page and 'value="Toinen"' in page
    field = re.search(rf'<(textarea|input|select)[^>]*\bid="{target.fragment}"[^>]*>', page)
    assert field and 'name="quality_assurance"' in field.group()
    label = f'<label class="govuk-label govuk-label--s" for="{target.fragment}">'
    assert label + "Type of quality assurance" in page


def test_a_tender_without_any_description_links_to_where_one_is_added(flow, login, session):
    """A bidder submits a tender that describes no micro-credential: does the error summary
    link to the tender's descriptions, where one is added, rather than to nowhere?"""
    call = flow.procurement()
    bidder = flow.bidder(locale="en")
    tender = create_draft(session, bidder, call, {"title": "Pilotit", "pilot_plan": "Suunnitelma",
                                                  "price": "48000"})
    client = login(bidder)

    response = client.post(f"/submissions/{tender.id}/transition",
                           data={"trigger": "submit", "version": str(tender.version)})

    assert response.status_code == 422
    ((href, text),) = summary_links(body(response))
    assert href == f"/tenders/{tender.id}/descriptions" and text.startswith("Micro-credential descriptions")
    assert client.get(href).status_code == 200
