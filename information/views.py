"""The information sheet: a public page per language (no login: the QR code on the
printed sheet leads to it), and the country coordinator's edit page."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.log import record
from audit.models import Action

from .forms import SheetForm
from .models import SHEET_LANGUAGES, InformationSheet

LANGS = dict(SHEET_LANGUAGES)


def sections(body: str) -> list[tuple[str, str]]:
    """Paragraphs separated by an empty line; the first line of each is its heading."""
    out = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line for line in block.strip().split("\n") if line.strip()]
        if lines:
            heading, rest = (lines[0], "\n".join(lines[1:])) if len(lines) > 1 else ("", lines[0])
            out.append((heading, rest))
    return out


@require_GET
def sheet(request, lang: str | None = None):
    if lang is None:
        lang = request.LANGUAGE_CODE if request.LANGUAGE_CODE in LANGS else "uk"
        return redirect("information:sheet_lang", lang=lang)
    if lang not in LANGS:
        raise Http404
    title, body = InformationSheet.current().text(lang)
    url = request.build_absolute_uri(reverse("information:sheet_lang", kwargs={"lang": lang}))
    qr = segno.make(url, error="m").svg_inline(
        scale=4, border=2, title=url, light="#fff", omitsize=True, svgclass="qr-code"
    )
    return render(
        request,
        "information/sheet.html",
        {
            "lang": lang,
            "title": title,
            "sections": sections(body),
            "languages": SHEET_LANGUAGES,
            "url": url,
            "qr_svg": qr,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request):
    if not request.user.is_country_coordinator:
        raise PermissionDenied
    sheet_row = InformationSheet.current()
    form = SheetForm(request.POST or None, instance=sheet_row)
    if request.method == "POST" and form.is_valid():
        changed = form.changed_data
        row = form.save(commit=False)
        row.updated_by = request.user
        row.save()
        record(request.user, Action.INFO_SHEET, request=request, fields=changed)
        messages.success(request, _("The information sheet was saved."))
        return redirect("information:edit")
    return render(
        request,
        "information/edit.html",
        {"form": form, "languages": SHEET_LANGUAGES},
        status=400 if form.is_bound and form.errors else 200,
    )
