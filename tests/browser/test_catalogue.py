"""The public catalogue in a real browser: browse, filter, a course, "which training do I need?".

An anonymous visitor uses the real Competence Matters framework, as a London
partnership that adopted it would publish it. Every page is checked with axe,
and the filter form and the questions are used again with JavaScript off.
"""

import re
from typing import Any

import pytest

from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION_TIERS = ("advanced", "C", "B", "A")


@pytest.fixture
def london(partnership):
    from interagency.catalogue import interchange, services

    framework = interchange.build_framework(
        interchange.shipped_document("competence-matters")
    ).framework
    services.adopt_framework(partnership=partnership, framework=framework)
    return framework


def results_heading(page: Any) -> str:
    return page.locator("#results-heading").inner_text().strip()


def answer(page: Any, questions: list[dict], yes_for: set[str]) -> None:
    """Answer every question: yes where its tier is in ``yes_for``."""
    for question in questions:
        group = page.get_by_role("group", name=question["text"])
        tier = question.get("tier") or question.get("tier_if_yes")
        group.get_by_label("Yes" if tier in yes_for else "No", exact=True).check()


def browse_filter_and_open_a_course(page: Any, live_server: Any, watch: PageWatch | None) -> None:
    """Open the catalogue, filter by Group B, open a course; axe checks each page if ``watch``."""
    page.goto(f"{live_server.url}/p/camden/catalogue/")
    assert heading(page) == "Catalogue"
    assert results_heading(page) == "68 courses"
    if watch:
        watch.check_accessibility(page, "catalogue")

    page.get_by_label("Tier").select_option(label="Group B")
    follow(page, page.get_by_role("button", name="Apply filters"))
    assert "tier=" in page.url
    assert results_heading(page) == "27 courses match your filters"
    if watch:
        watch.check_accessibility(page, "catalogue filtered by tier")

    follow(
        page,
        page.get_by_role("main").get_by_role(
            "link", name="Child protection conferences and core groups", exact=True
        ),
    )
    assert heading(page) == "Child protection conferences and core groups"
    assert page.get_by_role("heading", name="Upcoming dates").is_visible()
    if watch:
        watch.check_accessibility(page, "course page")


def test_a_visitor_browses_filters_opens_a_course_and_finds_their_training(
    live_server, browser, watch, partnership, london
):
    context = browser.new_context()
    page = context.new_page()
    watch.attach(page)

    browse_filter_and_open_a_course(page, live_server, watch)

    follow(page, page.get_by_role("link", name="Catalogue", exact=True).first)
    follow(page, page.get_by_role("link", name="Which training do I need?"))
    assert heading(page) == "Which training do I need?"
    watch.check_accessibility(page, "which training do I need?")

    # Nothing answered: the error summary names each question.
    follow(page, page.get_by_role("button", name="Find my tier"))
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("link").count() == len(london.questions)
    watch.check_accessibility(page, "which training: unanswered questions")

    answer(page, london.questions, yes_for={"B", "A"})
    follow(page, page.get_by_role("button", name="Find my tier"))
    assert page.get_by_role("heading", name="Your tier: Group B").is_visible()
    watch.check_accessibility(page, "which training: result")

    follow(page, page.get_by_role("link", name="General Practitioner", exact=True))
    assert heading(page) == "General Practitioner"
    assert page.get_by_text("Not in this catalogue: Domestic violence – Level 1 and 2").count() == 1
    watch.check_accessibility(page, "role pathway")

    follow(page, page.get_by_role("link", name="Pathways by role"))
    assert heading(page) == "Training pathways by role"
    watch.check_accessibility(page, "roles")

    context.close()
    print(f"axe checked {len(watch.pages_checked)} pages: {', '.join(watch.pages_checked)}")
    watch.assert_clean()


def test_the_catalogue_and_the_questions_work_without_javascript(
    live_server, browser, watch, partnership, london
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    watch.attach(page)

    # axe runs as a script, so it is left to the test with JavaScript on.
    browse_filter_and_open_a_course(page, live_server, None)

    page.goto(f"{live_server.url}/p/camden/catalogue/?category=specialist")
    page.get_by_label("Search courses").fill("domestic violence")
    follow(page, page.get_by_role("button", name="Apply filters"))
    assert "category=specialist" in page.url and "q=domestic+violence" in page.url
    assert re.fullmatch(r"\d+ courses? match your filters", results_heading(page))

    page.goto(f"{live_server.url}/p/camden/catalogue/which-training/")
    page.get_by_label("Your role").select_option(label="General Practitioner (Group B)")
    follow(page, page.get_by_role("button", name="Show my pathway"))
    assert heading(page) == "General Practitioner"

    page.goto(f"{live_server.url}/p/camden/catalogue/which-training/")
    answer(page, london.questions, yes_for=set())
    follow(page, page.get_by_role("button", name="Find my tier"))
    assert page.get_by_role("heading", name="Your tier: Introduction and foundation").is_visible()
    assert not page.evaluate("document.body.classList.contains('js-enabled')")

    context.close()
    watch.assert_clean()
