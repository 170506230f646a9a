"""What a person who typed instead of pressing wants: a free-text router in Russian and English,
with no external service.

Each action has word stems with weights. A word of the message matches a stem when its
beginning is close enough to the stem (rapidfuzz's ratio, so «заявленя», «полес» or
«certficate» still count); an action scores the weights of the stems its words matched, each
stem once. The best one or two actions above the threshold are offered; nothing above it
is «Не понял». The corpus in `tests/test_intents.py` measures the accuracy.
"""

from __future__ import annotations

import enum
import re

from rapidfuzz import fuzz

THRESHOLD = 1.0
SIMILAR = 80  # rapidfuzz ratio (0–100) between a word's beginning and a stem
_WORDS = re.compile(r"[a-zа-я0-9]+")


class Action(enum.StrEnum):
    FILE_CLAIM = "file_claim"
    CLAIM_STATUS = "claim_status"
    CERTIFICATE = "certificate"
    PAYOUTS = "payouts"
    RENEW = "renew"
    BUY_POLICY = "buy_policy"
    CHANGE_POLICY = "change_policy"
    POLICY_PDF = "policy_pdf"
    DOCUMENTS = "documents"
    SUPPORT = "support"
    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    LANGUAGE = "language"
    NOTIFICATIONS = "notifications"
    CONTACTS = "contacts"


