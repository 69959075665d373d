"""Reference data admins keep: categories and their terms, causes, standard texts."""
