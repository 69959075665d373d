"""The resident's pages and what every page shares: errors, security headers, template helpers."""
