"""One report's page and the actions on it; registering a report on a resident's behalf."""
