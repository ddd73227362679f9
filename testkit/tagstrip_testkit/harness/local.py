"""``tagstrip replay`` and ``demo``: run events on a laptop (``invoke``: harness/invoke.py).

`replay` sends events through the real functions-framework app, or to deployed functions;
in process it sets up what the samples need and the shell left unset (so a fresh shell
replays events/ as it is). `demo` replays a folder against the embedded fake cloud, seeded
from the folder's fixtures/seed.json when it has one, and shows the table and the tags
before and after.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import yaml
from pydantic import ValidationError

from tagstrip.cli import ACCOUNT_SCOPE, UsageError, environment
from tagstrip_testkit.harness.events import SEED_DIRECTORY, Kind, SampleEvent, find_events
from tagstrip_testkit.harness.replay import (
    TARGETS,
    InProcess,
    Remote,
    Row,
    Sender,
    default_source,
    render_table,
    replay,
    rows_as_json,
    target_urls,
)

if TYPE_CHECKING:
    from tagstrip_testkit.fakecloud import FakeCloud
    from tagstrip_testkit.fakecloud.seed import Seed

__all__ = [
    "EXIT_FAILED",
    "EXIT_INVALID",
    "EXIT_OK",
    "demo",
    "environment",
    "read_seed",
    "replay_command",
]

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
_SEED_FILE = Path(SEED_DIRECTORY) / "seed.json"
_RULES_FILE = "rules.yaml"
_PRESETS = "preset:jira,preset:servicenow"
_MAPPING_FILE = "mapping-cmdb.yaml"


def demo(events_dir: Path, out: TextIO, err: TextIO, *, seed: Path | None = None) -> int:
    """Replay every sample event against the seeded fake cloud; show what changed.
    Exit 1 when an event did not end as its sample expects."""
    from tagstrip_testkit.fakecloud import FakeCloud  # the fake extra: local runs only

    events = find_events([events_dir])
    folder = sample_folder([events_dir]) or events_dir
    with (
        _quiet(),  # the table is the demo's output; access and JSON logs would bury it
        FakeCloud() as cloud,
        environment(cloud.environment() | _fake_cloud_settings() | local_settings(folder)),
    ):
        _seed(cloud, seed, folder)
        before = cloud.state()
        rows = replay(
            events,
            InProcess(default_source()),
            count_calls=lambda: len(cloud.journal),
            progress=err,
        )
        after = cloud.state()
    out.write(render_table(rows) + "\n\n")
    out.write(f"{len(rows)} events, {sum(r.calls or 0 for r in rows)} provider calls\n\n")
    out.write("tags removed from the fake cloud:\n")
    out.writelines(f"  {line}\n" for line in _removed_tags(before, after))
    return _verdict(rows, err)


def replay_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`tagstrip replay`: into deployed functions when given their URLs; else in process,
    against the fake cloud unless `--real-clouds`, with the settings local replay needs
    (a generated webhook secret, the samples' rules and mappings) where none are set.
    Exit 1 when an event did not end as its sample expects."""
    events = find_events(args.paths)
    given: dict[Kind, str | None] = {kind: getattr(args, kind) for kind in TARGETS}
    if args.against or any(given.values()):
        rows = _replay_remote(events, target_urls(events, args.against, given), err)
    else:
        rows = _replay_local(events, args.paths, args.seed, args.real_clouds, err)
    out.write(json.dumps(rows_as_json(rows), indent=2) if args.json else render_table(rows))
    out.write("\n")
    return _verdict(rows, err)


def _replay_remote(
    events: Sequence[SampleEvent], urls: Mapping[Kind, str], err: TextIO
) -> list[Row]:
    if any(event.kind == "webhook" for event in events) and not _signing_configured():
        message = (
            "webhook events are signed with TAGSTRIP_WEBHOOK_SECRET, which is not set: "
            "set it to the secret the webhook function checks"
        )
        raise UsageError(message)
    return replay(events, Remote(urls), progress=err)


def _replay_local(
    events: Sequence[SampleEvent],
    paths: Sequence[Path],
    seed: Path | None,
    real_clouds: bool,
    err: TextIO,
) -> list[Row]:
    folder = sample_folder(paths)
    unset = {k: v for k, v in local_settings(folder).items() if not os.environ.get(k)}
    with ExitStack() as stack:
        stack.enter_context(_quiet())  # the reasons are in the table
        sender: Sender = InProcess(default_source())
        count_calls = None
        if not real_clouds:
            from tagstrip_testkit.fakecloud import FakeCloud

            cloud = stack.enter_context(FakeCloud())
            _seed(cloud, seed, folder)
            unset |= {k: v for k, v in _fake_cloud_settings().items() if not os.environ.get(k)}
            stack.enter_context(environment(cloud.environment()))
            count_calls = lambda: len(cloud.journal)  # noqa: E731
        stack.enter_context(environment(unset))
        return replay(events, sender, count_calls=count_calls, progress=err)


