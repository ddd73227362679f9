"""An embedded fake of the Alibaba, Huawei and Baidu tag APIs, for tests and local runs.

Not part of the deployable: only tests, the CLI's ``fake-cloud`` command and the demo use
it. Start with `FakeCloud` (see `tagstrip_testkit.fakecloud.server`).
"""

from __future__ import annotations

from tagstrip_testkit.fakecloud.backends import Backends, Resource, TagRef
from tagstrip_testkit.fakecloud.credentials import Credentials, KeyPair
from tagstrip_testkit.fakecloud.faults import Fault, FaultInjector
from tagstrip_testkit.fakecloud.journal import Journal, JournalEntry
from tagstrip_testkit.fakecloud.seed import Seed, load_seed, read_seed_file
from tagstrip_testkit.fakecloud.server import ENDPOINT_VARIABLES, FakeCloud

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
