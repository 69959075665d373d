"""Running Meldpunt: scheduled jobs, commands, demo data and bulk inserts."""
