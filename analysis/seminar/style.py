"""The seminar page's look: a layout made for a projector at 1366×768, a light and a dark theme, a presentation mode.

The page is a grid: a column of controls on the left (it scrolls on its own and
never covers the content), the views on the right in cards that wrap onto new
rows instead of overlapping. Body text is at least 16 px (14 px for small
print), 20 px in presentation mode; a field's label is set at 19 px, because Vuetify shrinks a label
to three quarters when it floats above its field. Charts take a fixed width of about 560 px,
so a card is at least 640 px wide: one column of cards at 1366 px, two at 1920 px.
"""

from __future__ import annotations

THEMES: dict[str, dict[str, str]] = {
    "light": {"paper": "#ffffff", "card": "#ffffff", "ink": "#1a1a1a", "muted": "#555555", "rule": "#d0d0d0",
              "accent": "#0b5fa5", "page": "#f3f4f6"},
    "dark": {"paper": "#1e1e1e", "card": "#262626", "ink": "#f2f2f2", "muted": "#bbbbbb", "rule": "#444444",
             "accent": "#7cc4ff", "page": "#121212"},
}
"""Colours of each theme."""

BASE_FONT_PX = {False: 16, True: 20}
"""Body text size: normal and presentation mode."""


def page_css(theme: str = "light", presentation: bool = False) -> str:
    """The page's style sheet for a theme (``light`` or ``dark``) and mode."""
    c = THEMES[theme]
    size = BASE_FONT_PX[presentation]
    return f"""
.v-application, .v-application .v-sheet, .v-application .v-card {{ background: {c["page"]}; color: {c["ink"]}; }}
.seminar-page {{ font-size: {size}px; line-height: 1.45; color: {c["ink"]}; background: {c["page"]};
  display: grid; grid-template-columns: minmax(270px, 320px) minmax(0, 1fr); gap: 16px; padding: 12px; min-height: 100vh;
  box-sizing: border-box; }}
.seminar-page * {{ box-sizing: border-box; }}
.seminar-controls {{ position: sticky; top: 0; align-self: start; max-height: calc(100vh - 24px); overflow-y: auto;
  display: flex; flex-direction: column; gap: 12px; min-width: 0; }}
.seminar-controls > * {{ flex-shrink: 0; }}
.seminar-page .v-tab {{ text-transform: none !important; font-size: {max(size - 1, 14)}px !important; letter-spacing: 0 !important; }}
.seminar-main {{ min-width: 0; display: flex; flex-direction: column; gap: 16px; }}
.seminar-grid {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 640px), 1fr)); gap: 16px;
  align-items: start; }}
.seminar-card {{ background: {c["card"]} !important; color: {c["ink"]} !important; border: 1px solid {c["rule"]};
  border-radius: 10px; padding: 12px 16px; min-width: 0; overflow: hidden; position: relative; }}
.seminar-card h2, .seminar-card h3 {{ font-size: 1.15em; margin: 0 0 8px 0; overflow-wrap: normal; word-break: normal;
  hyphens: manual; color: {c["ink"]}; }}
.seminar-page .v-btn {{ font-size: {max(size - 2, 14)}px !important; text-transform: none !important; letter-spacing: 0 !important; }}
.seminar-page label, .seminar-page .v-label, .seminar-page input, .seminar-page .v-select__selection
  {{ font-size: {max(size - 2, 14)}px !important; color: {c["ink"]} !important; }}
.seminar-page .v-text-field .v-label, .seminar-page .v-select .v-label {{ font-size: {max(size + 3, 19)}px !important; }}
.seminar-small {{ font-size: {max(size - 2, 14)}px; color: {c["muted"]}; }}
.seminar-lever {{ border-top: 1px solid {c["rule"]}; padding-top: 8px; }}
.seminar-lever-name {{ font-weight: 600; }}
.seminar-lever-value {{ float: right; font-variant-numeric: tabular-nums; }}
.seminar-claim {{ color: {c["accent"]}; font-weight: 600; }}
.seminar-contested {{ border: 1px solid {c["muted"]}; border-radius: 4px; padding: 0 4px; font-size: max(14px, 0.8em); margin-left: 4px; }}
.seminar-log {{ max-height: 460px; overflow-y: auto; }}
.seminar-log li {{ margin-bottom: 6px; }}
.seminar-log details summary {{ cursor: pointer; }}
.seminar-quarter {{ font-weight: 700; }}
.seminar-headline {{ font-size: 1.05em; }}
.seminar-table {{ border-collapse: collapse; width: 100%; font-size: {max(size - 2, 14)}px; }}
.seminar-table td, .seminar-table th {{ border-bottom: 1px solid {c["rule"]}; padding: 4px 6px; text-align: left; vertical-align: top; }}
.seminar-table td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.seminar-joincode {{ font-size: 3em; font-weight: 800; letter-spacing: 0.15em; color: {c["accent"]}; }}
@media (max-width: 900px) {{ .seminar-page {{ grid-template-columns: minmax(0, 1fr); }}
  .seminar-controls {{ position: static; max-height: none; }} }}
"""
