"""Pieces shared by every domain app: the public-identifier base model, confidentiality."""
