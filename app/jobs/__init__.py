"""Jobs: a job built from its postings (``build``), read (``members``), rendered (``render``),
its change scope (``scope``), and the state one write batch carries (``batch``).

The floor under the road's stages (``ingest``, ``dedup``, ``search``) and the readers
(``services``, ``api``, ``web``): what they all need about a job lives here, so every arrow
between them points down.
"""
