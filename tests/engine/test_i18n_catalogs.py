"""The translation catalogs are complete: every message of the code is in them, Finnish and
Swedish translate every one (not fuzzy, same placeholders), and the compiled .mo files match
the .po files.

When one of these fails after you added or changed strings:

    PATH=/work/venv/bin:$PATH scripts/i18n update      # extract into the catalogs
    (translate the new msgstr in workflow/translations/{fi,sv}/LC_MESSAGES/messages.po,
     holding the lock: flock .i18n.lock <your edit command>)
    PATH=/work/venv/bin:$PATH scripts/i18n compile     # write the .mo files
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "workflow" / "translations"
TRANSLATED = ("fi", "sv")
HOW_TO_FIX = ("run `scripts/i18n update`, translate the Finnish and Swedish msgstr in "
              "workflow/translations/{fi,sv}/LC_MESSAGES/messages.po, then `scripts/i18n compile`")
# The keywords the project marks messages with (scripts/i18n extracts the same ones).
KEYWORDS = {"N_": None, "_": None, "gettext": None, "lazy_gettext": None, "_l": None,
            "ngettext": (1, 2)}
METHODS = [("**.py", "python"), ("**.html", "jinja2.ext:babel_extract")]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def _catalog(locale: str) -> Catalog:
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=locale)


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _singular(msgid: str | tuple[str, ...]) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def _forms(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _key(value: str | tuple[str, ...] | list[str]) -> str | tuple[str, ...]:
    """Plural ids and strings come as tuples from .po files and as lists from .mo files."""
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _listing(items) -> str:
    return "\n".join(f"  {item!r}" for item in sorted(items, key=str))


def _extracted() -> set[str]:
    found = set()
    for folder in ("workflow", "models", "templates"):
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / folder, METHODS, keywords=KEYWORDS, comment_tags=()):
            found.add(_singular(message) if isinstance(message, tuple) else message)
    return {m for m in found if m}


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_is_translated(locale):
    """Does the Finnish (Swedish) catalog translate every message, none of them fuzzy?"""
    catalog = _catalog(locale)
    untranslated = [_singular(m.id) for m in _messages(catalog)
                    if not all(form.strip() for form in _forms(m.string))]
    fuzzy = [_singular(m.id) for m in _messages(catalog) if m.fuzzy]
    assert not untranslated, (
        f"{len(untranslated)} message(s) without a {locale} translation:\n"
        f"{_listing(untranslated)}\nTo fix: {HOW_TO_FIX}.")
    assert not fuzzy, (f"{len(fuzzy)} fuzzy {locale} translation(s) to check and unmark:\n"
                       f"{_listing(fuzzy)}\nTo fix: {HOW_TO_FIX}.")


@pytest.mark.parametrize("locale", TRANSLATED)
def test_placeholders_match(locale):
    """Does every translation use exactly the %(name)s placeholders of its English message
    (a plural's singular form may leave out the number, as "In the coming week" does)?"""
    wrong = []
    for m in _messages(catalog := _catalog(locale)):
        expected = {p for form in _forms(m.id) for p in PLACEHOLDER.findall(form)}
        forms = _forms(m.string)
        for i, form in enumerate(forms):
            used = set(PLACEHOLDER.findall(form))
            ok = (used <= expected if isinstance(m.id, tuple) and i < len(forms) - 1
                  else used == expected)
            if form and not ok:
                wrong.append(f"{_singular(m.id)!r} -> {form!r}")
    assert catalog and not wrong, (
        f"{locale} translations whose placeholders differ from the msgid:\n  "
        + "\n  ".join(wrong))


@pytest.mark.parametrize("locale", (*TRANSLATED, "en"))
def test_compiled_catalogs_are_up_to_date(locale):
    """Does the compiled .mo hold exactly the translations of the .po (scripts/i18n compile
    was run after the last edit)?"""
    mo_path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo"
    assert mo_path.exists(), f"{mo_path} is missing: run `scripts/i18n compile`."
    with open(mo_path, "rb") as f:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    # What `pybabel compile` writes: every message with a msgstr; an empty plural form
    # falls back to the English form.
    expected = {_key(m.id): tuple(form or m.id[min(i, 1)] for i, form in enumerate(m.string))
                if isinstance(m.id, tuple) else m.string
                for m in _messages(_catalog(locale)) if m.string}
    stale = sorted((_singular(k) for k in expected.keys() ^ compiled.keys()), key=str)
    stale += sorted(_singular(k) for k in expected.keys() & compiled.keys()
                    if expected[k] != compiled[k])
    assert not stale, (f"{mo_path.name} ({locale}) differs from messages.po for:\n"
                       f"{_listing(stale)}\nTo fix: run `scripts/i18n compile`.")


def test_every_message_of_the_code_is_in_the_catalogs():
    """Is every string marked for translation in workflow/, models/ and templates/ (N_, _,
    gettext, lazy_gettext, _l, ngettext) in every catalog?"""
    extracted = _extracted()
    assert "You are not allowed to do this." in extracted  # the extraction itself works
    for locale in (*TRANSLATED, "en"):
        known = {_singular(m.id) for m in _messages(_catalog(locale))}
        missing = extracted - known
        assert not missing, (
            f"{len(missing)} message(s) of the code missing from the {locale} catalog:\n"
            f"{_listing(missing)}\nTo fix: {HOW_TO_FIX}.")


def test_engine_messages_read_well_in_finnish_and_swedish():
    """Are the engine's refusals shown in Finnish and Swedish with the domain's words?"""
    from workflow.errors import invalid_transition, not_allowed
    from workflow.guards import deadline_refusal
    from workflow.i18n import translate
    from workflow.timeutil import parse_instant

    class _Call:
        deadline = parse_instant("2024-06-03T16:15")

    late = deadline_refusal(_Call(), parse_instant("2024-06-03T16:15"))
    assert late.message("fi") == "Määräaika päättyi 3.6.2024 klo 16.15 (Suomen aikaa)."
    assert late.message("sv") == "Tidsfristen gick ut 3.6.2024 kl. 16.15 (finsk tid)."
    assert not_allowed().message("sv") == "Du har inte behörighet att göra detta."
    assert invalid_transition("submit", translate("Draft", "fi")).message("fi") == (
        "”submit” ei ole mahdollinen tilassa ”Luonnos”.")
    assert translate("Standstill period", "fi") == "Odotusaika"
    assert translate("Standstill period", "sv") == "Väntetid"
