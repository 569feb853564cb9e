from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The top of the app graph: pages and commands that compose the other apps (the home
    page with its dashboard, the demo data). Nothing imports from here."""

    name = "home"
    verbose_name = _("Home")
