"""Linking a chat to a verified person: consent now; the deep-link OIDC flow comes next."""
