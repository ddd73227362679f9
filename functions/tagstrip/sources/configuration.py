"""The whole configuration, read before anything is served.

`tagstrip serve` and functions/main.py (on import, as every platform starts it) call
`check_configuration()`, so that a bad deployment is refused at start-up naming its variable
instead of answering every request with a 500.
"""

from __future__ import annotations

from tagstrip.runtime.settings import get_settings

__all__ = ["check_configuration"]


def check_configuration() -> None:
    """Every setting, the rules file and the webhook mappings, read now: a bad one is a
    ConfigurationError naming its variable before anything runs, not on the first event.

    The rules and mapping readers are imported only when their variable is set: a function's
    import pays for what its deployment configures, and no more.
    """
    settings = get_settings()
    if settings.rules:
        from tagstrip.sources import lifecycle

        lifecycle.load_rules(settings.rules)
    if settings.webhook_mapping:
        from tagstrip.sources import webhook

        webhook.load_mapping(settings.webhook_mapping)
