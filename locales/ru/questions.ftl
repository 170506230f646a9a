## The questionnaire page of strict mode (`/q`, bot/questions_web.py): what every purpose shares
questions-web-required = Ответьте на этот вопрос.
questions-web-optional = (необязательно)
questions-web-no-answer = Не указывать
questions-web-errors = Проверьте отмеченные ответы — всё введённое осталось на странице.
questions-web-unavailable = Кабинет страховой компании сейчас недоступен. Всё введённое осталось на странице — отправьте ещё раз через минуту.
questions-web-expired-title = Ссылка устарела или уже использована
questions-web-expired-text = Ссылка на анкету открывается один раз и действует 30 минут. Вернитесь в { link-chat } и нажмите «Заполнить анкету» снова.
questions-web-gone-title = Анкета больше не нужна
questions-web-gone-text = То, для чего была эта анкета, больше не предлагается онлайн. Вернитесь в { link-chat } и выберите снова.
