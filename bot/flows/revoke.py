"""/revoke: withdraw the personal-data consent (152-ФЗ, ст. 9 ч. 2) after a confirmation.

A linked person's withdrawal is also told to the cabinet (`linking/withdrawals.py`), so the
insurer's consent records agree: the notice is stored with the revocation and sent after the
person has their answer; while the cabinet is down the delivery workers send it again. The
revocation itself never waits for the cabinet.
"""

from __future__ import annotations

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, ShowMode
from aiogram_dialog.widgets.kbd import Button, Row
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.access import cabinet_of
from bot.flows.deps import deps
from bot.flows.home import open_home
from bot.flows.screen import Screen
from bot.flows.states import RevokeSG
from bot.flows.widgets import T, i18n_of
from cabinet.models import Channel
from linking import withdrawals
from linking.channels import messenger_name
from linking.consent import ConsentService
from linking.flow import LinkFlow
from storage.accounts import account_of
from storage.db import erase_deleted
from storage.profiles import Profile, ProfileStore


async def on_confirm(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
    session: AsyncSession = deps(manager).session
    profile: Profile = deps(manager).profile
    profiles: ProfileStore = deps(manager).profiles
    flow: LinkFlow = deps(manager).link_flow
    i18n = i18n_of(manager)
    notice = None
    channel = account_of(profile.user_id).channel
    if profile.customer_id is not None:
        notice = await withdrawals.record(
            session,
            profile.customer_id,
            channel=Channel(channel.value),
            consent_version=profile.consent_version,
        )
    withdrawal = await ConsentService(session).withdraw(profile.user_id)  # the link too
    await session.commit()
    await erase_deleted(session)
    await flow.forget_user(profile.user_id, profile.customer_id)
    if callback.message is not None:  # the old menus' «Войти» buttons lead nowhere now
        await flow.codes.forget_ticket(user_id=profile.user_id, chat_id=callback.message.chat.id)
    await deps(manager).document_links.forget_user(profile.user_id)
    await profiles.forget(profile.user_id)
    await manager.reset_stack()
    await deps(manager).state.clear()
    if callback.message is not None:
        await callback.message.answer(
            i18n.get(
                "revoke-done",
                consents=withdrawal.consents,
                messages=withdrawal.messages,
                linked=1 if profile.linked else 0,
                audit=withdrawal.audit_records_anonymized,
                messenger=messenger_name(channel),
            )
        )
    if notice is not None:  # after the answer: a slow cabinet does not keep the person waiting
        factory = deps(manager).session_factory
        await withdrawals.send(factory, cabinet_of(manager), notice.id)


async def on_keep(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await open_home(manager, show_mode=ShowMode.EDIT)


def revoke_dialog() -> Dialog:
    return Dialog(
        Screen(
            T("revoke-confirm"),
            Row(
                Button(T("revoke-yes"), id="revoke", on_click=on_confirm),
                Button(T("revoke-no"), id="keep", on_click=on_keep),
            ),
            state=RevokeSG.confirm,
        ),
    )
