"""Prefect orchestration: thin flows that name, retry and sequence calls into the Prefect-free `zvit` code."""
