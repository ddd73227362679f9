"""An embedded fake of the Alibaba, Huawei and Baidu tag APIs, for tests and local runs.

Never imported by the deployable entry path: only tests, the CLI's ``fake-cloud`` command
and the demo use it. Start with `FakeCloud` (see `tagstrip.fakecloud.server`).
"""

from __future__ import annotations

from tagstrip.fakecloud.backends import Backends, Resource, TagRef
from tagstrip.fakecloud.credentials import Credentials, KeyPair
from tagstrip.fakecloud.faults import Fault, FaultInjector
from tagstrip.fakecloud.journal import Journal, JournalEntry
from tagstrip.fakecloud.seed import Seed, load_seed, read_seed_file
from tagstrip.fakecloud.server import ENDPOINT_VARIABLES, FakeCloud

__all__ = [
    "ENDPOINT_VARIABLES",
    "Backends",
    "Credentials",
    "FakeCloud",
    "Fault",
    "FaultInjector",
    "Journal",
    "JournalEntry",
    "KeyPair",
    "Resource",
    "Seed",
    "TagRef",
    "load_seed",
    "read_seed_file",
]
