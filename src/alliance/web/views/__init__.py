"""The cockpit's views, one module per area; URLs in ``alliance.web.urls``."""
