"""Pure domain code: no file, clock or sheet access (stdlib only)."""
