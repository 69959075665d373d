"""The resident's pages and what every page shares: errors and request ids, security headers, the session cookie,
template helpers."""
