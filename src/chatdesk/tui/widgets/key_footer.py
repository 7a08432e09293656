"""The footer of key hints: the focused widget's keys, then the screen's in the order the keymap
declares them, recomposed at most once per refresh.

Below NARROW columns (80x24 over SSH) it shows only the keys that work now, with short names and
no command-palette entry, and leaves out what the screen's `footer_idle()` names (keys that do not
matter at this moment), so every one shown fits; F1 lists the rest. At full width a screen with
more keys than fit (the board at 120 columns) shows the first ones whole, never half a name.

Textual's Footer rebuilds itself (a widget per key, with CSS applied to each) every time the
screen's bindings change, and several changes in one refresh each schedule their own rebuild,
which opening the desk does several times over. Here the changes of one refresh share one
rebuild.
"""
from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from chatdesk.tui.keymap import FOOTER_NARROW_EXTRA, FOOTER_SHORT, all_bindings

NARROW = 100
ORDER = {b.id: n for n, b in enumerate(all_bindings()) if b.id}


class KeyFooter(Footer):
    _rebuild_pending = False
    _narrow: bool | None = None

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        self._schedule()

    def update_keys(self) -> None:
        """The screen's idea of what matters changed: rebuild (only the narrow footer differs)."""
        if self._narrow:
            self._schedule()

    def on_resize(self) -> None:
        if self._narrow is not None and (self.app.size.width < NARROW) != self._narrow:
            self._schedule()

    def _schedule(self) -> None:
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        narrow = self._narrow = self.app.size.width < NARROW
        self.set_reactive(Footer.compact, narrow)
        self.set_class(narrow, "-compact")
        active = self.screen.active_bindings
        idle_of = getattr(self.screen, "footer_idle", None)
        idle: set[str] = idle_of() if narrow and idle_of is not None else set()
        shown: dict[str, tuple[tuple[int, int], FooterKey]] = {}
        for n, (node, binding, enabled, tooltip) in enumerate(active.values()):
            show = binding.show or (narrow and binding.id in FOOTER_NARROW_EXTRA)
            if not show or binding.action in shown or (narrow and not enabled) or binding.action in idle:
                continue
            description = FOOTER_SHORT.get(binding.id or "", binding.description) if narrow else binding.description
            key = FooterKey(binding.key, self.app.get_key_display(binding), description, binding.action,
                            disabled=not enabled, tooltip=tooltip)
            key.set_reactive(FooterKey.compact, narrow)   # data_bind needs the footer as the active node
            key.set_class(narrow, "-compact")
            # the focused widget's own keys first (they matter now), then the screen's in keymap order
            shown[binding.action] = ((node is self.screen, ORDER.get(binding.id or "", len(ORDER) + n)), key)
        keys = [key for _, key in sorted(shown.values(), key=lambda pair: pair[0])]
        palette = None
        if not narrow and self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _, binding, enabled, tooltip = found
                palette = FooterKey(binding.key, self.app.get_key_display(binding), binding.description,
                                    binding.action, classes="-command-palette", disabled=not enabled,
                                    tooltip=tooltip or binding.description)
        if not narrow:
            # whole keys only, those that do not fit are left to F1; the last key's trailing blank
            # may sit under the palette's border
            keys = fitting(keys, self.app.size.width - (key_width(palette) - 1 if palette else 0))
        self.styles.grid_size_columns = len(keys) + (0 if narrow else 1)
        yield from keys
        if palette is not None:
            yield palette


def key_width(key: FooterKey) -> int:
    """Cells a wide (not compact) footer key takes: the key and its description, padded."""
    return cell_len(key.key_display) + cell_len(key.description) + 3


def fitting(keys: list[FooterKey], width: int) -> list[FooterKey]:
    """The first keys, in order, whose widths add up to at most `width`."""
    kept: list[FooterKey] = []
    for key in keys:
        width -= key_width(key)
        if width < 0:
            break
        kept.append(key)
    return kept
