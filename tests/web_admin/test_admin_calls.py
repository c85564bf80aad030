"""Administrators set up ESR calls and Jotpa procurements: creating them with Helsinki dates
typed the Finnish way, editing before publishing only, the submission form, info sessions, and
publishing through the workflow's steps."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from admin_support import ESR_CALL_FORM, JOTPA_CALL_FORM, created_id, error_summary
from support import helsinki
from support.web import body

from models import AuditEntry, Call


def test_an_administrator_creates_and_publishes_an_esr_call(session, clock, admin, login):
    """Can an administrator create an ESR call with its deadline typed as 3.6.2024 16.15
    (stored as 13.15 UTC), see it as a draft, and publish it with the Publish button?"""
    clock.set(helsinki(2024, 3, 1, 9, 0))
    client = login(admin)
    form = client.get("/admin/calls/new?kind=esr")
    assert form.status_code == 200
    assert 'value="esr" checked' in body(form)

    call_id = created_id(client.post("/admin/calls/new", data=ESR_CALL_FORM))
    call = session.get(Call, call_id)
    assert call.state == "draft"
    assert call.deadline == dt.datetime(2024, 6, 3, 13, 15, tzinfo=dt.timezone.utc)
    assert call.opens_at == dt.datetime(2024, 3, 11, 7, 0, tzinfo=dt.timezone.utc)  # EET
    assert call.budget == 500000
    assert [f["name"] for f in call.form_fields] == ["title", "summary", "objectives", "budget_total"]

    page = client.get(f"/admin/calls/{call_id}")
    assert page.status_code == 200
    assert "3.6.2024 klo 16.15" in body(page)
    assert f'action="/calls/{call_id}/transition"' in body(page)
    assert 'name="trigger" value="publish"' in body(page)

    published = client.post(f"/calls/{call_id}/transition",
                            data={"trigger": "publish", "version": call.version,
                                  "return_to": f"/admin/calls/{call_id}"})
    assert published.status_code == 302
    assert published.headers["Location"].endswith(f"/admin/calls/{call_id}")
    session.refresh(call)
    assert call.state == "published"
    history = client.get(f"/admin/calls/{call_id}")
    assert "Julkaise" in body(history)  # the publish step in the history, in Finnish
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.object_type == "call", AuditEntry.object_id == call_id,
        AuditEntry.trigger == "publish")) == 1


def test_a_procurement_needs_its_hilma_number_before_publishing(session, clock, admin, login):
    """Does the call page say why a Jotpa procurement cannot be published yet (no Hilma notice
    number), and can the administrator then add it and publish? Dates typed 2024-06-14 and
    16:15 mean the same as 14.6.2024 16.15; the info session is saved with the call."""
    clock.set(helsinki(2024, 4, 2, 9, 0))
    client = login(admin)
    call_id = created_id(client.post("/admin/calls/new",
                                     data={**JOTPA_CALL_FORM, "hilma_notice_id": ""}))
    call = session.get(Call, call_id)
    assert call.state == "planning"
    assert call.deadline == helsinki(2024, 6, 14, 16, 15)
    assert call.questions_until == helsinki(2024, 6, 7, 12, 0)
    assert [(e.title, e.starts_at, e.ends_at, e.location) for e in call.info_events] == [
        ("Infotilaisuus", helsinki(2024, 4, 22, 10, 0), helsinki(2024, 4, 22, 11, 0), "Teams")]

    page = body(client.get(f"/admin/calls/{call_id}"))
    assert 'value="publish"' not in page
    assert "Hilma-ilmoituksen numero" in page          # the missing field, by its Finnish label

    edit = client.get(f"/admin/calls/{call_id}/edit")
    assert 'value="14.6.2024"' in body(edit) and 'value="16.15"' in body(edit)
    saved = client.post(f"/admin/calls/{call_id}/edit", data={
        **{k: v for k, v in JOTPA_CALL_FORM.items() if not k.startswith(("kind", "event_"))},
        "hilma_notice_id": "2024-123456", "version": str(call.version)})
    assert saved.status_code == 302, error_summary(saved)
    session.refresh(call)
    assert call.hilma_notice_id == "2024-123456"
    assert call.deadline == helsinki(2024, 6, 14, 16, 15)
    assert 'value="publish"' in body(client.get(f"/admin/calls/{call_id}"))


def test_edits_are_refused_after_publishing(session, clock, admin, login, make_call):
    """Once a call is published, are its edit form, its submission form editor and their posts
    refused (409 with the reason), with nothing changed?"""
    call = make_call("esr", state="open")
    client = login(admin)
    assert "Muokkaa hakua" not in body(client.get(f"/admin/calls/{call.id}"))
    for path in (f"/admin/calls/{call.id}/edit", f"/admin/calls/{call.id}/form"):
        page = client.get(path)
        assert page.status_code == 409
        assert "Julkaistua hakua ei voi enää muokata." in body(page)
    refused = client.post(f"/admin/calls/{call.id}/edit", data={
        **{k: v for k, v in ESR_CALL_FORM.items() if k != "kind"}, "title": "Uusi nimi"})
    assert refused.status_code == 409
    refused_form = client.post(f"/admin/calls/{call.id}/form", data={"label_fi_0": "Uusi"})
    assert refused_form.status_code == 409
    session.refresh(call)
    assert call.title == "esr call"
    assert call.form_fields[0]["label"]["fi"] == "Hankkeen nimi"


def test_the_submission_form_can_be_relabelled_and_extended(session, clock, admin, login):
    """Can an administrator change a field's labels and whether it is required, and add a
    money field, before publishing; and is a bad field name refused with a message?"""
    clock.set(helsinki(2024, 3, 1, 9, 0))
    client = login(admin)
    call_id = created_id(client.post("/admin/calls/new", data=ESR_CALL_FORM))
    call = session.get(Call, call_id)
    form = {"version": str(call.version)}
    for i, f in enumerate(call.form_fields):
        for locale in ("fi", "sv", "en"):
            form[f"label_{locale}_{i}"] = f["label"][locale]
        if f["required"]:
            form[f"required_{i}"] = "1"
    form["label_fi_1"] = "Hankkeen tiivistelmä"
    del form["required_2"]

    bad = client.post(f"/admin/calls/{call_id}/form", data={
        **form, "new_name": "Kumppanit!", "new_type": "text", "new_label_fi": "Kumppanit"})
    assert bad.status_code == 422
    assert "Käytä pieniä kirjaimia" in error_summary(bad)

    saved = client.post(f"/admin/calls/{call_id}/form", data={
        **form, "new_name": "cofinancing", "new_type": "money", "new_label_fi": "Omarahoitus (€)",
        "new_label_en": "Own funding (€)", "new_required": "1"})
    assert saved.status_code == 302, error_summary(saved)
    session.refresh(call)
    fields = {f["name"]: f for f in call.form_fields}
    assert fields["summary"]["label"]["fi"] == "Hankkeen tiivistelmä"
    assert fields["objectives"]["required"] is False
    assert fields["cofinancing"] == {"name": "cofinancing", "type": "money", "required": True,
                                     "label": {"fi": "Omarahoitus (€)", "en": "Own funding (€)"}}
    page = body(client.get(f"/admin/calls/{call_id}"))
    assert "Omarahoitus (€)" in page


def test_an_info_session_is_added_on_the_call_page(session, clock, admin, login, make_call):
    """Can an administrator add an info session (title, date, start, end, place) to a call, and
    does an end before the start come back as a message?"""
    call = make_call("jotpa", state="tendering", opens_at=helsinki(2024, 5, 15, 9, 0),
                     deadline=helsinki(2024, 6, 14, 16, 15))
    client = login(admin)
    bad = client.post(f"/admin/calls/{call.id}/info-events", data={
        "event_title": "Toinen infotilaisuus", "event_date": "5.6.2024",
        "event_starts": "14.00", "event_ends": "13.00"})
    assert bad.status_code == 422
    assert "Päättymisen on oltava alkamisen jälkeen." in error_summary(bad)
    added = client.post(f"/admin/calls/{call.id}/info-events", data={
        "event_title": "Toinen infotilaisuus", "event_date": "5.6.2024",
        "event_starts": "14.00", "event_ends": "15.30", "event_location": "Teams"})
    assert added.status_code == 302
    session.refresh(call)
    assert [(e.title, e.starts_at) for e in call.info_events] == [
        ("Toinen infotilaisuus", helsinki(2024, 6, 5, 14, 0))]
    public = body(client.get(f"/calls/{call.id}"))
    assert "Toinen infotilaisuus" in public


BAD_CALL_INPUT = [
    ({"deadline_date": "31.2.2024"}, "deadline", "Syötä päivämäärä, esimerkiksi 3.6.2024."),
    ({"deadline_date": "3.6.24"}, "deadline", "Syötä päivämäärä, esimerkiksi 3.6.2024."),
    ({"deadline_date": "2024-13-01"}, "deadline", "Syötä päivämäärä, esimerkiksi 3.6.2024."),
    ({"deadline_date": "3.6.99999"}, "deadline", "Syötä päivämäärä, esimerkiksi 3.6.2024."),
    ({"deadline_date": "3.6.9999"}, "deadline", "Syötä vuosi väliltä 2000–2999."),
    ({"deadline_time": "25.00"}, "deadline", "Syötä kellonaika, esimerkiksi 16.15."),
    ({"deadline_time": "16,15"}, "deadline", "Syötä kellonaika, esimerkiksi 16.15."),
    ({"deadline_time": ""}, "deadline", "Syötä sekä päivämäärä että kellonaika."),
    ({"opens_at_date": "", "opens_at_time": ""}, "opens_at", "Pakollinen."),
    ({"deadline_date": "31.3.2024", "deadline_time": "3.30"}, "deadline",
     "Tätä kellonaikaa ei ole Suomen ajassa"),
    ({"deadline_date": "1.3.2024"}, "deadline", "Määräajan on päätyttävä haun avautumisen jälkeen."),
    ({"questions_until_date": "4.6.2024", "questions_until_time": "9.00"}, "questions_until",
     "Kysymysajan on päätyttävä viimeistään määräajan päättyessä."),
    ({"kind": "grant"}, "kind", "Valitse jokin luetelluista arvoista."),
    ({"kind": ""}, "kind", "Valitse jokin luetelluista arvoista."),
    ({"title": ""}, "title", "Pakollinen."),
    ({"title": "x" * 301}, "title", "Käytä enintään 300 merkkiä."),
    ({"title": "Haku\x00"}, "title", "Sisältää merkkejä, jotka eivät ole sallittuja."),
    ({"budget": "1e20"}, "budget", "Anna positiivinen summa euroina."),
    ({"budget": "9" * 400}, "budget", "Anna positiivinen summa euroina."),
    ({"budget": "-5"}, "budget", "Anna positiivinen summa euroina."),
    ({"budget": "NaN"}, "budget", "Anna positiivinen summa euroina."),
    ({"budget": "10.001"}, "budget", "Anna positiivinen summa euroina."),
    ({"hilma_notice_id": "9" * 41}, "hilma_notice_id", "Käytä enintään 40 merkkiä."),
    ({"description": "x" * 20_001}, "description", "Käytä enintään 20000 merkkiä."),
    ({"event_title": "Info", "event_date": "22.4.2024"}, "event_starts", "Pakollinen."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_CALL_INPUT)
def test_bad_call_input_is_refused_with_a_message(session, clock, admin, login, change, field,
                                                  message):
    """Is each kind of bad input (impossible dates, a time that does not exist in Helsinki,
    a deadline before the opening, an unknown kind, values too large for the database,
    control characters) refused with 422 and a Finnish message at the field, never a 500?"""
    clock.set(helsinki(2024, 3, 1, 9, 0))
    client = login(admin)
    response = client.post("/admin/calls/new", data={**ESR_CALL_FORM, **change})
    assert response.status_code == 422
    summary = error_summary(response)
    assert message in summary
    assert f'href="#field-{field}"' in body(response)
    assert session.scalar(sa.select(sa.func.count()).select_from(Call)) == 0


def test_messages_follow_the_administrators_language(session, clock, make_user, login):
    """Does an English-speaking administrator get the date message in English, and does a
    Swedish-speaking one get it in Swedish?"""
    for locale, expected in (("en", "Enter a date such as 3.6.2024."),
                             ("sv", "Ange ett datum, till exempel 3.6.2024.")):
        client = login(make_user("admin", locale=locale))
        response = client.post("/admin/calls/new", data={**ESR_CALL_FORM, "deadline_date": "3/6/2024"})
        assert response.status_code == 422
        assert expected in error_summary(response)


def test_an_oversized_body_is_refused_not_crashed(session, clock, admin, login):
    """Is a form larger than the size limit refused with 413 rather than failing?"""
    client = login(admin)
    response = client.post("/admin/calls/new", data={**ESR_CALL_FORM, "description": "x" * 2_000_000})
    assert response.status_code == 413
