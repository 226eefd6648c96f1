"""Pydantic request/response models, one file per resource."""
