"""Records the observatory shows one by one or lists: organisations, projects, and the
filterable tables of participations and projects."""
