"""The micro-credential framework (DOMAIN §5) as versioned data.

Each version is a JSON file beside this module, `elements_v<N>.json`: its elements (key,
mandatory or optional, where the value comes from — the description or the certificate —,
type, allowed values, label and help text in fi/sv/en) and the workload units with their
ranges. The Finnish draft's exact field list is not public, so the elements are data, not
code: a new draft is a new file, and a description keeps the version it was written against.

    fw = framework()              # the current version
    fw.element("workload").label_in("sv")
"""
from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CURRENT_VERSION = "1"
LOCALES = ("fi", "sv", "en")
# The value types an element may have; validation.py knows each of them.
ELEMENT_TYPES = ("text", "textarea", "list", "choice", "workload", "country_region", "person",
                 "date")
SOURCES = ("description", "certificate")


class UnknownFrameworkVersion(LookupError):
    pass


@dataclasses.dataclass(frozen=True)
class Element:
    key: str
    annex_i: str | None        # "mandatory" / "optional" in Annex I, None if not an Annex I element
    mandatory: bool
    source: str                # "description": written by the provider; "certificate": per learner
    type: str
    label: dict[str, str]
    help: dict[str, str]
    allowed: Any = None        # choice: [{value, label}]; country_region: {alpha-2: alpha-3}
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    default: Any = None

    @property
    def in_description(self) -> bool:
        return self.source == "description"

    def label_in(self, locale: str) -> str:
        return self.label.get(locale) or self.label["en"]

    def help_in(self, locale: str) -> str:
        return self.help.get(locale) or self.help["en"]

    def choice_values(self) -> list[str]:
        if self.type == "choice":
            return [option["value"] for option in self.allowed]
        if self.type == "country_region":
            return sorted(self.allowed)
        return []

    def choice_label(self, value: str, locale: str) -> str:
        for option in self.allowed or []:
            if isinstance(option, dict) and option["value"] == value:
                return option["label"].get(locale) or option["label"]["en"]
        return value


@dataclasses.dataclass(frozen=True)
class WorkloadUnit:
    key: str
    label: dict[str, str]
    min: float
    max: float
    hours_per_unit: float | None

    def label_in(self, locale: str) -> str:
        return self.label.get(locale) or self.label["en"]


@dataclasses.dataclass(frozen=True)
class Framework:
    version: str
    title: dict[str, str]
    basis: str
    elements: tuple[Element, ...]
    workload_units: dict[str, WorkloadUnit]
    units_by_organisation_kind: dict[str, tuple[str, ...]]

    def element(self, key: str) -> Element:
        for element in self.elements:
            if element.key == key:
                return element
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [e.key for e in self.elements]

    @property
    def description_elements(self) -> list[Element]:
        """What the provider writes in the description (the editor's fields, in order)."""
        return [e for e in self.elements if e.in_description]

    @property
    def annex_i_elements(self) -> list[Element]:
        return [e for e in self.elements if e.annex_i]

    def units_for(self, organisation_kind: str | None) -> tuple[str, ...]:
        """The workload units an organisation of this kind may use (all when unknown)."""
        if organisation_kind in self.units_by_organisation_kind:
            return self.units_by_organisation_kind[organisation_kind]
        return tuple(self.workload_units)

    def as_json(self) -> dict[str, Any]:
        """The whole version, for the editor (web) and the API."""
        return json.loads((HERE / f"elements_v{self.version}.json").read_text("utf-8"))


def versions() -> list[str]:
    return sorted(p.stem.removeprefix("elements_v") for p in HERE.glob("elements_v*.json"))


@functools.lru_cache(maxsize=None)
def framework(version: str = CURRENT_VERSION) -> Framework:
    path = HERE / f"elements_v{version}.json"
    if not version.isalnum() or not path.is_file():
        raise UnknownFrameworkVersion(version)
    raw = json.loads(path.read_text("utf-8"))
    elements = tuple(_element(e) for e in raw["elements"])
    units = {key: WorkloadUnit(key=key, label=u["label"], min=u["min"], max=u["max"],
                               hours_per_unit=u.get("hours_per_unit"))
             for key, u in raw["workload_units"].items()}
    return Framework(version=str(raw["version"]), title=raw["title"], basis=raw["basis"],
                     elements=elements, workload_units=units,
                     units_by_organisation_kind={k: tuple(v) for k, v in
                                                 raw["units_by_organisation_kind"].items()})


def _element(raw: dict[str, Any]) -> Element:
    element = Element(
        key=raw["key"], annex_i=raw.get("annex_i"), mandatory=bool(raw["mandatory"]),
        source=raw["source"], type=raw["type"], label=raw["label"], help=raw["help"],
        allowed=raw.get("allowed"), max_length=raw.get("max_length"),
        min_items=raw.get("min_items"), max_items=raw.get("max_items"),
        default=raw.get("default"))
    # A broken data file should fail loudly at load, not half-way through a validation.
    if element.type not in ELEMENT_TYPES or element.source not in SOURCES:
        raise ValueError(f"framework element {element.key}: unknown type or source")
    if any(not element.label.get(lang) or not element.help.get(lang) for lang in LOCALES):
        raise ValueError(f"framework element {element.key}: label and help needed in {LOCALES}")
    return element


__all__ = ["CURRENT_VERSION", "Element", "Framework", "UnknownFrameworkVersion",
           "WorkloadUnit", "framework", "versions"]
