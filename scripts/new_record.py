#!/usr/bin/env python3
"""Write a new ADR, RFC or runbook from the handbook's templates.

    make adr title="Use PostgreSQL for queues"          # -> docs/engineering/adr/0007-use-postgresql-for-queues.md
    make adr title="Queue jobs in Redis" supersedes=7   # also marks ADR-0007 superseded by the new one
    make rfc title="Page ownership"
    make runbook title="Restore a backup"              # -> docs/engineering/runbooks/restore-a-backup.md

Refuses, with one line and exit status 2, a title that is empty, spans lines or has no letters or
digits, a number that is taken, and a supersedes=N that the lifecycle does not allow (ADR-0007).
Writes nothing unless everything checks out. Imports nothing of Sphinx, so it starts at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "conf"))

from handbook import dates  # noqa: E402
from handbook.frontmatter import front_matter_end, read_front_matter  # noqa: E402
from handbook.records import names, scaffolding  # noqa: E402
from handbook.records.kinds import KINDS, RecordKind, parse_number  # noqa: E402


class Refusal(Exception):
    """A writer's mistake: printed as one line, never as a traceback."""


def folders_from_conf(conf_dir: Path | None) -> scaffolding.Folders:
    """Where records, runbooks and templates live, as the build will look for them: conf.py's
    ``handbook_record_dirs``, ``handbook_runbook_dir`` and ``handbook_template_dir`` when it sets
    them. conf.py is run as Sphinx runs it (from its own folder), without loading Sphinx."""
    if conf_dir is None or not (conf_dir / "conf.py").is_file():
        return scaffolding.DEFAULT_FOLDERS
    path = (conf_dir / "conf.py").resolve()
    namespace: dict[str, Any] = {"__file__": str(path), "__name__": "conf"}
    saved = os.getcwd()
    try:
        os.chdir(path.parent)
        exec(compile(path.read_bytes(), str(path), "exec"), namespace)  # noqa: S102 (Sphinx does the same)
    except Exception as error:  # a broken conf.py is the writer's to fix, named in one line
        raise Refusal(f"{path} could not be read ({type(error).__name__}: {error}); "
                      "fix it (make html shows the same error)") from None
    finally:
        os.chdir(saved)
    records = namespace.get("handbook_record_dirs", scaffolding.DEFAULT_RECORD_DIRS)
    return scaffolding.Folders(
        records={**scaffolding.DEFAULT_RECORD_DIRS, **records},
        runbooks=namespace.get("handbook_runbook_dir", scaffolding.DEFAULT_RUNBOOK_DIR),
        templates=namespace.get("handbook_template_dir", scaffolding.DEFAULT_TEMPLATE_DIR))


def existing_records(folder: Path) -> dict[int, Path]:
    found: dict[int, Path] = {}
    for path in sorted(folder.glob("*.md")):
        match = re.match(r"(\d+)-", path.name)
        if match:
            found.setdefault(int(match.group(1)), path)
    return found


def checked_title(title: str | None, kind_name: str) -> str:
    example = f'make {kind_name} title="Use PostgreSQL for queues"'
    if title is None or not title.strip():
        raise Refusal(f"give the new page a title: {example}")
    if any(char in title for char in "\n\r\v\f\x85\u2028\u2029"):
        raise Refusal(f"the title spans more than one line; give it on one line: {example}")
    title = " ".join(title.split())
    if not any(char.isalnum() for char in title):
        raise Refusal(f"title {title!r} has no letters or digits to name the file with; give a title such as "
                      f'title="Use PostgreSQL for queues"')
    return title


def add_supersedes(text: str, old_number: int) -> str:
    """Give the new record ``supersedes: [N]`` in its front matter."""
    lines = text.split("\n")
    end = front_matter_end(lines)
    if end is None:
        raise Refusal("the ADR template has no closed front matter to add 'supersedes' to; fix the template")
    lines.insert(end, f"supersedes: [{old_number}]")
    return "\n".join(lines)


