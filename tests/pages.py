"""Reading pages the way a browser would, for tests that post a form back."""

import re


def form_client_id(html: str, name: str = "client_id") -> str:
    """The hidden client_id a page's form was rendered with (what the browser sends back)."""
    match = re.search(rf'name="{re.escape(name)}" value="([0-9a-f-]{{36}})"', html)
    assert match is not None, f"the page has no hidden {name}"
    return match.group(1)
