"""Imported just before PyYAML (by :mod:`suitelint.yamlread`): makes ``import yaml`` cheap.

PyYAML's ``yaml.reader`` compiles, when imported, ``Reader.NON_PRINTABLE``: the characters
YAML refuses, written as a negated class of large ranges (:data:`PYYAML_NON_PRINTABLE`).
Python's regex compiler walks the 63,000 code points of those ranges one at a time: 57 M
instructions, more than reading, validating and compiling a policy file, paid by every
check that reads YAML without the policy cache (a CI runner starting empty).
:data:`NON_PRINTABLE_COMPLEMENT` names the same characters through small ranges and
compiles in ~4 M. ``re.compile`` looks a pattern up in ``re._cache`` by (type, pattern,
flags) before compiling it, so importing this module places the complement's compiled
pattern there under PyYAML's spelling, and PyYAML's own ``re.compile`` returns it.

Both match exactly the same characters: ``tests/test_yamlprime.py`` compares them on every
code point, and checks that PyYAML's reader holds the placed pattern (so a PyYAML that
changes its spelling fails the test instead of silently losing the saving). If ``re``
keeps no such cache (another Python), nothing is placed and PyYAML compiles its own
pattern, as before. Nothing else is changed: any other pattern compiles as it always does.
"""

from __future__ import annotations

import re

#: the pattern PyYAML's ``yaml.reader`` compiles when imported (``Reader.NON_PRINTABLE``)
PYYAML_NON_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
#: the same characters: every code point PyYAML's negated class does not list
NON_PRINTABLE_COMPLEMENT = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"


def prime() -> bool:
    """Place the pattern; True if ``re``'s cache now holds it under PyYAML's spelling."""
    cache = getattr(re, "_cache", None)
    if not isinstance(cache, dict):
        return False
    key = (str, PYYAML_NON_PRINTABLE, 0)
    if key not in cache:
        cache[key] = re.compile(NON_PRINTABLE_COMPLEMENT)
    return True


prime()
