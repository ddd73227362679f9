"""Profiles behind the figures (pyinstrument): the first event of a fresh process, real and
dry run, and warm events, each through the functions-framework app of functions/main.py
against the fake cloud.

Writes bench/profiles/{first_event,first_dry_event,warm_webhook,warm_event}.{txt,html} and
prints the text of each. Needs the bench extra (pyinstrument).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from _common import BENCH, FUNCTIONS, MAIN, SECRET, FakeCloudProcess, ecs_event, ecs_seed, parser

OUT = BENCH / "profiles"
RESOURCE = "i-profile0001"

_FIRST = """
import json, sys, time
from pyinstrument import Profiler
profiler = Profiler(interval=0.0005)
profiler.start()
sys.path.insert(0, {functions!r})
import functions_framework
app = functions_framework.create_app("remove_tags_http", {main!r}, "http")
from tagstrip.sources.webhook_auth import sign
body = {body!r}
headers = {{"Content-Type": "application/json",
           "X-Tagstrip-Signature": sign({secret!r}, body, int(time.time()))}}
answer = app.test_client().post("/", data=body, headers=headers)
assert answer.status_code == 200, answer.data
profiler.stop()
open({out!r} + ".txt", "w").write(profiler.output_text(unicode=True, show_all=False))
open({out!r} + ".html", "w").write(profiler.output_html())
"""

_WARM = """
import json, sys, time
from pyinstrument import Profiler
sys.path.insert(0, {functions!r})
import functions_framework
import main
app = functions_framework.create_app("remove_tags_http", {main!r}, "http")
client = app.test_client()
from _common import hub_headers
body = {body!r}
headers = hub_headers(body)
event = json.loads(body)
def webhook():
    answer = client.post("/", data=body, headers=headers)
    assert answer.status_code == 200, answer.data
def handler():
    assert main.handler(event)["events"][0]["status"] == "ok"
work = {{"webhook": webhook, "handler": handler}}[{kind!r}]
for _ in range(20):
    work()
profiler = Profiler(interval=0.0002)
profiler.start()
for _ in range({count}):
    work()
profiler.stop()
open({out!r} + ".txt", "w").write(profiler.output_text(unicode=True, show_all=False))
open({out!r} + ".html", "w").write(profiler.output_html())
"""


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    count = 20 if args.smoke else 400
    OUT.mkdir(exist_ok=True)
    with FakeCloudProcess() as cloud:
        cloud.seed(ecs_seed([RESOURCE]))

        env = {**os.environ, **cloud.env, "TAGSTRIP_WEBHOOK_SECRET": SECRET}
        env["PYTHONPATH"] = str(BENCH)
        real = json.dumps(ecs_event([RESOURCE])).encode()
        dry = json.dumps(ecs_event([RESOURCE], dry_run=True)).encode()
        common = {"functions": str(FUNCTIONS), "main": str(MAIN), "secret": SECRET}
        jobs = {
            "first_event": _FIRST.format(body=real, out=str(OUT / "first_event"), **common),
            "first_dry_event": _FIRST.format(body=dry, out=str(OUT / "first_dry_event"), **common),
            "warm_webhook": _WARM.format(
                body=dry, kind="webhook", count=count, out=str(OUT / "warm_webhook"), **common
            ),
            "warm_event": _WARM.format(
                body=real, kind="handler", count=count, out=str(OUT / "warm_event"), **common
            ),
        }
        for name, code in jobs.items():
            subprocess.run(
                [sys.executable, "-c", code], env=env, check=True, stderr=subprocess.DEVNULL
            )
            print(f"== {name}\n{(OUT / f'{name}.txt').read_text()}")


if __name__ == "__main__":
    main()
