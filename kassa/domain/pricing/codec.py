"""JSON for the engine's records (dataclasses and NamedTuples), read and written from their
type hints.

Keys are the field names. Amounts are decimal strings in the unit their type
names (``Money``, ``Percent``, ``Quantity``, ``ClockTime``); times are ISO 8601 with a UTC
offset. Reading checks every value and names the field of the first problem, e.g.
``cart.lines[2].quantity: must be > 0``; unknown fields are errors too.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin, get_type_hints

from kassa.domain.pricing.errors import InputError
from kassa.domain.pricing.units import Unit, format_unit, parse_unit

T = TypeVar("T")
_MISSING = object()
_hints: dict[type, dict[str, Any]] = {}


def decode(cls: type[T], value: object, path: str = "") -> T:
    """Read a record (dataclass or NamedTuple) from a parsed JSON value; raises InputError
    naming the field."""
    result: T = _read(cls, value, path)
    return result


def encode(obj: object) -> dict[str, Any]:
    """Write a record (dataclass or NamedTuple) as a JSON-ready dict."""
    return dict(_write(type(obj), obj))


def _is_record(tp: Any) -> bool:
    """A dataclass or a NamedTuple: a JSON object with one key per field."""
    return isinstance(tp, type) and (dataclasses.is_dataclass(tp) or hasattr(tp, "_fields"))


def _fields(cls: type) -> dict[str, Any]:
    hints = _hints.get(cls)
    if hints is None:
        all_hints = get_type_hints(cls, include_extras=True)
        names = (
            [f.name for f in dataclasses.fields(cls)]
            if dataclasses.is_dataclass(cls)
            else list(getattr(cls, "_fields", ()))
        )
        hints = {name: all_hints[name] for name in names}
        _hints[cls] = hints
    return hints


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _read(tp: Any, value: object, path: str) -> Any:
    origin = get_origin(tp)
    if origin is Annotated:
        unit = next(a for a in get_args(tp)[1:] if isinstance(a, Unit))
        try:
            return parse_unit(unit, value)
        except ValueError as exc:
            raise InputError(path, str(exc)) from None
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        (inner,) = (a for a in get_args(tp) if a is not type(None))
        return _read(inner, value, path)
    if origin in (tuple, frozenset):
        items = _expect(list, value, path, "a list")
        read = [_read(get_args(tp)[0], item, f"{path}[{i}]") for i, item in enumerate(items)]
        return tuple(read) if origin is tuple else frozenset(read)
    if origin is Mapping:
        entries = _expect(dict, value, path, "an object")
        return {key: _read(get_args(tp)[1], v, _join(path, key)) for key, v in entries.items()}
    if _is_record(tp):
        return _read_record(tp, value, path)
    if isinstance(tp, type) and issubclass(tp, Enum):
        choices = [member.value for member in tp]
        if value not in choices:
            raise InputError(path, f"must be one of: {', '.join(map(str, choices))}")
        return tp(value)
    if tp is datetime:
        moment = _read_iso(datetime.fromisoformat, value, path, "a date and time")
        if moment.utcoffset() is None:
            raise InputError(path, "must include a UTC offset, e.g. 2025-06-02T10:30:00+03:00")
        return moment
    if tp is date:
        return _read_iso(date.fromisoformat, value, path, "a date such as 2025-06-02")
    if tp is bool:
        return _expect(bool, value, path, "true or false")
    if tp is int:
        if isinstance(value, bool):
            raise InputError(path, "must be a whole number")
        return _expect(int, value, path, "a whole number")
    if tp is str:
        return _expect(str, value, path, "a string")
    raise TypeError(f"{path}: no JSON form for {tp!r}")


def _read_record(cls: type, value: object, path: str) -> Any:
    entries = _expect(dict, value, path, "an object")
    fields = _fields(cls)
    for key in entries:
        if key not in fields:
            raise InputError(_join(path, key), "unknown field")
    optional = _optional(cls)
    arguments = {}
    for name, hint in fields.items():
        raw = entries.get(name, _MISSING)
        if raw is _MISSING:
            if name not in optional:
                raise InputError(_join(path, name), "is required")
            continue
        arguments[name] = _read(hint, raw, _join(path, name))
    try:
        return cls(**arguments)
    except InputError as exc:
        raise exc.within(path) from None


def _optional(cls: type) -> set[str]:
    """Fields that have a default."""
    if dataclasses.is_dataclass(cls):
        return {
            f.name
            for f in dataclasses.fields(cls)
            if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        }
    return set(getattr(cls, "_field_defaults", {}))


def _read_iso(parse: Any, value: object, path: str, what: str) -> Any:
    try:
        return parse(_expect(str, value, path, what))
    except ValueError:
        raise InputError(path, f"must be {what} in ISO 8601") from None


def _expect(kind: type[T], value: object, path: str, what: str) -> T:
    if not isinstance(value, kind):
        raise InputError(path, f"must be {what}")
    return value


def _write(tp: Any, value: Any) -> Any:
    origin = get_origin(tp)
    if value is None:
        return None
    if origin is Annotated:
        unit = next(a for a in get_args(tp)[1:] if isinstance(a, Unit))
        return format_unit(unit, value)
    if origin in (Union, types.UnionType):
        (inner,) = (a for a in get_args(tp) if a is not type(None))
        return _write(inner, value)
    if _is_record(tp):
        return {name: _write(hint, getattr(value, name)) for name, hint in _fields(tp).items()}
    if origin is tuple:
        return [_write(get_args(tp)[0], item) for item in value]
    if origin is frozenset:
        return [_write(get_args(tp)[0], item) for item in sorted(value, key=_sort_key)]
    if origin is Mapping:
        return {key: _write(get_args(tp)[1], item) for key, item in value.items()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def _sort_key(item: object) -> Any:
    """Enums in declaration order (mon before tue), everything else by value."""
    return list(type(item)).index(item) if isinstance(item, Enum) else item
