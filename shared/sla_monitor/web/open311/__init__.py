"""The Open311 GeoReport v2 read API over the council's published cases."""
