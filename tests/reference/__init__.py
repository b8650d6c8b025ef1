"""Verbatim copies of earlier implementations, kept as oracles the tests compare the current code with."""
