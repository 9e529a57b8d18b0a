"""Renditions: the resized, metadata-free copies of photos that readers get."""
