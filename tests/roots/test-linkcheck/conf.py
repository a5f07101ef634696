# Build this test tree with the handbook's own configuration. Test trees are copied to temporary
# folders, so tests/conftest.py says where that configuration is; run in place, it is found here.
import os
from pathlib import Path

__file__ = os.environ.get("HANDBOOK_CONF") or str(Path(__file__).resolve().parents[3] / "conf" / "conf.py")
with open(__file__, encoding="utf-8") as _conf:
    exec(compile(_conf.read(), __file__, "exec"))

# Small numbers, so the tests' server that never answers is given up on in seconds, and the page
# too big to search need not be big.
linkcheck_timeout = 2
linkcheck_retries = 2
handbook_linkcheck_max_bytes = 256 * 1024
handbook_linkcheck_exclude = [
    {"pattern": r"http://127\.0\.0\.1:\d+/excluded/", "reason": "an example of an exclusion, never requested"},
]
