"""The OAuth server: apps, grants, tokens, the consent and device pages."""
