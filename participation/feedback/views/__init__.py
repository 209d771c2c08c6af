"""Views of the feedback domain, split by audience: residents (public) and staff."""
