"""tracker.core.templatetags.phone_links: phone numbers in text become tap-to-call links, nothing else does."""

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe

from tracker.core.templatetags.phone_links import link_phone_numbers, tel_uri


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "Samaritans: call 116 123, free, any time",
            'Samaritans: call <a class="tel" href="tel:116123">116 123</a>, free, any time',
        ),
        ("on +44 20 7946 0000 now", 'on <a class="tel" href="tel:+442079460000">+44 20 7946 0000</a> now'),
        ("phone (020) 7946-0000.", 'phone <a class="tel" href="tel:02079460000">(020) 7946-0000</a>.'),
        (
            "Call 999 or dial 112",
            'Call <a class="tel" href="tel:999">999</a> or dial <a class="tel" href="tel:112">112</a>',
        ),
        ("open 24 hours, 7 days a week", "open 24 hours, 7 days a week"),  # short numbers without "call" stay text
        ("Shout: text 85258", "Shout: text 85258"),  # a texting number is not a call
        ("since 2026-05-04", "since 2026-05-04"),  # dates are not phone numbers
        ("<b>116 123</b>", '&lt;b&gt;<a class="tel" href="tel:116123">116 123</a>&lt;/b&gt;'),  # text is escaped
    ],
)
def test_numbers_in_plain_text(text, html):
    assert link_phone_numbers(text) == html


def test_in_safe_html_only_text_outside_links_is_touched():
    html = mark_safe('<p>Call <a href="tel:116123">116 123</a> or 0800 689 5652</p>')
    assert link_phone_numbers(html) == (
        '<p>Call <a href="tel:116123">116 123</a> or <a class="tel" href="tel:08006895652">0800 689 5652</a></p>'
    )


def test_template_filters():
    out = Template("{% load phone_links %}{{ line|tel_links }}|{{ number|tel_href }}").render(
        Context({"line": "call 116 123", "number": "+44 20 7946 0000"})
    )
    assert out == 'call <a class="tel" href="tel:116123">116 123</a>|tel:+442079460000'
    assert tel_uri("no digits") == ""
