"""Read what a person would see on a page, with the standard library's HTML parser."""

from html.parser import HTMLParser

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}


class _LinkCollector(HTMLParser):
    """Links (text, href) inside elements carrying ``css_class``, or anywhere if None."""

    def __init__(self, css_class: str | None) -> None:
        super().__init__()
        self.css_class = css_class
        self.depth_inside = 0 if css_class else 1
        self.stack: list[bool] = []
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag in VOID_ELEMENTS:
            return
        opens = bool(self.css_class) and self.css_class in (attributes.get("class") or "").split()
        self.stack.append(opens)
        if opens:
            self.depth_inside += 1
        if tag == "a" and self.depth_inside:
            self._href, self._text = attributes.get("href") or "", []

    def handle_endtag(self, tag) -> None:
        if tag in VOID_ELEMENTS:
            return
        if tag == "a" and self._href is not None:
            self.links.append((" ".join("".join(self._text).split()), self._href))
            self._href = None
        if self.stack and self.stack.pop():
            self.depth_inside -= 1

    def handle_data(self, data) -> None:
        if self._href is not None:
            self._text.append(data)


def links(html: str, *, within: str | None = None) -> list[tuple[str, str]]:
    """``[(text, href)]`` of the page's links, only inside ``within`` (a CSS class) if given."""
    collector = _LinkCollector(within)
    collector.feed(html)
    return collector.links


def error_summary_links(response) -> dict[str, str]:
    """``{message: href}`` from the GOV.UK error summary; fails if the page has none."""
    assert "govuk-error-summary" in response.text, "the page has no error summary"
    return dict(links(response.text, within="govuk-error-summary"))