def sample_folder(paths: Sequence[Path]) -> Path | None:
    """The samples' folder: the nearest at or above the first path that holds a rules file
    or a seed, as events/ does."""
    start = paths[0].resolve() if paths else Path.cwd()
    for folder in [start, *start.parents]:
        if (folder / _RULES_FILE).is_file() or (folder / _SEED_FILE).is_file():
            return folder
    return None


def local_settings(folder: Path | None) -> dict[str, str]:
    """What a local run needs to take every kind of sample: a webhook secret (the replay
    signs with it), the folder's lifecycle rules and the webhook mappings."""
    values = {
        "TAGSTRIP_WEBHOOK_SECRET": secrets.token_hex(16),
        "TAGSTRIP_WEBHOOK_MAPPING": _PRESETS,
    }
    if folder is not None and (folder / _RULES_FILE).is_file():
        values["TAGSTRIP_RULES"] = str(folder / _RULES_FILE)
    if folder is not None and (folder / _MAPPING_FILE).is_file():
        values["TAGSTRIP_WEBHOOK_MAPPING"] += f",{folder / _MAPPING_FILE}"
    return values


def _fake_cloud_settings() -> dict[str, str]:
    """Fast retries, and consent to the account-wide removals (baidu-tag) the samples make:
    the fake cloud holds no one's account."""
    return {"TAGSTRIP_BACKOFF": "0.05", "TAGSTRIP_MAX_BACKOFF": "0.2", **ACCOUNT_SCOPE}


def read_seed(path: Path) -> Seed:
    """The fake cloud's seed in `path`; one that cannot be read or used is a UsageError."""
    from tagstrip_testkit.fakecloud.seed import read_seed_file

    try:
        return read_seed_file(path)
    except OSError as exc:
        raise UsageError(f"--seed {path}: cannot read it: {exc.strerror}") from None
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in error["loc"]) or "(root)"
        message = f"--seed {path}: {where}: {error['msg']}; see docs/fake-cloud.md"
        raise UsageError(message) from None
    except (ValueError, yaml.YAMLError) as exc:  # bad UTF-8, JSON or YAML
        detail = " ".join(str(exc).split())
        raise UsageError(f"--seed {path}: not JSON or YAML ({detail})") from None


def _seed(cloud: FakeCloud, seed: Path | None, folder: Path | None) -> None:
    """Seed from `seed` when given, else from the folder's fixtures/seed.json if any."""
    if seed is None and folder is not None and (folder / _SEED_FILE).is_file():
        seed = folder / _SEED_FILE
    if seed is not None:
        cloud.seed(read_seed(seed))


def _signing_configured() -> bool:
    return bool(os.environ.get("TAGSTRIP_WEBHOOK_SECRET", "").strip())


def _verdict(rows: Sequence[Row], err: TextIO) -> int:
    unexpected = [row for row in rows if not row.as_expected]
    if not unexpected:
        return EXIT_OK
    err.write(
        f"{len(unexpected)} of {len(rows)} events did not end as their samples expect "
        "(see the reason of each)\n"
    )
    return EXIT_FAILED


@contextmanager
def _quiet() -> Iterator[None]:
    """Only errors are logged for the duration (the app's own set-up may lower
    its loggers' levels again, so this works above them)."""
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def _removed_tags(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """One line per resource (or account) whose tags the replay removed."""
    lines = []
    for provider, state in before.items():
        old, new = _tags_by_owner(state), _tags_by_owner(after.get(provider, {}))
        for owner, tags in old.items():
            gone = sorted(set(tags) - set(new.get(owner, {})))
            if gone:
                lines.append(f"{provider} {owner}: {', '.join(gone)}")
    return lines or ["(none)"]


def _tags_by_owner(state: dict[str, Any]) -> dict[str, set[str]]:
    owners: dict[str, set[str]] = {}
    for entry in state.get("resources", []) + state.get("servers", []):
        owner = entry["arn"] if "arn" in entry else entry["id"]  # the tag services: by ARN
        owners[str(owner)] = {f"{k}={v}" for k, v in entry.get("tags", {}).items()}
    if "tags" in state:  # Baidu's account-wide tags
        owners["(account)"] = {f"{t['key']}={t['value']}" for t in state["tags"]}
    return owners
