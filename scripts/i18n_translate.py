"""Set translations in the catalogs from a JSON file (run through `scripts/i18n translate`,
which holds the lock): {"msgid": {"fi": "...", "sv": "..."}}; a plural msgid takes a list.
A msgid missing from the catalogs is an error: run `scripts/i18n update` first."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main(directory: str, source: str) -> int:
    wanted: dict[str, dict[str, str | list[str]]] = json.loads(Path(source).read_text("utf-8"))
    unknown: set[str] = set()
    for locale in sorted({loc for texts in wanted.values() for loc in texts}):
        path = Path(directory, locale, "LC_MESSAGES", "messages.po")
        with path.open("rb") as f:
            catalog = read_po(f, locale=locale)
        for msgid, texts in wanted.items():
            if locale not in texts:
                continue
            message = next((m for m in catalog if (m.id[0] if isinstance(m.id, tuple)
                                                    else m.id) == msgid), None)
            if message is None or not msgid:
                unknown.add(msgid)
                continue
            text = texts[locale]
            message.string = tuple(text) if isinstance(message.id, tuple) else text
            message.flags.discard("fuzzy")
        with path.open("wb") as f:
            write_po(f, catalog, width=76, omit_header=False, ignore_obsolete=True)
    if unknown:
        print("not in the catalogs (run scripts/i18n update):", *sorted(unknown), sep="\n  ",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
