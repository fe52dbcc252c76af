"""Benchmarks: feed's tick cost against the tutorial's pandas code, in process and end to end."""
