"""Command palette (Ctrl+P): every action of the current screen, found by its name."""

from __future__ import annotations

from functools import partial

from textual.command import Hit, Hits, Provider


class ScreenActions(Provider):
    """Offers the key-bound actions of the active screen, with their key shown."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.description or not binding.show or not active.enabled:
                continue
            label = f"{binding.description} ({binding.key.upper()})"
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    partial(self.app.run_action, binding.action, active.node),
                    help=binding.key.upper(),
                )
