"""Evaluation and decisions (issue 5): criteria, reviews, aggregation, ranking, qualification,
assignment proposals, decisions and exports. See README.md in this folder.

Nothing is imported here on purpose: `guards.py` uses the pure modules (`aggregation`,
`consistency`, `queries`, `ranking`) while the services here import the engine, which imports
the guards; importing the modules one by one keeps that circle open.
"""
