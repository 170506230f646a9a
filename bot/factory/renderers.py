"""The document renderers, gathered once at start-up from the flows that define them.

Each of these flows declares `RENDERERS = {kind: function}`; nothing registers itself on
import. A flow that starts making a new kind of document adds it there, and its module here.
"""

from __future__ import annotations

from documents import Renderers


def flow_renderers() -> Renderers:
    """Every kind of document the bot makes (the dialogs, `/d`, the delivery workers)."""
    # Imported when called: a process that renders nothing does not load the flows for it.
    from bot.flows import (  # noqa: PLC0415
        certificates,
        claims,
        my_documents,
        payouts_card,
        payouts_statement,
        policies,
        renewal,
    )

    return Renderers(
        policies.RENDERERS,
        claims.RENDERERS,
        renewal.RENDERERS,
        payouts_card.RENDERERS,
        payouts_statement.RENDERERS,
        certificates.RENDERERS,
        my_documents.RENDERERS,
    )
