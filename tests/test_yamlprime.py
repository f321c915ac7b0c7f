"""``suitelint.yamlprime``: PyYAML's import compiles its pattern of refused characters from
a cheaper spelling of the same characters (see the module's docstring for why)."""

from __future__ import annotations

import re
import subprocess
import sys

from suitelint import yamlprime


def test_both_spellings_match_exactly_the_same_code_points():
    every = "".join(map(chr, range(0x110000)))
    # re.UNICODE is implied for str patterns; passing it compiles PyYAML's spelling
    # afresh (another cache key) instead of returning the pattern placed in the cache
    pyyaml = re.compile(yamlprime.PYYAML_NON_PRINTABLE, re.UNICODE)
    primed = re.compile(yamlprime.NON_PRINTABLE_COMPLEMENT)
    assert pyyaml is not primed
    refused = [m.start() for m in pyyaml.finditer(every)]
    assert refused == [m.start() for m in primed.finditer(every)]
    assert len(refused) == 2111  # C0 controls but tab and newlines, DEL, C1, surrogates...


def test_pyyamls_reader_holds_the_primed_pattern_in_a_fresh_interpreter():
    """If PyYAML changes its spelling, the key no longer matches: this fails instead of
    the saving going away unnoticed."""
    code = (
        "import suitelint.yamlread, yaml.reader\n"
        "from suitelint import yamlprime\n"
        "pattern = yaml.reader.Reader.NON_PRINTABLE\n"
        "assert pattern.pattern == yamlprime.NON_PRINTABLE_COMPLEMENT, pattern.pattern\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_pure_reader_still_refuses_what_it_refused():
    import yaml

    for text in ("a: \x07\n", "a: \ud800\n", "a: \ufffe\n", "a: \x1b[0m\n"):
        try:
            yaml.load(text, Loader=yaml.SafeLoader)
        except yaml.reader.ReaderError as error:
            assert error.position == 3
        else:
            raise AssertionError(f"{text!r} read as printable")
    assert yaml.load("a: b\u00e9\U0001f600\n", Loader=yaml.SafeLoader) == {"a": "b\u00e9\U0001f600"}


def test_priming_again_keeps_the_pattern_in_place():
    """A second prime (or one after PyYAML compiled its own) replaces nothing."""
    assert yamlprime.prime()
    placed = re.compile(yamlprime.PYYAML_NON_PRINTABLE)
    assert yamlprime.prime()
    assert re.compile(yamlprime.PYYAML_NON_PRINTABLE) is placed
