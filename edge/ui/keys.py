"""Key bindings whose descriptions follow the UI language.

Bindings are declared with English messages marked by N_(); each screen translates
its own copy when it is created, so switching language only needs new screens.
"""

from __future__ import annotations

import dataclasses

from textual.dom import DOMNode

from edge.i18n import _


def translate_bindings(node: DOMNode) -> None:
    """Give ``node`` its class bindings with descriptions in the current language."""
    merged = type(node)._merged_bindings
    if merged is None:
        return
    bindings = merged.copy()
    for key, found in bindings.key_to_bindings.items():
        bindings.key_to_bindings[key] = [
            dataclasses.replace(b, description=_(b.description)) if b.description else b
            for b in found
        ]
    # Textual keeps a node's bindings in _bindings; there is no public setter.
    node._bindings = bindings
