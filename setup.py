"""Packages for the wheel; everything else is in pyproject.toml.

The migrations stay at the repository's top level (``alembic/``, where the layout wants
them) and ship inside the package as ``app.migrations``, so ``hub migrate`` finds them in an
installed wheel too (``app.migrate`` looks beside the source tree first, then there).
"""

from setuptools import find_namespace_packages, setup

setup(
    # Namespace discovery: data folders (app/web/static, app/normalize/data, ...) are packages too.
    packages=[*find_namespace_packages(include=["app", "app.*"], exclude=["*.__pycache__"]),
              "app.migrations", "app.migrations.versions"],
    package_dir={"app.migrations": "alembic"},
)
