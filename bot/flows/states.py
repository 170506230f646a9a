from aiogram.fsm.state import State, StatesGroup


class ConsentSG(StatesGroup):
    ask = State()
    declined = State()


class MenuSG(StatesGroup):
    main = State()
    help = State()


class SettingsSG(StatesGroup):
    main = State()


class RevokeSG(StatesGroup):
    confirm = State()
