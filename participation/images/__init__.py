"""Images: uploads checked by their content, re-encoded without metadata, kept in a few widths."""
