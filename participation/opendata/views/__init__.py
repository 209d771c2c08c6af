"""Pages of the open-data domain."""
