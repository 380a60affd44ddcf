"""Browser tests: Playwright's Python package driving Debian's Chromium (never a downloaded browser)."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEMO_PASSWORD = "demo-pass-for-browser-tests"


# A loaded 2-core CI machine can take more than Playwright's default 5 s for a page.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 1280, "height": 900}}


# Every page reports what its Content-Security-Policy blocked: the DOM's securitypolicyviolation
# event (init scripts run outside the page's policy) and Chromium's console message about it.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  var where = e.sourceFile + ":" + e.lineNumber;
  window.__reportCspViolation([e.violatedDirective, e.blockedURI, e.documentURI, where].join(" "));
});
"""


@pytest.fixture
def csp_violations():
    return []


@pytest.fixture
def context(context, csp_violations):
    """Each browser test fails when any page it opened broke the Content-Security-Policy."""
    context.expose_binding("__reportCspViolation", lambda source, text: csp_violations.append(f"event: {text}"))
    context.add_init_script(REPORT_VIOLATIONS)

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            csp_violations.append(f"console: {message.text}")

    context.on("console", on_console)
    yield context
    for page in context.pages:  # a round trip to each page delivers the events still on their way
        if not page.is_closed():
            page.evaluate("0")
    if csp_violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(csp_violations)), pytrace=False)


@pytest.fixture
def demo(transactional_db, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    settings.DEBUG = False


@pytest.fixture
def login(page, live_server):
    def _login(username, password=DEMO_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("form button[type=submit]:has-text('Log in')")
        page.wait_for_load_state()

    return _login


@pytest.fixture
def screenshot(page):
    def _shot(name):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return _shot
