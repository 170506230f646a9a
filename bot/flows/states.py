from aiogram.fsm.state import State, StatesGroup


class ConsentSG(StatesGroup):
    ask = State()
    declined = State()


class MenuSG(StatesGroup):
    main = State()
    help = State()
    login_help = State()
    sign_in = State()


class SettingsSG(StatesGroup):
    main = State()
    alerts = State()
    quiet = State()
    zone = State()
    marketing = State()
    # «Мои данные»
    my_data = State()
    copy = State()
    correction = State()
    correction_confirm = State()
    requested = State()


class OffersSG(StatesGroup):
    list = State()


class ContactsSG(StatesGroup):
    main = State()
    value = State()
    code = State()


class RevokeSG(StatesGroup):
    confirm = State()


class LogoutSG(StatesGroup):
    confirm = State()


class PoliciesSG(StatesGroup):
    list = State()
    detail = State()
    pay = State()
    renew_check = State()
    renew_change = State()
    renew_term = State()
    renew_quote = State()
    renew_terms = State()
    renew_pay = State()
    buy_products = State()
    buy_about = State()
    buy_question = State()
    buy_start = State()
    buy_quote = State()
    buy_pay = State()
    change_options = State()
    change_about = State()
    change_question = State()
    change_quote = State()
    change_pay = State()
    change_sent = State()


class ClaimsSG(StatesGroup):
    list = State()
    detail = State()
    message = State()
    upload = State()
    offer_file = State()
    offer_text = State()


class FilingSG(StatesGroup):
    resume = State()
    policy = State()
    kind = State()
    field = State()
    circumstances = State()
    documents = State()
    review = State()
    web_form = State()
    done = State()


class CertificatesSG(StatesGroup):
    menu = State()
    type = State()
    period = State()
    custom_from = State()
    custom_to = State()
    purpose = State()
    confirm = State()
    done = State()
    orders = State()
    order = State()


class DocumentsSG(StatesGroup):
    list = State()
    document = State()


class PayoutsSG(StatesGroup):
    list = State()
    detail = State()
    filter = State()
    custom_from = State()
    custom_to = State()


class FeedbackSG(StatesGroup):
    start = State()
    # a question to support
    topic = State()
    text = State()
    screenshot = State()
    confirm = State()
    sent = State()
    # a review
    rating = State()
    comment = State()
    reviewed = State()
    # the person's questions
    mine = State()
    question = State()
    follow_up = State()
    followed_up = State()


class BroadcastSG(StatesGroup):
    compose = State()
    button = State()
    audience = State()
    product = State()
    locale = State()
    category = State()
    confirm = State()
