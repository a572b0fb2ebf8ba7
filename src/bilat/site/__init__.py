"""The Django project shell: settings, the URL table, the WSGI entry point and the API root.

It assembles the apps and nothing imports it: the observatory (`bilat.web`) and the
coordination apps (`bilat.coordination`) each bring their pages, URLs and API router, and the
shell mounts them. What both sides need from below (files to download, the served warehouse)
lives in `bilat.downloads` and `bilat.serving`.
"""
