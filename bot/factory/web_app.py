"""The web server's routes: health, the linking pages, the one-time pages (`/d`, `/f`, `/c`,
`/q`), `/events`, `/admin`, and the sandboxes standing in for what is not configured."""

from __future__ import annotations

from collections.abc import Mapping

import structlog
from aiohttp import web

from bot.config import SANDBOX_CABINET_PATH, PrivacyMode, Settings
from bot.contacts_web import create_contacts_app
from bot.document_web import create_document_app
from bot.factory.resources import Resources
from bot.filing_web import create_form_app
from bot.flows.new_policy import WEB_PURPOSE as BUY_PURPOSE
from bot.flows.policy_change import WEB_PURPOSE as CHANGE_PURPOSE
from bot.i18n import create_core
from bot.identity import SANDBOX_ESIA_PATH
from bot.new_policy_web import NewPolicyQuestions
from bot.policy_change_web import PolicyChangeQuestions
from bot.questions_web import create_questions_app
from bot.web import create_web_app
from bot.web_guard import PerIpLimit, add_security_headers
from bot.web_outage import unavailable_without_redis
from documents import FORM_TTL
from linking.channels import Channel
from linking.web import create_link_app, too_many_requests
from notify.admin_api import create_admin_app
from notify.events import EventLimits, EventsWebhook
from storage.redis import KEY_PREFIX

log = structlog.get_logger(__name__)


def create_app(
    settings: Settings, resources: Resources, *, bot_usernames: Mapping[Channel, str]
) -> web.Application:
    """The process's web server: health, the linking pages, and the sandboxes that stand in
    for a cabinet and an identity provider that are not configured. `bot_usernames`: the bot's
    name in each messenger it runs in (a sign-in's return link opens that chat)."""
    app = create_web_app(engine=resources.engine, redis=resources.redis)
    app.middlewares.append(unavailable_without_redis)
    add_security_headers(app, https=settings.web.public_url.startswith("https://"))
    link_limit, events_limit, refused_limit = (
        PerIpLimit(
            resources.redis,
            prefix=KEY_PREFIX,
            group=group,
            per_minute=per_minute,
            trusted_proxies=settings.web.trusted_proxies,
        )
        for group, per_minute in (
            ("link", settings.web.rate_limit_link),
            ("events", settings.web.rate_limit_events),
            ("events-refused", settings.web.rate_limit_events_refused),
        )
    )
    app.add_subapp(
        "/link",
        create_link_app(
            resources.link_flow,
            bot_usernames=bot_usernames,
            support_contacts=settings.staff.support_contacts,
            middlewares=[link_limit.middleware(too_many_requests)],
        ),
    )
    core = create_core(settings.chat.default_locale.value)
    app.on_startup.append(lambda _: core.startup())
    app.add_subapp(
        "/d",
        create_document_app(
            resources.document_links,
            resources.cabinet,
            core,
            resources.session_factory,
            resources.renderers,
        ),
    )
    form_links = resources.document_links.with_ttl(FORM_TTL)
    app.add_subapp(
        "/f",
        create_form_app(
            form_links,
            resources.cabinet,
            core,
            resources.session_factory,
            middlewares=[link_limit.middleware(too_many_requests)],
        ),
    )
    app.add_subapp(
        "/c",
        create_contacts_app(
            form_links,
            resources.cabinet,
            core,
            resources.session_factory,
            middlewares=[link_limit.middleware(too_many_requests)],
        ),
    )
    app.add_subapp(
        "/q",
        create_questions_app(
            form_links,
            resources.cabinet,
            core,
            resources.session_factory,
            purposes={
                BUY_PURPOSE: NewPolicyQuestions(),
                CHANGE_PURPOSE: PolicyChangeQuestions(),
            },
            middlewares=[link_limit.middleware(too_many_requests)],
        ),
    )
    EventsWebhook(
        secret=resources.wiring.events_secret,
        session_factory=resources.session_factory,
        core=core,
        strict=settings.chat.privacy_mode is PrivacyMode.STRICT,
        cabinet=resources.cabinet,
        doorbell=resources.doorbell,
        limits=EventLimits(signed=events_limit.retry_after, refused=refused_limit.retry_after),
        support_contacts=settings.staff.support_contacts,
    ).add_to(app)
    if (
        settings.staff.admin_api_token is not None
        and settings.staff.admin_api_token.get_secret_value()
    ):
        app.add_subapp(
            "/admin",
            create_admin_app(
                token=settings.staff.admin_api_token.get_secret_value(),
                session_factory=resources.session_factory,
                policies=resources.cabinet,
            ),
        )
    if resources.identity.sandbox_app is not None:
        log.warning(
            "sandbox_esia_mounted",
            url=settings.web.public_url + SANDBOX_ESIA_PATH,
            hint="test citizens only; set IDP=esia or IDP=oidc for real sign-in",
        )
        app.add_subapp(SANDBOX_ESIA_PATH, resources.identity.sandbox_app)
    if resources.wiring.sandbox is not None:
        log.warning(
            "sandbox_cabinet_mounted",
            url=resources.wiring.sandbox.public_url,
            hint="demo data only; set CABINET_URL and CABINET_TOKEN for the insurer's cabinet",
        )
        # Only now: a bot with a real cabinet never loads the sandbox.
        from sandbox.cabinet import create_app as create_sandbox_cabinet  # noqa: PLC0415

        app.add_subapp(SANDBOX_CABINET_PATH, create_sandbox_cabinet(resources.wiring.sandbox))
    return app
