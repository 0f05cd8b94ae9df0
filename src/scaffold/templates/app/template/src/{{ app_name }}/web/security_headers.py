"""Security headers on every response, as Django's SecurityMiddleware and Phoenix's
put_secure_browser_headers send them.

A pure ASGI middleware: it adds a few precomputed headers to the start of each response and
does nothing else, so it costs next to no time per request. A header a route sets itself
(`Referrer-Policy: no-referrer` on the pages whose address holds a token) is kept.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# What pages may load: this site's own scripts, styles, fonts and images only, no inline
# script (a script injected into a page does not run), and no framing by other sites.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",  # a file is what its content type says, nothing else
    "x-frame-options": "DENY",  # frame-ancestors, for browsers that predate it
    "referrer-policy": "strict-origin-when-cross-origin",  # other sites see the origin only
    "cross-origin-opener-policy": "same-origin",
}
# HTTPS only, from the first visit on, for a year: sent in prod, which is served over HTTPS.
HSTS = {"strict-transport-security": "max-age=31536000"}


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        headers = HEADERS | HSTS if hsts else HEADERS
        self.headers = [(name.encode(), value.encode()) for name, value in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                own = list(message.get("headers", []))
                present = {name.lower() for name, _ in own}
                message["headers"] = own + [h for h in self.headers if h[0] not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)
