"""The events pages, one module per audience (public, manage, staff, admin)."""
