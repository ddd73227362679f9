"""tagstrip's test kit: the embedded fake cloud and the local harness.

A package of its own so the deployable never carries it: `make package` ships functions/
only. It depends on tagstrip (the harness drives the real app); tagstrip never imports it,
except the CLI's local-run commands, lazily.
"""

from __future__ import annotations
