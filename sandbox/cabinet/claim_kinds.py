"""What can be claimed online, per product: the insured events, the fields each asks for and
the documents it needs (the contract's `listClaimTypes`).

This is the back office's own catalogue; the bot renders whatever it finds here and knows
no product itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sandbox.cabinet.texts import Text

JSON = dict[str, Any]

ANY_FILE = ("application/pdf", "image/jpeg", "image/png")
IMAGES = ("image/jpeg", "image/png")
FIVE_MB = 5 * 1024 * 1024


@dataclass(frozen=True)
class Field:
    id: str
    kind: str  # date | text | amount | choice | yes_no
    title: Text
    required: bool = True
    hint: Text | None = None
    max_length: int = 200
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    options: tuple[tuple[str, Text], ...] = ()

    def render(self) -> JSON:
        rendered: JSON = {
            "id": self.id,
            "kind": self.kind,
            "title": self.title.ru,
            "title_en": self.title.en,
            "required": self.required,
        }
        if self.hint:
            rendered |= {"hint": self.hint.ru, "hint_en": self.hint.en}
        if self.kind == "text":
            rendered["max_length"] = self.max_length
        if self.min_amount is not None:
            rendered["min_amount"] = f"{self.min_amount:.2f}"
        if self.max_amount is not None:
            rendered["max_amount"] = f"{self.max_amount:.2f}"
        if self.options:
            rendered["options"] = [
                {"id": key, "title": title.ru, "title_en": title.en} for key, title in self.options
            ]
        return rendered


@dataclass(frozen=True)
class Requirement:
    id: str
    title: Text
    required: bool = True
    can_add_later: bool = False
    content_types: tuple[str, ...] = ANY_FILE
    max_files: int = 3

    def render(self) -> JSON:
        return {
            "id": self.id,
            "title": self.title.ru,
            "title_en": self.title.en,
            "required": self.required,
            "can_add_later": self.can_add_later,
            "content_types": list(self.content_types),
            "max_bytes": FIVE_MB,
            "max_files": self.max_files,
        }


@dataclass(frozen=True)
class ClaimKind:
    id: str
    title: Text
    claim_type: str
    fields: tuple[Field, ...]
    documents: tuple[Requirement, ...] = field(default=())
    #: Working days to a decision once everything is in.
    decision_days: int = 15

    def field(self, field_id: str) -> Field | None:
        return next((f for f in self.fields if f.id == field_id), None)

    def requirement(self, requirement_id: str) -> Requirement | None:
        return next((r for r in self.documents if r.id == requirement_id), None)

    def render(self) -> JSON:
        return {
            "id": self.id,
            "title": self.title.ru,
            "title_en": self.title.en,
            "claim_type": self.claim_type,
            "fields": [f.render() for f in self.fields],
            "documents": [d.render() for d in self.documents],
        }


def _date(title: Text) -> Field:
    return Field("event_date", "date", title)


_PLACE = Field(
    "place",
    "text",
    Text("Где это случилось", "Where it happened"),
    hint=Text("Город, улица, дом или трасса и километр.", "Town, street, or road and kilometre."),
    max_length=200,
)
_RECORDED = Field(
    "recorded_by",
    "choice",
    Text("Как оформлено ДТП", "How the accident was recorded"),
    options=(
        ("europrotocol", Text("Европротокол", "European accident report")),
        ("traffic_police", Text("Сотрудники ГИБДД", "Traffic police")),
    ),
)
_INJURED = Field("injured", "yes_no", Text("Есть пострадавшие?", "Was anyone injured?"))
_ESTIMATE = Field(
    "damage_estimate",
    "amount",
    Text("Примерная сумма ущерба, ₽", "Estimated damage, ₽"),
    required=False,
    min_amount=Decimal("1.00"),
    max_amount=Decimal("5000000.00"),
)
_NOTICE = Requirement(
    "accident_notice", Text("Извещение о ДТП (европротокол)", "Accident notice"), max_files=2
)
_PHOTOS = Requirement(
    "damage_photos",
    Text("Фотографии повреждений", "Photos of the damage"),
    can_add_later=True,
    content_types=IMAGES,
    max_files=10,
)
_POLICE = Requirement(
    "police_report",
    Text("Справка или постановление ГИБДД", "Traffic police report"),
    required=False,
)
_ACCIDENT_FIELDS = (_date(Text("Дата ДТП", "Date of the accident")), _PLACE, _RECORDED, _INJURED)

_ROAD_ACCIDENT = ClaimKind(
    "road_accident",
    Text("ДТП", "Road accident"),
    "vehicle_damage",
    (*_ACCIDENT_FIELDS, _ESTIMATE),
    (_NOTICE, _PHOTOS, _POLICE),
)

KINDS_BY_PRODUCT: dict[str, tuple[ClaimKind, ...]] = {
    "osago": (_ROAD_ACCIDENT,),
    "kasko": (
        _ROAD_ACCIDENT,
        ClaimKind(
            "third_party",
            Text("Ущерб от третьих лиц", "Damage by third parties"),
            "vehicle_damage",
            (_date(Text("Дата обнаружения", "Date discovered")), _PLACE, _ESTIMATE),
            (
                Requirement(
                    "police_decision",
                    Text("Постановление полиции", "Police decision"),
                    can_add_later=True,
                ),
                _PHOTOS,
            ),
        ),
        ClaimKind(
            "theft",
            Text("Угон", "Theft"),
            "vehicle_theft",
            (
                _date(Text("Дата угона", "Date of the theft")),
                _PLACE,
                Field("keys_kept", "yes_no", Text("Все ключи у вас?", "Do you have all keys?")),
            ),
            (
                Requirement(
                    "police_report",
                    Text("Талон-уведомление полиции", "Police notification"),
                    can_add_later=True,
                ),
                Requirement(
                    "vehicle_documents",
                    Text("СТС или ПТС", "Vehicle registration"),
                    max_files=4,
                ),
            ),
            decision_days=30,
        ),
        ClaimKind(
            "natural_disaster",
            Text("Стихийное бедствие", "Natural disaster"),
            "vehicle_damage",
            (
                _date(Text("Дата события", "Date of the event")),
                Field(
                    "disaster",
                    "choice",
                    Text("Что произошло", "What happened"),
                    options=(
                        ("hail", Text("Град", "Hail")),
                        ("flood", Text("Паводок", "Flood")),
                        ("storm", Text("Ураган, падение дерева", "Storm, a falling tree")),
                    ),
                ),
                _ESTIMATE,
            ),
            (_PHOTOS,),
        ),
    ),
    "dms": (
        ClaimKind(
            "outpatient",
            Text("Амбулаторное лечение", "Outpatient treatment"),
            "medical",
            (
                _date(Text("Дата приёма", "Date of the visit")),
                Field(
                    "clinic",
                    "text",
                    Text("Клиника", "Clinic"),
                    max_length=150,
                ),
                Field(
                    "paid_amount",
                    "amount",
                    Text("Сколько вы заплатили, ₽", "How much you paid, ₽"),
                    min_amount=Decimal("1.00"),
                    max_amount=Decimal("1000000.00"),
                ),
            ),
            (
                Requirement("receipt", Text("Чек об оплате", "Payment receipt")),
                Requirement(
                    "medical_record",
                    Text("Выписка из медицинской карты", "Medical record extract"),
                    can_add_later=True,
                ),
            ),
            decision_days=10,
        ),
        ClaimKind(
            "inpatient",
            Text("Стационар", "Hospital stay"),
            "medical",
            (
                _date(Text("Дата госпитализации", "Date admitted")),
                Field("clinic", "text", Text("Больница", "Hospital"), max_length=150),
                Field(
                    "emergency",
                    "yes_no",
                    Text("Экстренная госпитализация?", "An emergency admission?"),
                ),
            ),
            (Requirement("discharge", Text("Выписной эпикриз", "Discharge summary")),),
            decision_days=20,
        ),
    ),
}

#: Policies in these statuses take claims.
CLAIMABLE_STATUSES = ("active", "expiring")


def kinds_for(product: str, status: str) -> tuple[ClaimKind, ...]:
    return KINDS_BY_PRODUCT.get(product, ()) if status in CLAIMABLE_STATUSES else ()
