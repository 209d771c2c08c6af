"""Pages of the images domain: serving renditions."""
