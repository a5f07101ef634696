"""What a build prints: nothing a writer has to read past.

MyST-Parser prints its whole parser configuration (about 600 characters, ``myst v5.2.0:
MdParserConfig(...)``) at the start of every build and offers no setting to stop it. The handbook
drops that one message with a logging filter on MyST's logger, attached once per process (not
once per build), and leaves everything else MyST says alone.
"""

from __future__ import annotations

import logging

MYST_LOGGER = "sphinx.myst_parser.sphinx_ext.main"


class DropMystConfigDump(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.INFO and str(record.msg).endswith(" %s")
                    and "myst v" in str(record.msg) and type(record.args[-1]).__name__ == "MdParserConfig"
                    if isinstance(record.args, tuple) and record.args else False)


def quiet_myst() -> None:
    logger = logging.getLogger(MYST_LOGGER)
    if not any(isinstance(existing, DropMystConfigDump) for existing in logger.filters):
        logger.addFilter(DropMystConfigDump())
