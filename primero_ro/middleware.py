"""A Content-Security-Policy header on every response.

Django 5.2 has no CSP of its own. Scripts and styles come from our own static files;
'unsafe-inline' stays for scripts because a few pages still use an inline handler
(referrals: onsubmit/onclick, registration's done page: one <script>) and for styles because
templates and the SVG charts use style attributes. 'unsafe-eval' stays because Playwright's
string predicates (page.wait_for_function) in the browser tests are evaluated in the page;
our own scripts use no eval. The rest (no plug-ins, no foreign
scripts, forms only to us, never framed) holds in full.
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
