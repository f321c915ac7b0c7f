"""Policies: loading YAML documents, compiling them into rules, the assertion kinds."""
