"""Seeding: the reference data in ``seeds/`` and the demo scenario.

A package above the areas: it builds records through the areas' models and
services (the demo publishes an agenda and opens consultations the way the
secretariat would), and nothing in an area imports it. ``flask seed`` and
``flask seed --demo`` run it.
"""
