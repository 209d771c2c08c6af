"""Open data: the public datasets, their downloads and their DCAT-AP catalogue description."""
