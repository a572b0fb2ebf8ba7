"""Bridges: partner search and matchmaking across the Atlantic, from the CORDIS track record.

`evidence` indexes what organisations did (projects, roles, topics, fields, partners) up to a
year; `signals` turns a question into per-organisation evidence counts; `ranking` combines them
into suggestions with their reasons; `evaluation` measures the ranking against what happened
later, beside simple baselines computed in the same run.
"""
