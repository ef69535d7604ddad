"""Restoration rule sets: which land-cover state each generic class means, per planned end use.

A rule set is data (a TOML file in ``geo_revival/rules/`` or a user file, documented in
``geo_revival/rules/README.md``). It gives, for every generic land-cover class, a state —
``damaged``, ``restored`` or ``neutral`` — for land with no planned use (table ``[states]``) and,
for each planned end use (``[planned_use.<use>]``), the classes whose state differs. This follows
the plans' principle 宜工则工、宜农则农、宜水则水、宜林则林: what counts as restored depends on what
the land is planned to become. The public names are re-exported by :mod:`geo_revival.restoration`.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from geo_revival.exceptions import ReadError, RuleSetError
from geo_revival.landcover.legend import GENERIC_CLASSES
from geo_revival.zones import PLANNED_USES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "FLOW_STATES",
    "NO_PLANNED_USE",
    "STATES",
    "RuleSet",
    "list_rule_sets",
    "load_rules",
    "planned_use_strings",
]

#: The three states a generic class can mean.
STATES: tuple[str, ...] = ("damaged", "restored", "neutral")

#: The two flows between states that accounting and change maps share: name -> (from states,
#: to states). Reclaimed land went damaged -> restored; newly damaged land went to damaged.
FLOW_STATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "reclaimed": (("damaged",), ("restored",)),
    "newly_damaged": (("restored", "neutral"), ("damaged",)),
}

#: How "no planned use" is written in tables (``None``/NA are read as this too).
NO_PLANNED_USE = ""

_TOP_LEVEL_KEYS = ("name", "title", "description", "basis", "states", "planned_use")


def planned_use_strings(uses: pd.Series) -> pd.Series:
    """Planned uses as strings, missing values (None/NA) as :data:`NO_PLANNED_USE`."""
    return uses.astype(object).where(uses.notna(), NO_PLANNED_USE).astype(str)


def _frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class RuleSet:
    """An immutable, validated restoration rule set.

    Parameters
    ----------
    name
        Short name (the file stem for shipped rule sets).
    states
        Generic class -> state for land with no planned use; every class of
        :data:`~geo_revival.landcover.legend.GENERIC_CLASSES` must be present.
    planned_use
        Planned use -> {generic class -> state} overrides; every planned use of
        :data:`~geo_revival.zones.PLANNED_USES` must be present (an empty mapping means
        "as with no planned use"), so that a forgotten use cannot pass silently.
    title, description, basis
        Free text: what the rule set is for and the reasoning behind it.
    origin
        Where it was read from (``"builtin:<name>"`` or a file path).

    Examples
    --------
    >>> rules = load_rules("default")
    >>> rules.state("water"), rules.state("water", planned_use="water")
    ('damaged', 'restored')
    """

    name: str
    states: Mapping[str, str]
    planned_use: Mapping[str, Mapping[str, str]]
    title: str = ""
    description: str = ""
    basis: str = ""
    origin: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        where = f"rule set {self.name!r}" + (f" ({self.origin})" if self.origin else "")
        _check_states(self.states, where=f"{where}, [states]", complete=True)
        unknown = sorted(set(self.planned_use) - set(PLANNED_USES))
        if unknown:
            raise RuleSetError(
                f"{where}: unknown planned use(s) {unknown}; planned uses are {list(PLANNED_USES)} "
                "(land with no planned use takes the [states] table)."
            )
        missing = [u for u in PLANNED_USES if u not in self.planned_use]
        if missing:
            raise RuleSetError(
                f"{where}: no [planned_use.<use>] table for {missing}; add one for each planned "
                "use (an empty table means 'same states as land with no planned use')."
            )
        for use, overrides in self.planned_use.items():
            _check_states(overrides, where=f"{where}, [planned_use.{use}]", complete=False)
        object.__setattr__(self, "states", _frozen(self.states))
        object.__setattr__(
            self,
            "planned_use",
            MappingProxyType({u: _frozen(self.planned_use[u]) for u in PLANNED_USES}),
        )

    def __hash__(self) -> int:
        return hash((self.name, self.sha256))

    def state(self, generic_class: str, planned_use: str | None = None) -> str:
        """Return the state of ``generic_class`` on land planned for ``planned_use``.

        ``None`` or ``""`` means no planned use.

        Examples
        --------
        >>> load_rules("default").state("water", planned_use="cropland")
        'damaged'
        """
        use = planned_use or NO_PLANNED_USE
        if generic_class not in self.states:
            raise RuleSetError(
                f"rule set {self.name!r} has no state for generic class {generic_class!r}; "
                f"generic classes are {list(GENERIC_CLASSES)} (map the legend code to one of them)."
            )
        if use == NO_PLANNED_USE:
            return self.states[generic_class]
        if use not in self.planned_use:
            raise RuleSetError(
                f"unknown planned use {planned_use!r}; use one of {list(PLANNED_USES)}, "
                "or '' / None for land with no planned use."
            )
        return self.planned_use[use].get(generic_class, self.states[generic_class])

    def resolved(self) -> dict[str, dict[str, str]]:
        """Return the full table ``{planned use: {generic class: state}}`` (``""``: no use)."""
        uses = (NO_PLANNED_USE, *PLANNED_USES)
        return {u: {c: self.state(c, u) for c in GENERIC_CLASSES} for u in uses}

    def to_frame(self) -> pd.DataFrame:
        """Return the resolved rules as a tidy table ``planned_use, generic_class, state``.

        Examples
        --------
        >>> load_rules("default").to_frame().shape
        (50, 3)
        """
        rows = [
            (use, cls, state)
            for use, table in self.resolved().items()
            for cls, state in table.items()
        ]
        return pd.DataFrame(rows, columns=["planned_use", "generic_class", "state"])

    @property
    def sha256(self) -> str:
        """SHA-256 of the canonical resolved rules (independent of name, comments and layout)."""
        canonical = json.dumps(self.resolved(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, name: str | None = None, origin: str = ""
    ) -> RuleSet:
        """Build a rule set from the parsed TOML layout (see ``rules/README.md``).

        Examples
        --------
        >>> base = dict.fromkeys(
        ...     ["cropland", "forest", "shrub", "grassland", "water", "wetland",
        ...      "built_up", "barren", "snow_ice", "other"], "neutral")
        >>> uses = {u: {} for u in ["cropland", "water", "forest", "construction"]}
        >>> RuleSet.from_dict({"states": base, "planned_use": uses}, name="flat").state("water")
        'neutral'
        """
        label = name or str(data.get("name", "")) or "<unnamed>"
        where = f"rule set {label!r}" + (f" ({origin})" if origin else "")
        unknown = sorted(set(data) - set(_TOP_LEVEL_KEYS))
        if unknown:
            raise RuleSetError(
                f"{where}: unknown key(s) {unknown}; allowed: {list(_TOP_LEVEL_KEYS)}."
            )
        for key in ("states", "planned_use"):
            if not isinstance(data.get(key), Mapping):
                raise RuleSetError(
                    f"{where}: missing table [{key}] (see geo_revival/rules/README.md)."
                )
        uses = data["planned_use"]
        for use, table in uses.items():
            if not isinstance(table, Mapping):
                raise RuleSetError(
                    f"{where}: [planned_use.{use}] must be a table of class = state."
                )
        return cls(
            name=str(data.get("name") or name or label),
            states=dict(data["states"]),
            planned_use={u: dict(t) for u, t in uses.items()},
            title=str(data.get("title", "")),
            description=str(data.get("description", "")),
            basis=str(data.get("basis", "")),
            origin=origin,
        )


def _check_states(mapping: Mapping[str, Any], *, where: str, complete: bool) -> None:
    unknown = sorted(set(mapping) - set(GENERIC_CLASSES))
    if unknown:
        raise RuleSetError(
            f"{where}: unknown generic class(es) {unknown}; generic classes are "
            f"{list(GENERIC_CLASSES)}."
        )
    if complete:
        missing = [c for c in GENERIC_CLASSES if c not in mapping]
        if missing:
            raise RuleSetError(
                f"{where}: no state for generic class(es) {missing}; every class needs one of "
                f"{list(STATES)}."
            )
    bad = {c: s for c, s in mapping.items() if s not in STATES}
    if bad:
        raise RuleSetError(f"{where}: unknown state(s) {bad}; states are {list(STATES)}.")


def _builtin_dir() -> Any:
    return resources.files("geo_revival") / "rules"


def list_rule_sets() -> list[str]:
    """Return the names of the shipped rule sets.

    Examples
    --------
    >>> "default" in list_rule_sets()
    True
    """
    return sorted(
        p.name[: -len(".toml")] for p in _builtin_dir().iterdir() if p.name.endswith(".toml")
    )


def load_rules(rules: str | PathLike[str] | RuleSet = "default") -> RuleSet:
    """Load a shipped rule set by name or a user TOML file by path (a RuleSet passes through).

    Parameters
    ----------
    rules
        A name from :func:`list_rule_sets`, a path to a ``.toml`` file, or a ``RuleSet``.

    Returns
    -------
    RuleSet

    Raises
    ------
    RuleSetError
        Unknown name, malformed TOML, or invalid content (missing class, unknown planned use,
        class or state).
    ReadError
        A path that does not exist or cannot be read.

    Examples
    --------
    >>> load_rules("default").name
    'default'
    """
    if isinstance(rules, RuleSet):
        return rules
    text = str(rules)
    if text in list_rule_sets():
        resource = _builtin_dir() / f"{text}.toml"
        return _parse(resource.read_text(encoding="utf-8"), name=text, origin=f"builtin:{text}")
    path = Path(rules)
    if path.suffix.lower() != ".toml" and len(path.parts) == 1:
        raise RuleSetError(
            f"unknown rule set {text!r}; shipped rule sets are {list_rule_sets()}, "
            "or pass the path of a .toml file."
        )
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ReadError(f"cannot read rule set file {str(path)!r}: {err}") from err
    return _parse(content, name=path.stem, origin=str(path))


def _parse(text: str, *, name: str, origin: str) -> RuleSet:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise RuleSetError(f"rule set {origin}: not valid TOML: {err}") from err
    return RuleSet.from_dict(data, name=name, origin=origin)
