"""The person's preferences as words: a time zone's name, the quiet hours."""

from __future__ import annotations

from aiogram_i18n import I18nContext

# Quiet-hour presets: id → (from, to); equal times mean none.
QUIET_PRESETS: dict[str, tuple[str, str]] = {
    "22-09": ("22:00", "09:00"),
    "23-08": ("23:00", "08:00"),
    "00-07": ("00:00", "07:00"),
    "off": ("00:00", "00:00"),
}
# A few Russian time zones: IANA name → the label's key suffix.
ZONES: dict[str, str] = {
    "Europe/Kaliningrad": "kaliningrad",
    "Europe/Moscow": "moscow",
    "Europe/Samara": "samara",
    "Asia/Yekaterinburg": "yekaterinburg",
    "Asia/Omsk": "omsk",
    "Asia/Krasnoyarsk": "krasnoyarsk",
    "Asia/Irkutsk": "irkutsk",
    "Asia/Yakutsk": "yakutsk",
    "Asia/Vladivostok": "vladivostok",
    "Asia/Magadan": "magadan",
    "Asia/Kamchatka": "kamchatka",
}


def zone_label(i18n: I18nContext, zone: str) -> str:
    suffix = ZONES.get(zone)
    return i18n.get(f"alerts-zone-{suffix}") if suffix else zone


def quiet_label(i18n: I18nContext, quiet_from: str, quiet_to: str) -> str:
    if quiet_from == quiet_to:
        return i18n.get("alerts-quiet-none")
    return i18n.get("alerts-quiet-range", **{"from": quiet_from, "to": quiet_to})
