"""The cache folder's keys: a BLAKE2b-256 digest from the interpreter's own module."""

from __future__ import annotations

import hashlib

from suitelint import diskcache


def test_keys_are_blake2b_256_digests():
    digest = diskcache.new_digest()
    digest.update(b"suitelint")
    digest.update(b"\x00" * 100_000)
    expected = hashlib.blake2b(b"suitelint" + b"\x00" * 100_000, digest_size=32)
    assert digest.hexdigest() == expected.hexdigest()
    assert len(digest.hexdigest()) == 64


def test_each_digest_starts_empty():
    first, second = diskcache.new_digest(), diskcache.new_digest()
    first.update(b"a")
    assert second.hexdigest() == hashlib.blake2b(b"", digest_size=32).hexdigest()
