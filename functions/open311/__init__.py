"""The open status API (Open311 GeoReport v2) behind API Gateway."""