def mark_superseded(text: str, new_number: int, date: dt.date, path: Path) -> str:
    """Set ``status: superseded``, ``superseded-by`` and the date in an old record's front matter.

    Edits those lines only, so the writer's comments, order and prose are kept as they are.
    """
    lines = text.split("\n")
    end = front_matter_end(lines)
    if end is None:
        raise Refusal(f"{path}:1: has no closed front matter; cannot mark it superseded")
    fields = {"status": "superseded", "superseded-by": str(new_number), "date": date.isoformat()}
    for i in range(1, end):
        key = lines[i].split(":", 1)[0].strip()
        if key in fields and ":" in lines[i] and not lines[i][:1].isspace():
            lines[i] = f"{key}: {fields.pop(key)}" + ("\r" if lines[i].endswith("\r") else "")
    lines[end:end] = [f"{key}: {value}" for key, value in fields.items()]
    return "\n".join(lines)


def replaceable(kind: RecordKind, number: int, path: Path) -> None:
    """Refuse to supersede a record the lifecycle (ADR-0007) says cannot be superseded now."""
    record_id = kind.record_id(number)
    front = read_front_matter(path.read_text(encoding="utf-8-sig"))
    if front.problems:
        problem = front.problems[0]
        raise Refusal(f"{path}:{problem.line}: {problem.message}; fix {record_id} before superseding it")
    status = str(front.values.get("status", "")).strip().lower()
    successor = parse_number(front.values.get("superseded-by", ""), kind)
    if status == "superseded" or successor is not None:
        current = kind.record_id(successor) if successor is not None else "another record"
        raise Refusal(f"{record_id} is already superseded by {current}; supersede that one instead"
                      + (f" (supersedes={successor})" if successor is not None else ""))
    if status not in kind.replaceable:
        allowed = ", ".join(sorted(kind.replaceable))
        raise Refusal(f"{record_id} is {status or 'without a status'}; only a record that is {allowed} can be "
                      f"superseded ({kind.why_not_replaceable.get(status, 'see ADR-0007')})")


def add_to_toctree(index: Path, entry: str) -> bool:
    """Append ``entry`` to the one plain toctree of a section's index page, if it has exactly one."""
    if not index.is_file():
        return False
    lines = index.read_text(encoding="utf-8").split("\n")
    opening = [(i, match.group(1)) for i, line in enumerate(lines)
               if (match := re.match(r"^(```+|:::+)\{toctree\}", line))]
    if len(opening) != 1:
        return False
    [(start, fence)] = opening
    ends = [i for i in range(start + 1, len(lines)) if lines[i].strip() == fence]
    body = lines[start + 1:ends[0]] if ends else []
    if not ends or any(line.strip() == ":glob:" for line in body):
        return False
    lines.insert(ends[0], entry)
    index.write_text("\n".join(lines), encoding="utf-8")
    return True


