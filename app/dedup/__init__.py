"""Cross-source deduplication: one vacancy, one job, every source kept.

``names`` and ``titles`` normalise employer names and job titles; ``signature`` turns a
posting or a job into comparable features and block hashes; ``features`` scores a pair;
``assigner`` is the ``JobAssigner`` on the road in; ``employers`` keeps employer identity
and name variants; ``admin`` explains and overrides; ``queries`` holds the SQL.
"""
