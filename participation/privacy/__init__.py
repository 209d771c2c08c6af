"""Privacy (GDPR): a resident's own data, erasure, retention, and the log of staff access."""
