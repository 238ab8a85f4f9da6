"""Batch renders: job files, shots run locally or as Ray tasks, and their summary."""