def create(kind_name: str, title: str | None, source: Path, supersedes: str | None = None,
           number: str | None = None, folders: scaffolding.Folders = scaffolding.DEFAULT_FOLDERS) -> list[Path]:
    title = checked_title(title, kind_name)
    kind = KINDS.get(kind_name)
    if supersedes is not None and (kind is None or not kind.supersedes):
        what = f"{kind.label}s" if kind else "runbooks"
        raise Refusal(f"{what} do not supersede one another; only ADRs take supersedes=N "
                      "(link the earlier page in the text instead)")
    if number is not None and kind is None:
        raise Refusal("runbooks have no number; leave out number=N")
    folder = source / folders.folder_of(kind_name)
    template_path = source / folders.templates / f"{kind_name}.md.tmpl"
    if not template_path.is_file():
        raise Refusal(f"template {template_path} is missing")
    slug = names.slugify(title)
    date = dates.writers_today()  # never SOURCE_DATE_EPOCH, the last commit's time

    if kind is None:  # a runbook: named by its title alone
        new_path = folder / f"{slug or 'runbook'}.md"
        text = scaffolding.fill_template(template_path.read_text(encoding="utf-8"),
                                         {"title": title, "date": date.isoformat()})
        folder.mkdir(parents=True, exist_ok=True)
        with open(new_path, "x", encoding="utf-8") as handle:  # "x": never overwrite a page
            handle.write(text)
        return [new_path]

    records = existing_records(folder) if folder.is_dir() else {}
    if number is not None:
        wanted = parse_number(number)
        if wanted is None or wanted == 0 or wanted > 9999:
            raise Refusal(f"number {number!r} is not a record number from 1 to 9999")
        if wanted in records:
            raise Refusal(f"{kind.record_id(wanted)} is taken by {records[wanted]}; "
                          f"the next free number is {max(records) + 1:04d}")
        new_number = wanted
    else:
        new_number = max(records, default=0) + 1
        if new_number > 9999:
            raise Refusal(f"{kind.record_id(9999)} is the last record number; pick a free one with number=N")

    old: tuple[int, Path] | None = None
    if supersedes is not None:
        old_number = parse_number(supersedes, kind)
        if old_number is None or old_number not in records:
            raise Refusal(f"supersedes={supersedes}: there is no {kind.label} with that number in {folder}")
        old = old_number, records[old_number]
        replaceable(kind, *old)

    new_path = folder / f"{new_number:04d}-{slug or 'record'}.md"
    text = scaffolding.fill_template(template_path.read_text(encoding="utf-8"),
                                     {"number": f"{new_number:04d}", "title": title, "date": date.isoformat()})
    if old is not None:
        old_number, old_path = old
        text = add_supersedes(text, old_number)
        old_text = mark_superseded(old_path.read_text(encoding="utf-8"), new_number, date, old_path)

    # Everything checked: now write, the new record first so an old one never points at nothing.
    folder.mkdir(parents=True, exist_ok=True)
    with open(new_path, "x", encoding="utf-8") as handle:  # "x": never overwrite a record
        handle.write(text)
    written = [new_path]
    if old is not None:
        old_path.write_text(old_text, encoding="utf-8")
        written.append(old_path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=[*sorted(KINDS), "runbook"])
    parser.add_argument("--title", help="the page's title, e.g. 'Use PostgreSQL for queues' "
                                        "(default: $HANDBOOK_TITLE, which the Makefile sets untouched)")
    parser.add_argument("--source", default="docs", type=Path, help="the handbook's source tree (default: docs)")
    parser.add_argument("--conf", default=None, type=Path, help="the folder of conf.py, for moved folders")
    parser.add_argument("--supersedes", default=os.environ.get("HANDBOOK_SUPERSEDES"),
                        help="number of the ADR the new one replaces (default: $HANDBOOK_SUPERSEDES)")
    parser.add_argument("--number", default=os.environ.get("HANDBOOK_NUMBER"),
                        help="use this number instead of the next free one (default: $HANDBOOK_NUMBER)")
    args = parser.parse_args(argv)
    title = args.title if args.title is not None else os.environ.get("HANDBOOK_TITLE")
    # make passes "" for a value that was not given: treat it as not given.
    supersedes = args.supersedes or None
    number = args.number or None
    try:
        folders = folders_from_conf(args.conf)
        written = create(args.kind, title, args.source, supersedes, number, folders)
    except Refusal as refusal:
        print(f"make {args.kind}: {refusal}", file=sys.stderr)
        return 2
    except FileExistsError as error:
        print(f"make {args.kind}: {error.filename} already exists; choose another title", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"make {args.kind}: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"Wrote {written[0]}")
    for path in written[1:]:
        print(f"Marked {path} superseded; make check fails until the new record is accepted (ADR-0007)")
    if args.kind == "runbook":
        index = args.source / folders.runbooks / "index.md"
        if add_to_toctree(index, written[0].stem):
            print(f"Added {written[0].stem} to the toctree in {index}; list it under 'The runbooks' there too")
        else:
            print(f"Add {written[0].stem} to a toctree in {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
