"""A real browser for the web pages: Debian's Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import shutil
import warnings
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Error, Page, ViewportSize, async_playwright

from tests.conftest import IN_CI


def chromium_path() -> str:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if path is None:
        message = "chromium is not installed (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            await browser.close()


#: A phone's screen: the one-time pages are opened from a messenger, on a phone.
PHONE: ViewportSize = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).parent / "artifacts"


async def snapshot(page: Page, name: str) -> None:
    """Save a screenshot to tests/artifacts/ for a human to look at. It is evidence, not an
    assertion: Chromium sometimes cannot capture a page that is being repainted, and that must
    not fail a test whose assertions passed."""
    ARTIFACTS.mkdir(exist_ok=True)
    await page.wait_for_load_state()
    try:
        await page.screenshot(path=ARTIFACTS / f"{name}.png")
    except Error as error:
        warnings.warn(f"screenshot {name} not taken: {error.message}", stacklevel=2)
