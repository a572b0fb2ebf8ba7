"""The coordination side of bilat: stakeholders, events, recommendations and awareness.

One Django app per domain, each with the same shape (models, operations, views, forms, urls,
admin, templates). Every change goes through an `operations` verb that writes the change log
(`audit`), so the views, the admin, the imports and the CLI leave the same trace.
"""
