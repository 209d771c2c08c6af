"""Places: venues as records of their own (address, coordinates, district, access facts)."""
