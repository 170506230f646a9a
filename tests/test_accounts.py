"""Accounts keyed by (channel, id) (`storage/accounts.py`): one person may be linked from a
Telegram and a Max account at once; each account keeps its own link, language and consent,
an alert reaches each through its own messenger, and linking again moves a link only within
a messenger."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from linking.service import LinkService
from notify.broadcasts import Audience, recipients
from storage.accounts import Channel, account_id, max_group
from storage.models import Consent, Link, OutboxMessage, User
from tests.conftest import Backend
from tests.flows import linked_bot
from tests.harness import RunningBot
from tests.test_events import customer_of, event_body, post
from tests.test_linking import ALICE, BOB

MAX_ALICE = account_id(Channel.MAX, ALICE)  # the same number in Max: another account


async def _bind(app: RunningBot, user_id: int, like: Link) -> int | None:
    """Link the account to the identity `like` has (what a sign-in in its messenger does);
    whose link it took, if anyone's."""
    async with app.resources.session_factory() as session:
        if await session.get(User, user_id) is None:
            session.add(User(id=user_id, locale="en"))
            await session.flush()
        binding = await LinkService(session).bind(
            user_id,
            provider=like.provider,
            subject=like.subject,
            customer_id=like.customer_id,
            level=like.level,
            display_name=like.display_name,
        )
        await session.commit()
        return binding.moved_from


async def _links(app: RunningBot) -> dict[int, tuple[str, str]]:
    async with app.resources.session_factory() as session:
        found = await session.scalars(select(Link))
        return {link.user_id: (link.channel, link.customer_id) for link in found}


async def test_a_person_linked_from_telegram_and_max_hears_an_alert_in_each(
    migrated: Backend,
) -> None:
    async with linked_bot(migrated) as app:
        customer = await customer_of(app)
        async with app.resources.session_factory() as session:
            telegram_link = await session.get(Link, ALICE)
        assert telegram_link is not None

        assert await _bind(app, MAX_ALICE, telegram_link) is None, "Telegram's link stays"
        assert await _links(app) == {
            ALICE: ("telegram", customer),
            MAX_ALICE: ("max", customer),
        }

        body = event_body(customer)
        assert (await post(app, body)).status_code == 204
        async with app.resources.session_factory() as session:
            rows = await session.scalars(
                select(OutboxMessage).where(OutboxMessage.event_id == body["event_id"])
            )
            sent = {row.chat_id: (row.channel, row.payload["text"]) for row in rows}
        assert sent[ALICE][0] == "telegram"
        assert "через 7 дн" in sent[ALICE][1], "Telegram's account reads Russian"
        assert sent[MAX_ALICE][0] == "max"
        assert "in 7 days" in sent[MAX_ALICE][1], "Max's account its own language"

        async with app.resources.session_factory() as session:
            everyone = await recipients(session, Audience("all"), "service")
        assert sorted(everyone.chat_ids) == sorted([ALICE, MAX_ALICE])


async def test_linking_again_moves_a_link_within_its_messenger_only(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        customer = await customer_of(app)
        async with app.resources.session_factory() as session:
            telegram_link = await session.get(Link, ALICE)
        assert telegram_link is not None
        await _bind(app, MAX_ALICE, telegram_link)

        assert await _bind(app, BOB, telegram_link) == ALICE, "Telegram's link moves to Bob"
        assert await _links(app) == {BOB: ("telegram", customer), MAX_ALICE: ("max", customer)}
        async with app.resources.session_factory() as session:
            consented = set(await session.scalars(select(Consent.user_id)))
        assert consented == {ALICE}, "consent is the account's own: it stays, Max's gave none"

        await app.dp["profiles"].refresh(ALICE, locale="ru")  # as the bind handler does
        menu = await app.say(ALICE, "/menu")
        assert "🔑 Войти через Госуслуги" in [b["text"] for b in app.tg.buttons(menu)]


def test_a_max_group_chat_is_numbered_apart_from_every_account() -> None:
    """Max's ids of people and of chats may be equal: the staff's group chat -70555 must not
    be the chat of Max's user 70555 (account -70555), nor of anyone."""
    group = max_group(-70555)
    assert group != account_id(Channel.MAX, 70555)
    assert group < account_id(Channel.MAX, 2**53 - 1), "below every account id"
    assert max_group(-70555) != max_group(70555)
    with pytest.raises(ValueError, match="not a Max chat id"):
        max_group(-(2**53))
