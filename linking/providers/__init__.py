"""Identity providers the linking flow signs people in with: ESIA (and the sandbox ESIA, which
speaks the same protocol) and any standard OpenID Connect provider."""
