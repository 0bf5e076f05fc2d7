"""Protobuf framing by hand: a length-delimited field around bytes already serialized.

Concatenated serialized messages of one type parse as their merge, so a message can be
built from parts serialized earlier (a receipt's facts, a batch of stored events)
without parsing them again.
"""

from __future__ import annotations


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


_SMALL_VARINTS = [_encode_varint(n) for n in range(1 << 14)]  # lengths of a message


def varint(value: int) -> bytes:
    """``value`` (not negative) as a protobuf varint."""
    return _SMALL_VARINTS[value] if 0 <= value < 1 << 14 else _encode_varint(value)


def field_tag(number: int, length_delimited: bool = True) -> bytes:
    """The key of field ``number``: wire type 2 (bytes, messages) or 0 (varint)."""
    return varint(number << 3 | (2 if length_delimited else 0))


def length_delimited(tag: bytes, payload: bytes) -> bytes:
    """Field ``tag`` holding ``payload`` (a serialized message, bytes or UTF-8 text)."""
    return b"".join((tag, varint(len(payload)), payload))
