from __future__ import annotations

import inspect

import pytest

from geo_revival import exceptions


def _classes(base: type) -> list[type]:
    return [
        obj
        for _, obj in inspect.getmembers(exceptions, inspect.isclass)
        if issubclass(obj, base) and obj is not base
    ]


@pytest.mark.parametrize("cls", _classes(exceptions.GeoRevivalError), ids=lambda c: c.__name__)
def test_every_error_is_also_a_builtin(cls: type) -> None:
    builtin_bases = [b for b in cls.__mro__ if b.__module__ == "builtins" and b is not object]
    # Exception itself does not count: each error must name a more specific builtin.
    assert any(b not in (Exception, BaseException) for b in builtin_bases), cls


def test_all_lists_every_public_class() -> None:
    public = {name for name, _ in inspect.getmembers(exceptions, inspect.isclass)
              if issubclass(_, (exceptions.GeoRevivalError, exceptions.GeoRevivalWarning))}
    assert public == set(exceptions.__all__)


def test_legend_error_message_is_not_quoted() -> None:
    err = exceptions.LegendError("codes [12] are not in legend 'clcd'")
    assert str(err) == "codes [12] are not in legend 'clcd'"
    with pytest.raises(KeyError):
        raise err


def test_catch_by_builtin() -> None:
    with pytest.raises(ValueError, match="no CRS"):
        raise exceptions.MissingCRSError("layer has no CRS; pass crs=")
