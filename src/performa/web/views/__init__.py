"""Views, one module per area of the app; each view checks access on its first line."""
