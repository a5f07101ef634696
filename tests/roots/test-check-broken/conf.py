# Build this test tree with the handbook's own configuration. Test trees are copied to temporary
# folders, so tests/conftest.py says where that configuration is; run in place, it is found here.
import os
from pathlib import Path

__file__ = os.environ.get("HANDBOOK_CONF") or str(Path(__file__).resolve().parents[3] / "conf" / "conf.py")
with open(__file__, encoding="utf-8") as _conf:
    exec(compile(_conf.read(), __file__, "exec"))
