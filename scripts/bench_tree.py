#!/usr/bin/env python3
"""A generated handbook shaped like the large real ones, for ``make bench``.

Real company handbooks of a few thousand pages are not the bench's tidy tree: sections nest four
deep with folders of dozens of pages, pages are long, lists nest six deep, tables are wide, code and
raw HTML are everywhere, a good part is Japanese (and some Chinese, Korean, Hindi, Thai, Arabic,
Hebrew and emoji), pages link to each other, hundreds of decision records sit in one folder, and
runbooks carry owners and review dates. :func:`realistic_sources` writes such a tree, the same for
the same size on every machine (a seeded random generator), and builds with the handbook's
configuration without a warning.

``python scripts/bench_tree.py --pages 1000 OUT`` writes one to look at.
"""

from __future__ import annotations

import argparse
import random
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

SECTIONS = ("engineering", "operations", "product", "people", "security", "sales", "finance", "legal")
RECORD_SHARE = 12  # one page in twelve is a decision record (400 of 5,000)
JAPANESE_SHARE = 3  # one page in three is written in Japanese
FOLDER_SIZE = (8, 40)  # pages per folder
SEED = 20261203

EN_WORDS = ("deploy", "release", "backup", "restore", "review", "cache", "schema", "alert", "budget", "design",
            "index", "runner", "secret", "tenant", "gateway", "storage", "metric", "policy", "incident",
            "customer", "invoice", "contract", "onboarding", "laptop", "holiday", "expense", "roadmap",
            "interview", "security", "latency", "database", "network", "postmortem", "rollback", "quota")
JA_SENTENCES = (
    "本番環境へのデプロイは毎週火曜日に行います。",
    "障害が起きたら、まずインシデントチャンネルで宣言してください。",
    "バックアップは毎晩取得され、三十日間保存されます。",
    "新入社員は最初の一週間でこのハンドブックを読みます。",
    "経費精算は領収書を添えて月末までに申請してください。",
    "設計レビューでは、代替案と却下した理由を必ず書きます。",
    "顧客データを扱う作業は、二人で確認してから実行します。",
    "オンコール当番はアラートを受けたら十五分以内に応答します。",
    "リリースノートは変更の理由と影響を短く説明します。",
    "パスワードは共有せず、二要素認証を必ず有効にします。",
)
OTHER_SCRIPTS = (
    "中文：部署前请先在预发布环境验证。",
    "한국어: 배포 전에 스테이징 환경에서 확인하세요.",
    "हिन्दी: तैनाती से पहले परीक्षण करें।",
    "ไทย: ทดสอบก่อนการปรับใช้ทุกครั้ง",
    "العربية: اختبر التغيير قبل النشر.",
    "עברית: בדקו את השינוי לפני הפריסה.",
    "Emoji: 👩‍💻 🧑🏽‍🚀 🏳️‍🌈 ✅",
)


@dataclass
class Page:
    path: str  # relative to the source folder, with .md
    title: str
    japanese: bool = False
    children: list[str] = field(default_factory=list)  # toctree entries, relative docnames
    record: int = 0  # the ADR number, for a decision record


def relative(source: str, target: str) -> str:
    """A Markdown link from one source file to another."""
    start = PurePosixPath(source).parent
    up = len(start.parts)
    common = 0
    target_parts = PurePosixPath(target).parts
    while common < min(up, len(target_parts) - 1) and start.parts[common] == target_parts[common]:
        common += 1
    return "/".join([".."] * (up - common) + list(target_parts[common:]))


