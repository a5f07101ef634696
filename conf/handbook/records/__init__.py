"""Decision records (ADRs and RFCs): status boxes, generated indexes, validation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .kinds import KINDS
from .scaffolding import DEFAULT_RECORD_DIRS, DEFAULT_RUNBOOK_DIR, DEFAULT_TEMPLATE_DIR

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def setup_records(app: Sphinx) -> None:
    # Sphinx's side is imported here, not at the top: scripts/new_record.py imports this package's
    # plain modules (kinds, names, scaffolding) and must start without loading Sphinx.
    from .directives import AdrIndex, AdrStatus, RfcIndex, RfcStatus
    from .domain import DecisionRecordsDomain, check_consistency, pages_to_rewrite, remember_records
    from .nodes import record_index_placeholder, status_box_placeholder
    from .render import fill_placeholders

    # Folders (relative to the source tree) whose NNNN-slug.md pages are records, where runbooks
    # live, and where the templates are. scripts/new_record.py reads the same values from conf.py.
    app.add_config_value("handbook_record_dirs", dict(DEFAULT_RECORD_DIRS), "env", types=frozenset({dict}))
    app.add_config_value("handbook_runbook_dir", DEFAULT_RUNBOOK_DIR, "env", types=frozenset({str}))
    app.add_config_value("handbook_template_dir", DEFAULT_TEMPLATE_DIR, "env", types=frozenset({str}))
    app.add_node(status_box_placeholder)
    app.add_node(record_index_placeholder)
    app.add_domain(DecisionRecordsDomain)
    app.add_directive("adr-status", AdrStatus)
    app.add_directive("rfc-status", RfcStatus)
    app.add_directive("adr-index", AdrIndex)
    app.add_directive("rfc-index", RfcIndex)
    app.connect("env-get-outdated", remember_records)
    app.connect("env-get-updated", pages_to_rewrite)
    app.connect("env-check-consistency", check_consistency)
    app.connect("doctree-resolved", fill_placeholders)
    app.connect("config-inited", _check_record_dirs)


def _check_record_dirs(app: Sphinx, config: Config) -> None:
    unknown = set(config.handbook_record_dirs) - set(KINDS)
    if unknown:
        from sphinx.errors import ConfigError

        raise ConfigError(
            f"handbook_record_dirs has unknown record kinds {sorted(unknown)}; "
            f"use keys from {sorted(KINDS)}")
