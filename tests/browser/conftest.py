"""Browser fixtures: Playwright driving Debian's headless Chromium against pytest-django's ``live_server``.

Contract:
- The browser is ``/usr/bin/chromium`` (override with ``CHROMIUM_PATH``); Playwright's own browser
  downloads are never used. A missing binary FAILS every browser test with a message saying what
  to install — it never skips, so a CI run without a browser cannot pass by accident.
- Pages run with every request outside ``live_server`` aborted and recorded; a test fails if a page
  tried to reach anything external (CDNs, fonts, analytics).
- ``shot(page, name)`` saves a full-page PNG to ``var/screenshots/<name>.png`` for people to look at.
- Playwright's sync API runs an event loop in the test thread, so Django's ORM would refuse to run
  there; ``config.settings.test`` sets ``DJANGO_ALLOW_ASYNC_UNSAFE`` and ``test_flows`` checks it.
- While that loop runs, Django's per-context connection handles differ from the ones the test
  database was created with, so ``serialized_rollback`` cannot restore the migrated data after a
  transactional test's flush. Instead the division tree (the only migrated data the pages need) is
  reloaded before each browser test and once more when the module ends, and Playwright lives only
  as long as a browser module (not the whole session) so later tests run in a plain sync context.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"
PASSWORD = "pass12345"  # tests.factories.UserFactory
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium), "
            "or set CHROMIUM_PATH. They are not skipped: run `pytest -m 'not browser'` to leave them out.",
            pytrace=False,
        )
    return CHROMIUM


def _ensure_division_tree() -> None:
    from tests.reference import ensure_reference_data

    ensure_reference_data()


@pytest.fixture(scope="module", autouse=True)
def _division_tree_after_module(django_db_setup, django_db_blocker):
    """Leave the regions in place for whatever runs after the browser tests (see module docstring)."""
    yield
    with django_db_blocker.unblock():
        _ensure_division_tree()


@pytest.fixture(autouse=True)
def _division_tree(transactional_db):
    _ensure_division_tree()


@pytest.fixture(scope="module")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _new_page(browser, live_server, request, **context_options):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **context_options)
    context.set_default_timeout(15_000)
    external: list[str] = []

    def only_live_server(route):
        url = route.request.url
        if url.startswith(live_server.url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            external.append(url)
            route.abort()

    context.route("**/*", only_live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not external, f"pages tried to reach outside the site: {external}"
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def desktop_page(browser, live_server, request):
    yield from _new_page(browser, live_server, request, viewport=DESKTOP)


@pytest.fixture
def phone_page(browser, live_server, request):
    yield from _new_page(
        browser, live_server, request, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )


@pytest.fixture
def shot():
    """``shot(page, name)``: save a full-page screenshot under ``var/screenshots/``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def navigate(page, action) -> None:
    """Run ``action`` (a click or tap that loads a new page) and wait until that page has loaded."""
    with page.expect_navigation():
        action()


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real form, starting from the site root (which asks for it)."""
    page.goto(live_server.url + "/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    navigate(page, lambda: page.click("form.stack-form button[type=submit]"))
