"""The whole suite reads every response strictly (`COZEKIT_STRICT_VALIDATION=1`): a model or emulator
answer that drifts from the declared types fails the test that sees it, instead of being read leniently.
Lenient reading is tested on purpose, with clients made `strict_validation=False` (tests/lenient)."""

from __future__ import annotations

import os

os.environ["COZEKIT_STRICT_VALIDATION"] = "1"
