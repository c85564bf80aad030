"""Pilot delivery and reporting (issue 6): micro-credential descriptions in tenders, pilots
with cohorts and milestones, certificates (Open Badges 3.0, European Learning Model), reports,
the ministry's view across pilots, and OCDS release packages. See README.md in this folder.

Kept free of imports: `rules` and `forms` are used by the workflow definitions, which the
engine imports, and the services here import the engine.
"""
