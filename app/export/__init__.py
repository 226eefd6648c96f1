"""Exports for those who do not integrate: JSON-LD JobPosting, RSS/Atom feeds, CSV.

Pure functions from Job documents (``app.jobs.render.render_jobs``) to bytes; the
routes in ``app.api.exports`` feed them from the search service.
"""
