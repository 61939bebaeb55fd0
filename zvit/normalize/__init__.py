"""Turning the text of report cells and header lines into typed values."""
