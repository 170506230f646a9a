"""The linking flow's codes: opaque and bound to their payload; a sign-in's codes single use and
short-lived, the chat's login ticket standing."""

from __future__ import annotations

import asyncio
import re

import pytest
from fakeredis import FakeAsyncRedis

from linking.channels import Channel, channel_of, deep_link
from linking.codes import CodeKind, CodeStore
from storage.accounts import account_id, account_of


@pytest.fixture
async def store() -> CodeStore:
    return CodeStore(FakeAsyncRedis(), prefix="test")


async def test_a_code_is_opaque_and_fits_a_deep_link(store: CodeStore) -> None:
    codes = {await store.issue(CodeKind.BIND, {"user_id": 1}) for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", code)
        assert len(f"b_{code}") <= 64


async def test_a_code_is_taken_once(store: CodeStore) -> None:
    code = await store.issue(CodeKind.BIND, {"user_id": 7, "chat_id": 7})
    payload = await store.take(CodeKind.BIND, code)
    assert payload is not None
    assert {k: v for k, v in payload.items() if k != "issued_at"} == {"user_id": 7, "chat_id": 7}
    assert await store.take(CodeKind.BIND, code) is None


async def test_a_chats_login_ticket_stands_however_often_it_is_shown_or_opened() -> None:
    """Every menu shows the same «Войти» address, and each press starts a sign-in: a button
    in an old message never meets «Ссылка устарела»."""
    redis = FakeAsyncRedis()
    store = CodeStore(redis, prefix="test")
    first = await store.ticket(user_id=7, chat_id=7, locale="ru")
    await redis.expire(f"test:link:login:{first}", 60)  # nearly gone: showing it again renews
    again = await store.ticket(user_id=7, chat_id=7, locale="en")
    assert again == first
    assert await redis.ttl(f"test:link:login:{first}") > 89 * 24 * 3600
    for _ in range(3):
        assert await store.open_ticket(first) == {
            "user_id": 7,
            "chat_id": 7,
            "locale": "en",
        }
    assert await store.ticket(user_id=8, chat_id=8, locale="ru") != first
    await store.cancel_user(7)  # a sign-out ends sign-ins under way, not the button
    assert await store.open_ticket(first) is not None
    await store.forget_ticket(user_id=7, chat_id=7)  # /revoke: the person asked to be forgotten
    assert await store.open_ticket(first) is None
    assert await store.ticket(user_id=7, chat_id=7, locale="ru") != first


async def test_a_state_is_a_random_uuid_as_esia_requires(store: CodeStore) -> None:
    state = await store.issue(CodeKind.STATE, {"verifier": "v"})
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", state
    )
    assert await store.take(CodeKind.STATE, state.upper()) is None
    assert (await store.take(CodeKind.STATE, state) or {}).get("verifier") == "v"


async def test_racing_takers_get_it_once(store: CodeStore) -> None:
    code = await store.issue(CodeKind.STATE, {"verifier": "v"})
    results = await asyncio.gather(*(store.take(CodeKind.STATE, code) for _ in range(10)))
    assert [r["verifier"] for r in results if r is not None] == ["v"]


async def test_a_code_of_one_kind_is_nothing_as_another(store: CodeStore) -> None:
    code = await store.issue(CodeKind.BIND, {"user_id": 1})
    assert await store.open_ticket(code) is None
    ticket = await store.ticket(user_id=1, chat_id=1, locale="ru")
    assert await store.take(CodeKind.BIND, ticket) is None
    assert await store.take(CodeKind.BIND, code) is not None


@pytest.mark.parametrize("forged", ["", "short", "x" * 44, "a" * 42 + "/", "../" * 15, "*" * 43])
async def test_malformed_codes_are_refused(store: CodeStore, forged: str) -> None:
    assert await store.take(CodeKind.BIND, forged) is None


