"""Checks every browser test shares."""

from pathlib import Path

from playwright.sync_api import Page


def assert_no_sideways_scroll(page: Page) -> None:
    """The page fits the viewport's width (a wide table scrolls inside its own box, never the page).
    A click that submits a form does not wait for the new page's stylesheets, so wait for them first."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width}px wide and scrolls sideways"


# A full-page screenshot stitches the page under one viewport; the phone's tab bar, fixed to the bottom of the
# window, would land in the middle of the picture. This style puts it at the bottom of the page instead.
FULL_PAGE_STYLE = """
#toasts { display: none; }
@media (max-width: 959px) {
  html { position: relative; }
  .app-header { position: static; }
  .portal-nav { position: absolute; }
}
"""

# page.screenshot(style=…) and its default caret="hide" add a <style> element to the page, which the
# Content-Security-Policy blocks (no inline style). A constructed stylesheet is CSSOM, which the policy does not
# govern: ``screenshot`` adopts one for the picture and drops it after.
_ADOPT = """css => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css + " * { caret-color: transparent !important; }");
  window.__shotSheet = sheet;
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""
_DROP = "() => { document.adoptedStyleSheets = document.adoptedStyleSheets.filter(s => s !== window.__shotSheet); }"


def screenshot(page: Page, path: Path, *, style: str = "", **options) -> None:
    """``page.screenshot(path=path, **options)`` with ``style`` applied, within the page's policy."""
    page.evaluate(_ADOPT, style)
    try:
        page.screenshot(path=path, caret="initial", **options)
    finally:
        page.evaluate(_DROP)
