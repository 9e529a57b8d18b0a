"""Curated fronts: the stories editors pin to the home and section pages, and the
breaking-news banner shown on every public page."""
