"""MkDocs hook: the language switcher goes straight to the same page in the other language,
offline, on any host, without fetching anything first.

mkdocs-static-i18n already gives each page's switcher the URL of that very page in the other
language (``../../en/guide/2-trigger/``). Material also writes those URLs in the page's
``<head>`` as ``<link rel="alternate" hreflang>`` and, for each one, its JavaScript fetches
``sitemap.xml`` *under that URL* (``/en/guide/2-trigger/sitemap.xml``), meant for sites whose
alternates are language roots. Those files exist nowhere, whatever ``site_url`` says: every
page logged two 404s, and a click on the switcher took a detour through the sitemap logic
(the page's URL without its trailing slash, then a redirect).

Without the ``<head>`` links, the theme has nothing to fetch and leaves the click alone: the
switcher's own link, relative, lands on the same page. (They only hint search engines at the
other language; this guide is read from the reader's own sandbox, and the switcher links
themselves carry ``hreflang``.)
"""

from __future__ import annotations

import re
from typing import Any

ALTERNATE = re.compile(r'[ \t]*<link\b(?=[^>]*\brel="alternate")(?=[^>]*\bhreflang=)[^>]*>\n?')


def on_post_page(output: str, page: Any, config: Any) -> str:
    head_end = output.find("</head>")
    if head_end == -1:
        return output
    return ALTERNATE.sub("", output[:head_end]) + output[head_end:]
