"""Write ``docs/rules/*.md`` from the built-in packs and the engine's rules.

Usage: ``python scripts/build_rule_docs.py`` (write) or ``--check`` (exit 1 if a page is
missing, stale or left over). Run it after changing a rule's text in ``policies/``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from suitelint.rulepages import PAGES_FOLDER, build_pages

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only compare; write nothing")
    args = parser.parse_args(argv)
    pages = build_pages()
    folder = ROOT / PAGES_FOLDER
    present = (
        {p.relative_to(ROOT).as_posix() for p in folder.rglob("*.md")} if folder.exists() else set()
    )
    stale = sorted(
        path
        for path, text in pages.items()
        if not (ROOT / path).is_file() or (ROOT / path).read_text("utf-8") != text
    )
    extra = sorted(present - set(pages))
    if args.check:
        for path in stale:
            print(f"{path}: missing or stale", file=sys.stderr)
        for path in extra:
            print(f"{path}: no such rule", file=sys.stderr)
        return 1 if stale or extra else 0
    for path in stale:
        target = ROOT / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(pages[path], encoding="utf-8", newline="")
        print(f"wrote {path}")
    for path in extra:
        (ROOT / path).unlink()
        print(f"removed {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
