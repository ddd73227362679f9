"""Webhook signatures: every accepted form, every refusal, rotation and duplicates."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from pydantic import SecretStr

from tagstrip.domain.errors import ConfigurationError, Unauthorized
from tagstrip.sources.webhook_auth import DeliveryLog, WebhookVerifier, sign

NOW = 1_714_557_600
BODY = b'{"webhookEvent":"jira:issue_updated"}'
SECRET, OLD_SECRET = "s3cret-new", "s3cret-old"


def verifier(*secrets: str, allow_unsigned: bool = False) -> WebhookVerifier:
    return WebhookVerifier(
        [SecretStr(s) for s in secrets],
        allow_unsigned=allow_unsigned,
        deliveries=DeliveryLog(),
        clock=lambda: NOW,
    )


def hub(secret: str, body: bytes = BODY) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_tagstrip_signature() -> None:
    verified = verifier(SECRET).verify({"X-Tagstrip-Signature": sign(SECRET, BODY, NOW)}, BODY)
    assert (verified.scheme, verified.duplicate) == ("tagstrip-v1", False)


@pytest.mark.parametrize("header", ["X-Hub-Signature", "X-Hub-Signature-256", "x-hub-signature"])
def test_body_only_signatures(header: str) -> None:
    verified = verifier(SECRET).verify({header: hub(SECRET)}, BODY)
    assert verified.scheme == "hub-sha256"


def test_uppercase_hex_is_accepted() -> None:
    digest = hub(SECRET).removeprefix("sha256=")
    assert verifier(SECRET).verify({"X-Hub-Signature": f"sha256={digest.upper()}"}, BODY)


@pytest.mark.parametrize("secret", [SECRET, OLD_SECRET])
def test_any_configured_secret_verifies_during_rotation(secret: str) -> None:
    check = verifier(SECRET, OLD_SECRET)
    assert check.verify({"X-Hub-Signature-256": hub(secret)}, BODY)
    assert check.verify({"X-Tagstrip-Signature": sign(secret, BODY, NOW - 1)}, BODY)


def refusal(check: WebhookVerifier, headers: dict[str, str], body: bytes = BODY) -> Unauthorized:
    with pytest.raises(Unauthorized) as caught:
        check.verify(headers, body)
    return caught.value


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "missing"),
        ({"X-Signature": hub(SECRET)}, "missing"),
        ({"X-Tagstrip-Signature": "v1=" + "a" * 64}, "malformed"),
        ({"X-Tagstrip-Signature": f"t={NOW}"}, "malformed"),
        ({"X-Tagstrip-Signature": f"t={NOW},v1=xyz"}, "malformed"),
        ({"X-Tagstrip-Signature": f"t=-5,v1={'a' * 64}"}, "malformed"),
        ({"X-Tagstrip-Signature": f"t={NOW},t={NOW},v1={'a' * 64}"}, "malformed"),
        ({"X-Tagstrip-Signature": f"t={NOW},v1={'é' * 64}"}, "malformed"),
        ({"X-Hub-Signature": "sha1=" + "a" * 40}, "malformed"),
        ({"X-Hub-Signature": "a" * 64}, "malformed"),
        ({"X-Hub-Signature": hub(SECRET)[:-1]}, "malformed"),
        ({"X-Hub-Signature": hub("wrong")}, "bad"),
        ({"X-Hub-Signature-256": hub(SECRET, b"other body")}, "bad"),
        ({"X-Tagstrip-Signature": sign("wrong", BODY, NOW)}, "bad"),
        ({"X-Tagstrip-Signature": sign(SECRET, BODY, NOW - 301)}, "stale"),
        ({"X-Tagstrip-Signature": sign(SECRET, BODY, NOW + 301)}, "future"),
    ],
)
def test_refusals(headers: dict[str, str], reason: str) -> None:
    error = refusal(verifier(SECRET), headers)
    assert error.reason == reason
    assert SECRET not in str(error)


def test_the_window_edges_are_accepted() -> None:
    for stamp in (NOW - 300, NOW + 300):
        assert verifier(SECRET).verify({"X-Tagstrip-Signature": sign(SECRET, BODY, stamp)}, BODY)


def test_timestamp_is_part_of_what_is_signed() -> None:
    moved = sign(SECRET, BODY, NOW).replace(f"t={NOW}", f"t={NOW - 1}")
    assert refusal(verifier(SECRET), {"X-Tagstrip-Signature": moved}).reason == "bad"


def test_strongest_header_present_decides() -> None:
    headers = {"X-Tagstrip-Signature": sign("wrong", BODY, NOW), "X-Hub-Signature": hub(SECRET)}
    assert refusal(verifier(SECRET), headers).reason == "bad"


def test_several_v1_values_any_may_match() -> None:
    good = sign(SECRET, BODY, NOW)
    header = f"{good},v1={'0' * 64}"
    assert verifier(SECRET).verify({"X-Tagstrip-Signature": header}, BODY)


def settle(check: WebhookVerifier, headers: dict[str, str], body: bytes = BODY) -> None:
    """Verify a first delivery and finish it, as the webhook does once it is done."""
    verified = check.verify(headers, body)
    assert verified.state == "claimed"
    check.finish(verified)


def test_a_resend_is_in_flight_until_the_first_finishes_or_is_released() -> None:
    check = verifier(SECRET)
    headers = {"X-Hub-Signature": hub(SECRET), "X-Atlassian-Webhook-Identifier": "wh-1"}
    first = check.verify(headers, BODY)
    assert (first.state, first.delivery_id, first.duplicate) == ("claimed", "wh-1", False)
    resend = check.verify(headers, BODY)
    assert (resend.state, resend.duplicate, resend.claims) == ("in_flight", False, ())
    check.release(first)  # the first failed in a way a retry may fix
    second = check.verify(headers, BODY)
    assert second.state == "claimed"
    check.finish(second)
    assert check.verify(headers, BODY).duplicate


def test_replayed_timestamped_signature_is_a_duplicate() -> None:
    check = verifier(SECRET)
    headers = {"X-Tagstrip-Signature": sign(SECRET, BODY, NOW)}
    settle(check, headers)
    assert check.verify(headers, BODY).duplicate
    assert check.verify({"X-Tagstrip-Signature": sign(SECRET, BODY, NOW + 1)}, BODY).state == (
        "claimed"
    )


def test_a_new_unsigned_identifier_does_not_make_a_replayed_signature_new() -> None:
    """The identifier header is covered by no signature: it adds a key, never replaces one."""
    check = verifier(SECRET)
    signature = sign(SECRET, BODY, NOW)
    first = {"X-Tagstrip-Signature": signature, "X-Atlassian-Webhook-Identifier": "wh-a"}
    claimed = check.verify(first, BODY)
    replay = {**first, "X-Atlassian-Webhook-Identifier": "wh-b"}
    assert check.verify(replay, BODY).state == "in_flight"
    check.finish(claimed)
    assert check.verify(replay, BODY).duplicate
    assert check.verify({"X-Tagstrip-Signature": signature}, BODY).duplicate


def test_a_known_identifier_makes_a_newly_signed_resend_a_duplicate() -> None:
    check = verifier(SECRET)
    settle(
        check,
        {"X-Tagstrip-Signature": sign(SECRET, BODY, NOW), "X-Atlassian-Webhook-Identifier": "wh-c"},
    )
    resigned = {
        "X-Tagstrip-Signature": sign(SECRET, BODY, NOW + 5),
        "X-Atlassian-Webhook-Identifier": "wh-c",
    }
    assert check.verify(resigned, BODY).duplicate


@pytest.mark.parametrize("header", ["X-Hub-Signature", "X-Hub-Signature-256"])
def test_hub_signatures_without_timestamp_are_deduplicated_by_body(header: str) -> None:
    check = verifier(SECRET)
    settle(check, {header: hub(SECRET)})
    assert check.verify({header: hub(SECRET)}, BODY).duplicate
    renamed = {header: hub(SECRET), "X-Atlassian-Webhook-Identifier": "wh-new"}
    assert check.verify(renamed, BODY).duplicate
    other = b'{"webhookEvent":"jira:issue_created"}'
    assert check.verify({header: hub(SECRET, other)}, other).state == "claimed"


def test_identifier_of_a_refused_request_is_not_remembered() -> None:
    check = verifier(SECRET)
    forged = {"X-Hub-Signature": hub("wrong"), "X-Atlassian-Webhook-Identifier": "wh-2"}
    refusal(check, forged)
    genuine = {**forged, "X-Hub-Signature": hub(SECRET)}
    assert not check.verify(genuine, BODY).duplicate


def test_no_secret_refuses_and_says_how_to_configure() -> None:
    error = refusal(verifier(), {"X-Hub-Signature": hub(SECRET)})
    assert error.reason == "not_configured"
    assert "TAGSTRIP_WEBHOOK_SECRET" in str(error)
    assert "TAGSTRIP_ALLOW_UNSIGNED=true" in str(error)


def test_unsigned_allowed_explicitly_still_drops_duplicates() -> None:
    check = verifier(allow_unsigned=True)
    headers = {"X-Atlassian-Webhook-Identifier": "wh-3"}
    first = check.verify(headers, BODY)
    assert (first.scheme, first.claims) == ("unsigned", ("atlassian:wh-3",))
    check.finish(first)
    assert check.verify(headers, BODY).duplicate
    assert check.verify({}, BODY).state == "claimed"  # nothing to deduplicate on


def test_allow_unsigned_does_not_disable_configured_secrets() -> None:
    assert refusal(verifier(SECRET, allow_unsigned=True), {}).reason == "missing"


@pytest.mark.parametrize(
    ("environ", "signed_with", "ok"),
    [
        ({"TAGSTRIP_WEBHOOK_SECRET": f" {SECRET} , {OLD_SECRET} ,"}, OLD_SECRET, True),
        ({"TAGSTRIP_WEBHOOK_SECRET": SECRET}, OLD_SECRET, False),
        ({"TAGSTRIP_WEBHOOK_SECRET": " , "}, SECRET, False),
        ({"TAGSTRIP_ALLOW_UNSIGNED": "true"}, None, True),
        ({"TAGSTRIP_ALLOW_UNSIGNED": "false"}, None, False),
        ({"TAGSTRIP_ALLOW_UNSIGNED": ""}, None, False),
    ],
)
def test_from_env(environ: dict[str, str], signed_with: str | None, ok: bool) -> None:
    check = WebhookVerifier.from_env(environ)
    headers = {"X-Hub-Signature": hub(signed_with)} if signed_with else {}
    if ok:
        assert check.verify(headers, BODY)
    else:
        refusal(check, headers)


def test_bad_allow_unsigned_value_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as caught:
        WebhookVerifier.from_env({"TAGSTRIP_ALLOW_UNSIGNED": "sure"})
    assert caught.value.variable == "TAGSTRIP_ALLOW_UNSIGNED"


def test_secrets_never_show_in_repr() -> None:
    check = WebhookVerifier.from_env({"TAGSTRIP_WEBHOOK_SECRET": SECRET})
    assert SECRET not in repr(check)
    assert SECRET not in repr(vars(check))


def test_delivery_log_is_bounded_and_expires() -> None:
    now = [0.0]
    log = DeliveryLog(max_entries=2, ttl_seconds=10, clock=lambda: now[0])
    # "c" evicts "a", the oldest, so "a" is new again (and evicts "b").
    claims = [log.claim([key]) for key in "abac"]
    assert claims == ["claimed", "claimed", "in_flight", "claimed"]
    assert [log.claim([key]) for key in "ab"] == ["claimed", "claimed"]
    now[0] = 11.0
    assert [log.claim([key]) for key in "ab"] == ["claimed", "claimed"]


def test_delivery_log_claims_every_key_or_none() -> None:
    log = DeliveryLog()
    assert log.claim(["a", "b"]) == "claimed"
    assert log.claim(["b", "c"]) == "in_flight"
    assert log.claim(["c"]) == "claimed"  # the refused claim took nothing
    log.finish(["a", "b"])
    assert log.claim(["c", "b"]) == "finished"  # a settled delivery outranks one in flight
    log.release(["c"])
    assert log.claim(["c"]) == "claimed"
    log.reset()
    assert log.claim(["a", "b", "c"]) == "claimed"
