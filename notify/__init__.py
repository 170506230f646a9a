"""Delivery: the cabinet's events become alerts, staff broadcasts and support answers reach
their chats — every one an outbox row per recipient, sent by workers through one Redis rate
limiter shared by every process (see ../shared/DESIGN.md, "Delivery engine")."""
