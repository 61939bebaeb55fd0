"""The data-quality gate: every rule of the catalogue checked on a batch of reports in one Great Expectations run.

Nothing is imported here: `zvit.quality.findings` is the vocabulary every layer uses, and importing the package
must not pull in the gate.
"""
