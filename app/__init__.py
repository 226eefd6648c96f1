"""Hub 24365. ``__version__`` is the one place the version is written: the package metadata
(pyproject.toml reads it), ``hub --version`` and the OpenAPI document's ``info.version``."""

__version__ = "1.0.0"
