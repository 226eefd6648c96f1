"""Outbound HTTP, shared by feed sync and webhooks: ``fetch`` (a safe GET with retries, caps and
one deadline), ``guard`` (the SSRF guard: URL checks and a connect-time address check),
``errors`` (typed failures), ``retry`` and ``content_coding``. No database."""
