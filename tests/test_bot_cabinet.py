"""What a user notices when the cabinet fails: a translated message, never an incident, and
data from before the outage marked with its time."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aiogram.filters import Command
from aiogram.types import Message
from aiogram_i18n import I18nContext

from bot.flows.readings import stale_note
from cabinet import CabinetClient
from cabinet.models import Identity
from tests.conftest import Backend
from tests.flows import STALE
from tests.harness import RunningBot, running_bot
from tests.sandbox_server import TOKEN, SandboxServer, running_sandbox

# The subject is the conversation (texts and buttons): one backend is enough.
pytestmark = pytest.mark.backends("embedded")

ALICE = 2002


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with running_sandbox() as server:
        yield server


@pytest.fixture
async def app(migrated: Backend, sandbox: SandboxServer) -> AsyncIterator[RunningBot]:
    async with running_bot(
        migrated, cabinet_url=sandbox.base_url, cabinet_token=TOKEN, flood_rate=50
    ) as running:
        customer = await running.resources.cabinet.resolve_customer(
            Identity.model_validate({"provider": "sandbox", "subject": "1000000077"})
        )

        async def claims(message: Message, cabinet: CabinetClient, i18n: I18nContext) -> None:
            # A stand-in for the claims screen of the conversations issue.
            reading = await cabinet.claims(customer.customer_id, locale=i18n.locale)
            note = stale_note(reading, i18n, "Europe/Moscow")
            await message.answer(f"{note}\nclaims: {reading.value.total}".strip())

        running.dp.message.register(claims, Command("claims"))
        yield running


async def test_live_data_has_no_note(app: RunningBot) -> None:
    reply = await app.say(ALICE, "/claims")
    assert re.fullmatch(r"claims: \d+", reply.text or "")


async def test_an_outage_without_cached_data_is_explained_not_an_incident(
    app: RunningBot, sandbox: SandboxServer
) -> None:
    await sandbox.switches(down=True)
    reply = await app.say(ALICE, "/claims")
    assert "временно недоступен" in (reply.text or "")
    assert "инцидент" not in (reply.text or "")
    english = await app.say(ALICE + 1, "/claims", language_code="en")
    assert "temporarily unavailable" in (english.text or "")


async def test_an_outage_shows_the_last_known_data_with_its_time(
    app: RunningBot, sandbox: SandboxServer
) -> None:
    live = await app.say(ALICE, "/claims")
    app.resources.cabinet.cache.fresh_for = 0  # as if the fresh period had passed
    await sandbox.switches(down=True)
    stale = await app.say(ALICE, "/claims")
    body = stale.text or ""
    assert re.search(STALE, body), body
    assert body.endswith(live.text or "")
