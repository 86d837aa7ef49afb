"""The browser checks fail when they should: a check that cannot fail proves nothing."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_csp_violations_missing_static_files_and_axe_failures_are_all_reported(
    live_server, browser, watch
):
    from playwright.sync_api import Error as PlaywrightError

    context = browser.new_context()
    page = context.new_page()
    watch.attach(page)
    page.goto(f"{live_server.url}/")

    # An inline script without the page's nonce: the Content-Security-Policy refuses it.
    with pytest.raises(PlaywrightError):
        page.add_script_tag(content="window.injected = true;")
    assert not page.evaluate("window.injected === true")

    with page.expect_response(lambda response: "no-such-file.css" in response.url):
        page.evaluate(
            """() => {
                const link = document.createElement("link");
                link.rel = "stylesheet";
                link.href = "/static/no-such-file.css";
                document.head.append(link);
            }"""
        )
    page.evaluate(
        """() => {
            const image = document.createElement("img");
            image.src = "/static/govuk/assets/images/favicon.svg";
            document.querySelector("main").append(image);
        }"""
    )
    watch.check_accessibility(page, "start page with an image without alt text")
    context.close()

    with pytest.raises(AssertionError) as failure:
        watch.assert_clean()
    report = str(failure.value)
    assert "Content Security Policy" in report
    assert "image-alt" in report
    assert f"404 {live_server.url}/static/no-such-file.css" in report
