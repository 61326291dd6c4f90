"""The security headers every answer of the public sites carries, a page, a file or a redirect
alike, and the caching each kind of answer allows."""

from __future__ import annotations

# Browsers that no longer need to use a feature are told never to.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
HSTS = "max-age=31536000; includeSubDomains"
NO_STORE = "no-store"
# A page that answers a post: the browser may keep it for Back, nobody else may keep it.
PRIVATE_HISTORY = "private, no-cache"
ASSET_CACHE = "public, max-age=86400"


def security_headers(*, secure: bool, script_nonce: str | None = None) -> dict[str, str]:
    """The headers every response carries, a page, a file or a redirect alike."""
    if script_nonce is None:
        # Not a page (a style sheet, a script, a redirect): it may load nothing.
        policy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    else:
        policy = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{script_nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        )
    headers = {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        # The confirmation address carries a receipt; never pass it on to another site.
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": PERMISSIONS_POLICY,
    }
    if secure:
        headers["Strict-Transport-Security"] = HSTS
    return headers
