"""The time bound on big files (issue 17 item 11) and bench/huge_files.py's shapes, for the reliability tests."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from pathlib import Path

from claude_lint.app.runner import Outcome

# CPU seconds of this process per file (the machine's load does not count), as the README promises.
CHECK_BOUND = 5.0
FIX_BOUND = 15.0

_spec = importlib.util.spec_from_file_location("huge_files", Path(__file__).resolve().parents[2] / "bench" / "huge_files.py")
assert _spec is not None and _spec.loader is not None
huge_files = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(huge_files)

CL105 = "`raise RuntimeError(...)` in a handler of a Claude call drops the API error: add `from e` to keep it as the cause"


def checked_and_fixed_within_the_bound(directory: Path, lint_tree: Callable[..., Outcome], text: str) -> None:
    """`text` (ending in huge_files.FIXABLE) checked then fixed as `big.py` in this process: the one
    CL105 at its last line, offered and applied, each run within the bound."""
    path = directory / "big.py"
    path.write_text(text, encoding="utf-8")
    start = time.process_time()
    outcome = lint_tree("big.py")
    checked = time.process_time() - start
    assert [(d.code, d.start.line, d.start.column, d.message) for d in outcome.diagnostics] == [
        ("CL105", text.count("\n"), 8, CL105)
    ]
    assert outcome.diagnostics[0].fix is not None  # the fix is far from the big part: offered
    start = time.process_time()
    fixed = lint_tree("big.py", fix=True)
    fixing = time.process_time() - start
    assert fixed.warnings == [] and fixed.errors == [] and fixed.diagnostics == []
    assert path.read_text(encoding="utf-8") == text.replace('"failed")', '"failed") from e')
    assert checked < CHECK_BOUND, f"check took {checked:.1f} s of CPU"
    assert fixing < FIX_BOUND, f"fix took {fixing:.1f} s of CPU"
