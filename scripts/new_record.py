#!/usr/bin/env python3
"""Write the next-numbered ADR or RFC from the handbook's template.

    make adr title="Use PostgreSQL for queues"            # -> docs/engineering/adr/0007-use-postgresql-for-queues.md
    make adr title="Queue jobs in Redis" supersedes=7     # also marks ADR-0007 superseded by the new one
    make rfc title="Page ownership"

Refuses, with a message and exit status 2, a title with no letters or digits, a number that is
taken, or a supersedes target that does not exist. Writes nothing unless everything checks out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "conf"))

from handbook.records import model  # noqa: E402

RECORD_DIRS = {"adr": "engineering/adr", "rfc": "engineering/rfcs"}
TEMPLATE_DIR = "engineering/templates"


class Refusal(Exception):
    """A writer's mistake: printed as one line, never as a traceback."""


def today() -> dt.date:
    # SOURCE_DATE_EPOCH pins "today" for reproducible runs and tests.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch else dt.date.today()


def existing_records(folder: Path) -> dict[int, Path]:
    found: dict[int, Path] = {}
    for path in sorted(folder.glob("*.md")):
        match = re.match(r"(\d+)-", path.name)
        if match:
            found.setdefault(int(match.group(1)), path)
    return found


def render_template(template: str, number: int, title: str, date: dt.date) -> str:
    return (template.replace("{{number}}", f"{number:04d}")
            .replace("{{title}}", title)
            .replace("{{date}}", date.isoformat()))


def add_supersedes(text: str, old_number: int) -> str:
    """Give the new record ``supersedes: [N]`` in its front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise Refusal("the template has no front matter to add 'supersedes' to")
    end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    lines.insert(end, f"supersedes: [{old_number}]\n")
    return "".join(lines)


def mark_superseded(text: str, new_number: int, date: dt.date, path: Path) -> str:
    """Set ``status: superseded``, ``superseded-by`` and the date in an old record's front matter.

    Edits those lines only, so the writer's comments, order and prose are kept as they are.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise Refusal(f"{path}: has no front matter; cannot mark it superseded")
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() in ("---", "..."))
    except StopIteration:
        raise Refusal(f"{path}:1: front matter is never closed; cannot mark it superseded") from None
    fields = {"status": "superseded", "superseded-by": str(new_number), "date": date.isoformat()}
    for i in range(1, end):
        key = lines[i].split(":", 1)[0].strip()
        if key in fields and ":" in lines[i] and not lines[i][:1].isspace():
            lines[i] = f"{key}: {fields.pop(key)}\n"
    lines[end:end] = [f"{key}: {value}\n" for key, value in fields.items()]
    return "".join(lines)


def create(kind_name: str, title: str, source: Path, supersedes: str | None = None,
           number: str | None = None) -> list[Path]:
    kind = model.KINDS[kind_name]
    title = " ".join(title.split())
    slug = model.slugify(title)
    if not slug:
        raise Refusal(f"title {title!r} has no letters or digits to name the file with; "
                      f'give a title such as title="Use PostgreSQL for queues"')
    folder = source / RECORD_DIRS[kind_name]
    template_path = source / TEMPLATE_DIR / f"{kind_name}.md.tmpl"
    if not template_path.is_file():
        raise Refusal(f"template {template_path} is missing")
    records = existing_records(folder) if folder.is_dir() else {}

    if number is not None:
        wanted = model.parse_number(number)
        if wanted is None or wanted == 0 or wanted > 9999:
            raise Refusal(f"number {number!r} is not a record number from 1 to 9999")
        if wanted in records:
            raise Refusal(f"{kind.record_id(wanted)} is taken by {records[wanted]}; "
                          f"the next free number is {max(records) + 1:04d}")
        new_number = wanted
    else:
        new_number = max(records, default=0) + 1

    old_path, old_number = None, None
    if supersedes is not None:
        if kind_name != "adr":
            raise Refusal(f"{kind.label}s do not supersede each other; only ADRs take supersedes=N")
        old_number = model.parse_number(supersedes)
        if old_number is None or old_number not in records:
            raise Refusal(f"supersedes={supersedes}: there is no {kind.label} with that number in {folder}")
        old_path = records[old_number]

    date = today()
    new_path = folder / f"{new_number:04d}-{slug}.md"
    text = render_template(template_path.read_text(encoding="utf-8"), new_number, title, date)
    if old_path is not None and old_number is not None:
        text = add_supersedes(text, old_number)
        old_text = mark_superseded(old_path.read_text(encoding="utf-8"), new_number, date, old_path)

    # Everything checked: now write, the new record first so an old one never points at nothing.
    folder.mkdir(parents=True, exist_ok=True)
    with open(new_path, "x", encoding="utf-8") as handle:  # "x": never overwrite a record
        handle.write(text)
    written = [new_path]
    if old_path is not None:
        old_path.write_text(old_text, encoding="utf-8")
        written.append(old_path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=sorted(model.KINDS))
    parser.add_argument("--title", required=True, help="the record's title, e.g. 'Use PostgreSQL for queues'")
    parser.add_argument("--source", default="docs", type=Path, help="the handbook's source tree (default: docs)")
    parser.add_argument("--supersedes", help="number of the ADR the new one replaces")
    parser.add_argument("--number", help="use this number instead of the next free one")
    args = parser.parse_args(argv)
    try:
        written = create(args.kind, args.title, args.source, args.supersedes, args.number)
    except Refusal as refusal:
        print(f"make {args.kind}: {refusal}", file=sys.stderr)
        return 2
    except FileExistsError as error:
        print(f"make {args.kind}: {error.filename} already exists; choose another title", file=sys.stderr)
        return 2
    print(f"Wrote {written[0]}")
    for path in written[1:]:
        print(f"Marked {path} superseded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
