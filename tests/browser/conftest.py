"""Playwright driving the machine's own Chromium against pytest-django's live server.

Never a downloaded browser: ``playwright install`` is not part of this project.
Each page the tests visit is watched for console errors (Content-Security-Policy
violations arrive as console errors), uncaught script errors and failed static
files, and can be checked with axe-core (vendored next to this file).
"""

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop; the ORM refuses to run beside one
# unless told that this single-threaded use is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_22_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium fonts-liberation2)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@dataclass
class PageWatch:
    """What went wrong in the browser while the tests drove it."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    static_failures: list[str] = field(default_factory=list)
    static_loaded: set[str] = field(default_factory=set)
    accessibility_failures: list[str] = field(default_factory=list)
    accessibility_warnings: list[str] = field(default_factory=list)
    pages_checked: list[str] = field(default_factory=list)
    # Documents we asked for knowing they answer with an error status (the 404 page).
    expected_error_documents: set[str] = field(default_factory=set)

    def attach(self, page: Any) -> None:
        page.on("console", lambda message: self._on_console(page, message))
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_request_failed)

    def _on_console(self, page: Any, message: Any) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url") or page.url
        if url in self.expected_error_documents and "Failed to load resource" in message.text:
            return
        self.console_errors.append(f"{url}: {message.text}")

    def _on_response(self, response: Any) -> None:
        if "/static/" not in response.url:
            return
        if response.status >= 400:
            self.static_failures.append(f"{response.status} {response.url}")
        else:
            self.static_loaded.add(response.url.split("/static/", 1)[1])

    def _on_request_failed(self, request: Any) -> None:
        already = any(line.endswith(f" {request.url}") for line in self.static_failures)
        if "/static/" in request.url and not already:
            self.static_failures.append(f"failed ({request.failure}) {request.url}")

    def check_accessibility(self, page: Any, name: str) -> None:
        """Run axe-core on the page as it is now; remember serious or critical violations.

        axe is evaluated through the DevTools protocol rather than added as a
        ``<script>`` element: an inline element would be refused by our
        Content-Security-Policy, and evaluating keeps that policy in force, so
        the same page still reports any violation of it as a console error.
        """
        if page.evaluate("typeof window.axe") == "undefined":
            page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
        result = page.evaluate(
            """async (tags) => {
                const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
                return results.violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
                    count: v.nodes.length,
                }));
            }""",
            WCAG_22_AA_TAGS,
        )
        self.pages_checked.append(name)
        for violation in result:
            line = (
                f"{name} ({page.url}): [{violation['impact']}] {violation['id']}: "
                f"{violation['help']} — {violation['count']} element(s), e.g. "
                f"{json.dumps(violation['targets'])}"
            )
            if violation["impact"] in FAILING_IMPACTS:
                self.accessibility_failures.append(line)
            else:
                self.accessibility_warnings.append(line)

    def assert_clean(self) -> None:
        for warning in self.accessibility_warnings:
            print(f"WARNING (axe, moderate or minor): {warning}")
        problems = []
        if self.accessibility_failures:
            problems.append("Serious or critical accessibility violations (WCAG 2.2 AA):")
            problems += [f"  - {line}" for line in self.accessibility_failures]
        if self.console_errors:
            problems.append("Console errors (Content-Security-Policy violations show here):")
            problems += [f"  - {line}" for line in self.console_errors]
        if self.page_errors:
            problems.append("Uncaught script errors:")
            problems += [f"  - {line}" for line in self.page_errors]
        if self.static_failures:
            problems.append("Static files that did not load:")
            problems += [f"  - {line}" for line in self.static_failures]
        assert not problems, "\n".join(problems)


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


def heading(page: Any) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def code_field(page: Any) -> Any:
    return page.get_by_label(re.compile("code", re.I))