#: Stems (lower case, ё as е) and their weights. A stem of 4 letters or fewer must match
#: exactly at the word's beginning; longer ones tolerate a typo.
STEMS: dict[Action, dict[str, float]] = {
    Action.FILE_CLAIM: {
        "дтп": 2,
        "авари": 2,
        "угнал": 2,
        "угон": 2,
        "затопи": 2,
        "залил": 2,
        "пожар": 2,
        "украл": 2,
        "разбил": 1.5,
        "врезал": 2,
        "поцарапа": 1.5,
        "страховслуча": 2.5,
        "случилос": 1,
        "подат": 1,
        "подам": 1,
        "заявит": 1.5,
        "оформит": 0.5,
        "заявлен": 0.6,
        "убыт": 0.6,
        "травм": 1.5,
        "больниц": 1,
        "врач": 1,
        "accident": 2,
        "crash": 2,
        "stolen": 2,
        "theft": 2,
        "flood": 2,
        "damag": 1.5,
        "file": 1,
        "report": 0.6,
        "claim": 0.6,
        "injured": 1.5,
        "injury": 1.5,
        "hospital": 1,
    },
    Action.CLAIM_STATUS: {
        "статус": 2,
        "рассмотр": 1.5,
        "заявлен": 0.6,
        "убыт": 1,
        "обращен": 1,
        "решени": 1,
        "когда": 0.3,
        "состояни": 1.5,
        "мое": 0.2,
        "мои": 0.2,
        "status": 2,
        "progress": 1.5,
        "decision": 1,
        "claim": 0.9,
        "my": 0.2,
    },
    Action.CERTIFICATE: {
        "справк": 2.5,
        "вычет": 2,
        "налог": 1.5,
        "ндфл": 2,
        "фнс": 1.5,
        "выписк": 1,
        "certificat": 2.5,
        "tax": 1.5,
        "deduct": 2,
        "statement": 1,
    },
    Action.PAYOUTS: {
        "выплат": 2.5,
        "деньг": 1.5,
        "перевел": 1,
        "перечисл": 1.5,
        "пришл": 0.5,
        "придут": 0.5,
        "компенсац": 1.5,
        "сумм": 0.5,
        "payout": 2.5,
        "paid": 1,
        "money": 1.5,
        "payment": 0.7,
        "compensat": 1.5,
        "refund": 1,
    },
    Action.RENEW: {
        "продл": 2.5,
        "продол": 0.5,
        "оплат": 1.5,
        "заплат": 1.5,
        "истека": 1.5,
        "заканчива": 1.5,
        "пролонг": 2,
        "срок": 0.5,
        "renew": 2.5,
        "extend": 2,
        "pay": 1.5,
        "expir": 1.5,
    },
    # Only the person's own words open the products (38-ФЗ: prices are not offered unasked).
    Action.BUY_POLICY: {
        "купит": 2.5,
        "куплю": 2.5,
        "покупк": 2.5,
        "приобрест": 2.5,
        "застрахова": 2,
        "новый": 0.5,
        "buy": 2.5,
        "purchase": 2.5,
        "new": 0.5,
    },
    # A change to a policy: a driver, the sum insured, the plate (the cabinet decides which).
    Action.CHANGE_POLICY: {
        "водител": 2.5,
        "вписат": 2,
        "впиши": 2,
        "госномер": 2,
        "driver": 2.5,
        "plate": 2,
    },
    Action.POLICY_PDF: {
        "полис": 1.5,
        "договор": 1,
        "pdf": 1.5,
        "скача": 1.5,
        "распечата": 1.5,
        "копи": 1,
        "документ": 0.5,
        "мой": 0.2,
        "policy": 1.5,
        "download": 1.5,
        "print": 1.5,
        "copy": 1,
    },
    Action.DOCUMENTS: {
        "документ": 1,
        "файл": 1,
        "загружен": 1,
        "почт": 1,
        "email": 1.5,
        "mail": 1,
        "documents": 1,
        "files": 1,
        "uploaded": 1,
    },
    Action.SUPPORT: {
        "поддержк": 2.5,
        "оператор": 2.5,
        "человек": 1.5,
        "жалоб": 2,
        "пожалова": 2,
        "позвон": 1.5,
        "телефон": 1.5,
        "связат": 1.5,
        "помощ": 1,
        "помогит": 1,
        "вопрос": 1,
        "support": 2.5,
        "operator": 2.5,
        "human": 1.5,
        "complain": 2,
        "call": 1,
        "phone": 1.5,
        "help": 1,
        "contact": 1.5,
        "question": 1,
    },
    Action.SIGN_IN: {
        "войт": 2,
        "вход": 2,
        "госуслуг": 1.5,
        "авториз": 2,
        "логин": 1.5,
        "пароль": 1.5,
        "привяз": 1.5,
        "зайти": 1.5,
        "sign": 1,
        "login": 2,
        "log": 1,
        "gosuslug": 1.5,
        "password": 1.5,
        "link": 0.7,
    },
    Action.SIGN_OUT: {
        "выйт": 2,
        "выход": 2,
        "разлогин": 2.5,
        "отвяз": 2.5,
        "logout": 2.5,
        "out": 1,
        "unlink": 2.5,
        "disconnect": 2,
    },
    Action.LANGUAGE: {
        "язык": 2.5,
        "английск": 2,
        "русск": 1.5,
        "english": 2.5,
        "language": 2.5,
        "russian": 1.5,
        "англ": 1.5,
    },
    Action.NOTIFICATIONS: {
        "уведомлен": 2.5,
        "оповещ": 2.5,
        "рассылк": 2,
        "спам": 2,
        "тих": 1,
        "ночь": 1,
        "ночью": 1,
        "присылат": 1,
        "беспоко": 1.5,
        "notificat": 2.5,
        "alert": 2,
        "quiet": 1.5,
        "spam": 2,
        "newsletter": 2,
        "stop": 0.7,
        "messages": 0.7,
    },
    # The person's own phone and e-mail; «телефон страховой» is support's (its stem weighs more).
    Action.CONTACTS: {
        "почт": 1.5,
        "email": 2.5,
        "имейл": 2.5,
        "емейл": 2.5,
        "мейл": 2,
        "контактн": 2,
        "телефон": 0.5,
        "номер": 0.3,
        "смен": 0.7,
        "помен": 0.7,
        "измен": 0.7,
        "mail": 1.5,
        "phone": 0.5,
        "change": 0.7,
        "update": 0.7,
    },
}
#: Word pairs that mean something the single words do not.
PHRASES: dict[Action, tuple[str, ...]] = {
    Action.FILE_CLAIM: (
        "страховой случай",
        "страховом случае",
        "страховому случаю",
        "подать заявлен",
        "заявление на выплат",
    ),
    Action.SIGN_IN: ("не могу войти", "не пускает", "sign in", "log in", "cant log"),
    Action.SIGN_OUT: ("sign out", "log out", "выйти из"),
    Action.SUPPORT: ("живой человек", "real person"),
    Action.CONTACTS: (
        "сменить телефон",
        "поменять телефон",
        "изменить телефон",
        "новый телефон",
        "новый номер",
        "сменил номер",
        "сменила номер",
        "поменял номер",
        "поменяла номер",
        "контактные данные",
        "change phone",
        "change my phone",
        "update my phone",
        "update phone",
        "new phone",
        "contact details",
    ),
    Action.DOCUMENTS: ("мои документ", "все документ", "my documents", "all documents"),
    Action.CHANGE_POLICY: (
        "изменить полис",
        "изменения в полис",
        "страховую сумму",
        "страховая сумма",
        "sum insured",
        "change my policy",
        "change the policy",
    ),
}


def words_of(text: str) -> list[str]:
    return _WORDS.findall(text.lower().replace("ё", "е"))


def _matches(word: str, stem: str) -> bool:
    if len(stem) <= 4 or len(word) < len(stem) - 1:
        return word.startswith(stem)
    return fuzz.ratio(word[: len(stem)], stem) >= SIMILAR


def scores(text: str) -> dict[Action, float]:
    words = words_of(text)
    joined = " ".join(words)
    squeezed = "".join(words)
    result: dict[Action, float] = {}
    for action, stems in STEMS.items():
        score = sum(
            weight
            for stem, weight in stems.items()
            if any(_matches(word, stem) for word in words) or (len(stem) > 8 and stem in squeezed)
        )
        score += 2.5 * sum(phrase in joined for phrase in PHRASES.get(action, ()))
        if score:
            result[action] = score
    return result


def recognise(text: str, limit: int = 2) -> list[Action]:
    """The one or two actions the text most likely asks for, best first; [] when unsure."""
    ranked = sorted(scores(text).items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] < THRESHOLD:
        return []
    best = ranked[0][1]
    # A second action only when it is nearly as likely as the first.
    return [action for action, score in ranked[:limit] if score >= max(THRESHOLD, best * 0.75)]
