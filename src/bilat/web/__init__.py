"""The observatory app: its pages, its JSON API router, and the site's layout and stylesheet.

It reads the warehouse through `bilat.serving` and answers downloads through
`bilat.downloads`; the project shell (`bilat.site`) mounts its URLs and router beside the
coordination apps'.
"""
