"""A letter: a subject and sections of lines, in one language. The decision documents
(`evaluation.decisions`, shown as printable pages) and the mails (`scheduler.messages.Mail`, a
letter with a greeting, a link and a footer) are made of it, and both are written out as text
by the same templates in `templates/mail/` — one way to write a document, however it leaves.

A letter can be stored as JSON (`as_json` / `from_json`): a decision letter is kept in the
outbox as it was when the decision was delivered (scheduler README, "Letters").
"""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2

MAIL_TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "mail"


@dataclasses.dataclass
class Section:
    heading: str
    lines: list[tuple[str, str]]    # (text, link); the link is "" when there is none
    empty: str = ""                 # said instead of the lines when there are none
    more: str = ""                  # said after the lines when the list was cut

    @classmethod
    def of(cls, heading: str, texts: Iterable[str]) -> Section:
        """A section of lines without links."""
        return cls(heading, [(text, "") for text in texts])


@dataclasses.dataclass
class Letter:
    locale: str
    subject: str
    sections: list[Section] = dataclasses.field(default_factory=list)

    @property
    def text(self) -> str:
        """The letter as plain text: the subject, then each section."""
        return render_letter("letter.txt", self)

    def as_json(self) -> dict[str, Any]:
        return {"locale": self.locale, "subject": self.subject,
                "sections": [{"heading": s.heading, "lines": [list(line) for line in s.lines],
                              "empty": s.empty, "more": s.more} for s in self.sections]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Letter:
        return cls(data["locale"], data["subject"],
                   [Section(s["heading"], [(text, link) for text, link in s["lines"]],
                            s.get("empty", ""), s.get("more", "")) for s in data["sections"]])


def render_letter(template: str, letter: Letter) -> str:
    """A template of templates/mail/ rendered with the letter's fields (a `Mail`'s too)."""
    return _templates().get_template(template).render(dataclasses.asdict(letter))


@functools.lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(MAIL_TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