async def test_codes_live_10_and_5_minutes_and_a_cancellation_outlives_a_sign_in() -> None:
    redis = FakeAsyncRedis()
    store = CodeStore(redis, prefix="test")
    for kind, seconds in ((CodeKind.STATE, 600), (CodeKind.BIND, 300)):
        code = await store.issue(kind, {"user_id": 1})
        assert 0 < await redis.ttl(f"test:link:{kind.value}:{code}") <= seconds
    await store.cancel_user(1)
    # A sign-in begun just before may still hold a state and then a bind code: 15 minutes.
    assert await redis.ttl("test:link:cancelled:telegram:1") > 600 + 300 - 5


async def test_an_expired_code_is_gone() -> None:
    redis = FakeAsyncRedis()
    store = CodeStore(redis, prefix="test")
    code = await store.issue(CodeKind.BIND, {"user_id": 1})
    ttl = await redis.ttl(f"test:link:bind:{code}")
    assert 0 < ttl <= 300
    await redis.expire(f"test:link:bind:{code}", 0)
    assert await store.take(CodeKind.BIND, code) is None


async def test_cancelling_voids_the_users_outstanding_codes_only(store: CodeStore) -> None:
    mine = await store.issue(CodeKind.STATE, {"user_id": 1, "chat_id": 1})
    carried = await store.issue(CodeKind.BIND, {"user_id": 1, "issued_at": 0.0})
    theirs = await store.issue(CodeKind.STATE, {"user_id": 2, "chat_id": 2})
    await store.cancel_user(1)
    later = await store.issue(CodeKind.STATE, {"user_id": 1, "chat_id": 1})
    assert await store.take(CodeKind.STATE, mine) is None
    assert await store.take(CodeKind.BIND, carried) is None, "older by its sign-in's start"
    assert await store.take(CodeKind.STATE, theirs) is not None
    assert await store.take(CodeKind.STATE, later) is not None


async def test_users_are_their_messengers(store: CodeStore) -> None:
    """Telegram's user 5 and Max's user 5 are two people (two accounts): two tickets, and
    cancelling one's sign-ins leaves the other's."""
    max_5 = account_id(Channel.MAX, 5)
    telegram = await store.ticket(user_id=5, chat_id=5, locale="ru")
    max_ = await store.ticket(user_id=max_5, chat_id=max_5, locale="ru")
    assert telegram != max_
    assert channel_of(await store.open_ticket(max_) or {}) is Channel.MAX
    assert channel_of(await store.open_ticket(telegram) or {}) is Channel.TELEGRAM
    started = await store.issue(CodeKind.STATE, {"user_id": max_5, "chat_id": max_5})
    await store.cancel_user(5)  # Telegram's user 5 logged out
    assert await store.take(CodeKind.STATE, started) is not None
    again = await store.issue(CodeKind.STATE, {"user_id": max_5, "chat_id": max_5})
    await store.cancel_user(max_5)
    assert await store.take(CodeKind.STATE, again) is None


def test_each_messenger_has_its_own_deep_link() -> None:
    assert deep_link(Channel.TELEGRAM, "cabinet_bot", "b_x") == "https://t.me/cabinet_bot?start=b_x"
    assert deep_link(Channel.MAX, "cabinet_bot", "b_x") == "https://max.ru/cabinet_bot?start=b_x"
    deep_link(Channel.MAX, "b", "x" * 128)
    with pytest.raises(ValueError, match="at most 64"):
        deep_link(Channel.TELEGRAM, "b", "x" * 65)
    assert channel_of({"user_id": 7}) is Channel.TELEGRAM, "a code from before is Telegram's"


def test_an_account_id_says_the_messenger_and_its_user() -> None:
    assert account_id(Channel.TELEGRAM, 5) == 5, "a Telegram account is its user id"
    assert account_id(Channel.MAX, 5) != 5
    for channel in Channel:
        assert account_of(account_id(channel, 2**62)) == (channel, 2**62)
        with pytest.raises(ValueError, match="is positive"):
            account_id(channel, 0)
    with pytest.raises(ValueError, match="no account"):
        account_of(0)
