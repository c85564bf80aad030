"""An integrator reads every submission a page at a time: GET /submissions serves them in
order of id, at most `limit` at once, and `next` leads to the following page until it is
null; without `limit` every item comes at once. Bad paging parameters are refused with the
error shape and a message."""
from __future__ import annotations

import pytest


def test_an_integrator_follows_next_through_every_page(api, session, admin, token_for,
                                                       make_call, make_submission):
    """Do pages of 3 over 7 submissions give 3, 3 and 1, each id once, in order, with the
    filter kept in every `next`?"""
    call = make_call("esr", state="open")
    other_call = make_call("esr", state="open")
    made = [make_submission(call).id for _ in range(7)]
    make_submission(other_call)                       # filtered out by call_id
    session.commit()
    token = token_for(admin)
    path, pages = f"/submissions?call_id={call.id}&limit=3", []
    while path:
        response = api.get(path.removeprefix("/api/v1"), token=token)
        assert response.status_code == 200
        data = response.get_json()
        pages.append([item["id"] for item in data["items"]])
        assert data["next"] is None or f"call_id={call.id}" in data["next"]
        path = data["next"]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [i for page in pages for i in page] == sorted(made)


def test_without_a_limit_every_submission_comes_at_once(api, session, admin, token_for,
                                                         make_call, make_submission):
    """An integrator written before paging existed still gets every submission."""
    call = make_call("esr", state="open")
    for _ in range(12):
        make_submission(call)
    session.commit()
    data = api.get("/submissions", token=token_for(admin)).get_json()
    assert len(data["items"]) == 12 and data["next"] is None


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "limit=x", "after=-1"])
def test_bad_paging_parameters_are_refused_in_the_users_language(api, admin, token_for, query):
    response = api.get(f"/submissions?{query}", token=token_for(admin), lang="fi")
    assert response.status_code == 422
    name = query.split("=")[0]
    assert response.get_json()["error"]["details"][name] in (
        "Odotettiin kokonaislukua väliltä 1–500.", "Odotettiin kokonaislukua.")
