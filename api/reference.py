"""The API's reference page at /api/v1/docs/: Swagger UI over the OpenAPI schema, served by the
portal itself under its Content-Security-Policy.

drf-spectacular's split view answers twice: the page, and (with `?script`) the script that starts
Swagger UI, as a file of its own, so that the page needs no inline script. Its stock page also
carries an inline <style> block, which the policy refuses: our template (templates/api/
reference.html) puts those three rules in static/css/api-reference.css instead. Swagger UI's
files come from drf-spectacular-sidecar through the static files (no CDN). What Swagger UI
styles at run time it sets through the DOM's style properties, which a CSP does not govern, so
the portal's policy holds unchanged on this page (tests/api/test_reference_page.py loads it in
chromium and fails on any policy violation).
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ReferenceView(SpectacularSwaggerSplitView):
    template_name = "api/reference.html"
    url_name = "api:schema"
