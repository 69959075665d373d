"""Staff: accounts and two-factor log-in, roles and teams, who may see which report."""