class Generator:
    def __init__(self, pages: int) -> None:
        self.random = random.Random(SEED + pages)
        self.pages: list[Page] = []
        self.target = pages

    def words(self, count: int) -> str:
        return " ".join(self.random.choice(EN_WORDS) for _ in range(count))

    def title(self, japanese: bool) -> str:
        if japanese:
            return self.random.choice(JA_SENTENCES).split("は")[0].rstrip("。")[:18] + f"（{len(self.pages)}）"
        return f"{self.words(3).capitalize()} ({len(self.pages)})"

    # --- the tree ---------------------------------------------------------------------------------

    def layout(self) -> list[Page]:
        records = max(3, self.target // RECORD_SHARE)
        root = Page("index.md", "Realistic Handbook")
        self.pages.append(root)
        self.pages.append(Page("orphan.md", "A page in no toctree"))
        sections = []
        for name in SECTIONS:
            section = Page(f"{name}/index.md", name.capitalize())
            root.children.append(f"{name}/index")
            self.pages.append(section)
            sections.append(section)
        adr = Page("engineering/adr/index.md", "Architecture Decision Records")
        sections[0].children.append("adr/index")
        self.pages.append(adr)
        budget = self.target - len(self.pages) - records
        folder = 0
        while budget > 0:
            section = sections[folder % len(sections)]
            budget -= self.folder(section, f"{section.path.rsplit('/', 1)[0]}/area-{folder:03d}", 2, budget)
            folder += 1
        for number in range(1, records + 1):
            self.pages.append(Page(f"engineering/adr/{number:04d}-decision-{number}.md",
                                   f"ADR-{number:04d}: Decide on {self.words(3)}", record=number))
        return self.pages

    def folder(self, parent: Page, path: str, depth: int, budget: int) -> int:
        """A folder with an index and pages, some of them folders again (down to depth 5)."""
        japanese = self.random.randrange(JAPANESE_SHARE) == 0
        index = Page(f"{path}/index.md", self.title(japanese), japanese)
        parent.children.append(relative(parent.path, index.path)[:-3])
        self.pages.append(index)
        used = 1
        size = min(budget - 1, self.random.randint(*FOLDER_SIZE))
        number = 0
        while used < size + 1 and used < budget:
            if depth < 5 and self.random.random() < 0.08 and budget - used > 10:
                used += self.folder(index, f"{path}/part-{number}", depth + 1, min(budget - used, 30))
            else:
                page_japanese = japanese if self.random.random() < 0.8 else not japanese
                page = Page(f"{path}/page-{number}.md", self.title(page_japanese), page_japanese)
                index.children.append(f"page-{number}")
                self.pages.append(page)
                used += 1
            number += 1
        return used

    # --- the pages ----------------------------------------------------------------------------------

    def nested_list(self, japanese: bool, depth: int = 0, indent: str = "") -> str:
        """Six levels of list, ordered and bulleted in turn, each item's children under its text."""
        lines = []
        for item in range(2 if depth else 3):
            text = self.random.choice(JA_SENTENCES) if japanese else f"Step about {self.words(4)}."
            marker = "-" if (depth + item) % 2 else f"{item + 1}."
            lines.append(f"{indent}{marker} {text}")
            if depth < 5 and item == 0:  # six levels: 0..5
                lines.append(self.nested_list(japanese, depth + 1, indent + " " * (len(marker) + 1)))
        return "\n".join(lines)

    def table(self) -> str:
        columns = 12
        head = "| " + " | ".join(f"Column {c}" for c in range(columns)) + " |"
        rule = "|" + "---|" * columns
        rows = ["| " + " | ".join(f"`{self.random.choice(EN_WORDS)}` {self.random.randint(1, 9999)}"
                                  for _ in range(columns)) + " |" for _ in range(20)]
        return "\n".join([head, rule, *rows])

    def body(self, page: Page, everyone: list[Page]) -> str:
        japanese = page.japanese
        prose = (lambda n: "".join(self.random.choice(JA_SENTENCES) for _ in range(n))) if japanese else (
            lambda n: " ".join(f"We {self.words(3)} because the {self.words(2)} matters." for _ in range(n)))
        linked = [self.random.choice(everyone) for _ in range(4)]
        links = " ".join(f"[{other.title}]({relative(page.path, other.path)}{'#overview' if not other.record else ''})"
                         for other in linked if other.path != page.path and other.path != "orphan.md")
        script = self.random.choice(OTHER_SCRIPTS)
        code_word = self.random.choice(EN_WORDS)
        sections = []
        sections.append(f"## Overview\n\n{prose(6)}\n\nSee also {links}.\n\n{script}\n")
        sections.append(f"## Steps\n\n{self.nested_list(japanese)}\n")
        sections.append(f"## Reference\n\n{self.table()}\n")
        sections.append(textwrap.dedent(f"""\
            ## Commands

            ```console
            $ make html SOURCEDIR=docs BUILDDIR=/tmp/out
            $ kubectl rollout status deployment/{code_word}
            ```

            ```python
            def {code_word}_{len(sections)}(items: list[str]) -> dict[str, int]:
                \"\"\"Count each item.\"\"\"
                counts: dict[str, int] = {{}}
                for item in items:
                    counts[item] = counts.get(item, 0) + 1
                return counts
            ```

            ```yaml
            service: {code_word}
            replicas: 3
            alerts: [latency, errors]
            ```
            """))
        sections.append(textwrap.dedent(f"""\
            ## Details

            <details>
            <summary>{'詳細' if japanese else 'More detail'}</summary>
            <p>{prose(2)}</p>
            <table><tr><th>Key</th><th>Value</th></tr><tr><td>owner</td><td><kbd>{code_word}</kbd></td></tr></table>
            </details>

            :::{{note}}
            {prose(2)}
            :::
            """))
        sections.append(f"## Background\n\n{prose(10)}\n\n{prose(8)}\n")
        return "\n".join(sections)

    def record(self, page: Page, stock: bool, records: int) -> str:
        number = page.record
        status, extra = ("accepted" if number % 5 else "proposed"), ""
        if number == 2:
            status, extra = "superseded", "superseded-by: 3\n"
        if number == 3:
            extra = "supersedes: [2]\n"
        box = "" if stock else "```{adr-status}\n```\n\n"
        text = self.random.choice(JA_SENTENCES) if number % 3 == 0 else f"We needed to {self.words(6)}."
        return (f"---\nstatus: {status}\ndate: 2026-0{1 + number % 9}-{1 + number % 28:02d}\n"
                f"deciders: [platform-lead]\n{extra}tags: [bench]\n---\n# {page.title}\n\n{box}"
                f"## Context\n\n{text}\n\n## Decision\n\nWe decided to {self.words(5)}.\n\n"
                f"## Consequences\n\n{self.words(12).capitalize()}.\n")

    def sources(self, stock: bool) -> dict[str, str]:
        pages = self.layout()
        content = [page for page in pages if not page.record and page.path not in ("index.md", "orphan.md")]
        records = sum(1 for page in pages if page.record)
        files: dict[str, str] = {}
        for page in pages:
            if page.record:
                files[page.path] = self.record(page, stock, records)
                continue
            head = "---\norphan: true\n---\n" if page.path == "orphan.md" else ""
            if "/area-" in page.path and page.path.endswith("index.md") and len(files) % 4 == 0:
                head = "---\nowner: handbook-maintainers\nlast-reviewed: 2026-11-01\nreview-every: 365\n---\n"
            text = f"{head}# {page.title}\n\n"
            if page.path == "engineering/adr/index.md":
                text += "Every decision, generated from the records' front matter.\n\n"
                text += "" if stock else "```{adr-index}\n```\n\n"
                text += "```{toctree}\n:hidden:\n:glob:\n\n0*\n```\n"
            elif page.children:
                text += "```{toctree}\n:maxdepth: 2\n\n" + "\n".join(page.children) + "\n```\n\n"
            files[page.path] = text + self.body(page, content)
        return files


def realistic_sources(pages: int, *, stock: bool = False) -> dict[str, str]:
    """``{relative path: text}`` of a realistic handbook of ``pages`` pages.

    With ``stock`` the handbook-only directives (``{adr-status}``, ``{adr-index}``) are left out,
    so stock Sphinx + MyST + Furo builds the same tree.
    """
    return Generator(pages).sources(stock)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--stock", action="store_true", help="without the handbook-only directives")
    options = parser.parse_args(argv)
    for name, text in realistic_sources(options.pages, stock=options.stock).items():
        path = options.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
