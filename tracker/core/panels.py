"""Registries that let each domain app add to shared pages without editing them.

- Navigation links, per role: `register_nav(...)` in an app's `AppConfig.ready()`.
- Home-page panels: `register_home_panel(...)`; a panel is a function
  `(request) -> dict | None` returning the context for its template, or None to hide.
- Content for a patient's day: `register_content_for_today(fn)`, `fn(patient, today) -> [dict]` (the support
  sessions the psych app delivers, shown on the rehab app's "today" without either importing the other).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...]
    order: int


@dataclass(frozen=True)
class HomePanel:
    template: str
    roles: tuple[str, ...]
    order: int
    context: Callable


_NAV: list[NavItem] = []
_PANELS: list[HomePanel] = []
_TODAY_CONTENT: list[Callable] = []


def register_nav(*, label, url_name: str, roles: tuple[str, ...], order: int = 50) -> None:
    if not any(item.url_name == url_name for item in _NAV):
        _NAV.append(NavItem(label, url_name, tuple(roles), order))


def register_home_panel(*, template: str, roles: tuple[str, ...], order: int = 50, context: Callable) -> None:
    if not any(panel.template == template for panel in _PANELS):
        _PANELS.append(HomePanel(template, tuple(roles), order, context))


def nav_for(user) -> list[dict]:
    items = sorted((i for i in _NAV if user.role in i.roles), key=lambda i: i.order)
    return [{"label": i.label, "url": reverse(i.url_name), "url_name": i.url_name} for i in items]


def home_panels_for(request) -> list[dict]:
    shown = []
    for panel in sorted(_PANELS, key=lambda p: p.order):
        if request.user.role not in panel.roles:
            continue
        context = panel.context(request)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return shown


def register_content_for_today(provider: Callable) -> None:
    if provider not in _TODAY_CONTENT:
        _TODAY_CONTENT.append(provider)


def content_for_today(patient, today) -> list[dict]:
    return [item for provider in _TODAY_CONTENT for item in provider(patient, today)]
