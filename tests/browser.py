"""Checks every browser test shares."""

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
