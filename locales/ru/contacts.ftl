## Контактные данные (Настройки): телефон и e-mail, смена с кодом подтверждения
settings-contacts = 📇 Контактные данные
contacts-title =
    <b>📇 Контактные данные</b>
    На них страховая компания присылает SMS, письма и коды подтверждения.
# $phone, $email: the contact as the chat may show it (masked in strict mode), or «не указан»
contacts-phone = 📱 Телефон: { $phone }
contacts-email = ✉️ E-mail: { $email }
contacts-none = не указан
contacts-unconfirmed = { $value } (не подтверждён)
contacts-change-email = ✉️ Изменить e-mail
contacts-change-phone = 📱 Изменить телефон
contacts-refresh = 🔄 Обновить
contacts-web-note = Изменить телефон или e-mail можно на защищённой странице: в этом режиме контакты не передаются через мессенджер. Ссылка открывается один раз и действует { $minutes } минут.
contacts-web-use-page = В этом режиме контакты не принимаются в чате. Нажмите «Изменить e-mail» или «Изменить телефон» — откроется защищённая страница.

contacts-ask-email =
    Введите новый адрес электронной почты — на него придёт письмо с кодом подтверждения.
    Например: ivan.petrov@mail.ru
contacts-ask-phone =
    Введите новый номер мобильного телефона — на него придёт SMS с кодом подтверждения.
    Например: +7 916 123-45-67 или 8 916 123-45-67
contacts-not-email = ❗ Это не похоже на адрес электронной почты: нужен вид имя@почта.ru. Проверьте и введите ещё раз.
contacts-not-phone = ❗ Не получилось прочитать номер: нужен мобильный номер — +7 или 8 и ещё 10 цифр (номер другой страны — с «+» и кодом страны). Проверьте и введите ещё раз.
contacts-rejected-email = ❗ Страховая компания не приняла этот адрес. Проверьте его и введите ещё раз.
contacts-rejected-phone = ❗ Страховая компания не приняла этот номер. Проверьте его и введите ещё раз.
contacts-unchanged-email = ❗ Этот e-mail уже указан у вас и подтверждён. Введите другой адрес или вернитесь назад.
contacts-unchanged-phone = ❗ Этот номер уже указан у вас и подтверждён. Введите другой номер или вернитесь назад.
contacts-unavailable = ⚠️ Личный кабинет страховой компании сейчас не ответил, код не отправлен. Введённое сохранено — нажмите «Отправить код» через минуту.
# $typed: the value typed before the cabinet was unavailable
contacts-send-again = 📨 Отправить код на { $typed }

# $value: where the code went; $until: when it stops working; $left: attempts left
contacts-code-sent-email =
    Мы отправили письмо с кодом на <b>{ $value }</b>.
    Введите код сюда — он действует до { $until }. Попыток: { $left }.
contacts-code-sent-phone =
    Мы отправили SMS с кодом на <b>{ $value }</b>.
    Введите код сюда — он действует до { $until }. Попыток: { $left }.
contacts-not-a-code = ❗ Код — это цифры из письма или SMS (обычно 6). Введите только их.
contacts-wrong-code = ❌ Код не подходит. { $left ->
        [one] Осталась { $left } попытка.
        [few] Осталось { $left } попытки.
       *[other] Осталось { $left } попыток.
    }
contacts-code-expired = ⌛ Срок действия кода истёк. Нажмите «Отправить код ещё раз» — придёт новый.
contacts-code-resent = 📨 Отправили новый код. Прежний больше не действует.
contacts-unavailable-code = ⚠️ Личный кабинет страховой компании сейчас не ответил. Введите код ещё раз через минуту — он ещё действует.
contacts-resend = 🔁 Отправить код ещё раз
contacts-other-email = ✏️ Ввести другой адрес
contacts-other-phone = ✏️ Ввести другой номер
contacts-cancel = Отменить смену
contacts-change-cancelled = Смена отменена, контакты прежние.
contacts-changed-email = ✅ E-mail изменён.
contacts-changed-phone = ✅ Телефон изменён.
contacts-too-many-email = ⛔ Код введён неверно 3 раза, поэтому смена e-mail отменена. Чтобы начать заново, нажмите «Изменить e-mail» — придёт новый код.
contacts-too-many-phone = ⛔ Код введён неверно 3 раза, поэтому смена телефона отменена. Чтобы начать заново, нажмите «Изменить телефон» — придёт новый код.

## Страница смены контакта (строгий режим; простой текст: страница его экранирует)
contacts-web-title-email = Новый адрес электронной почты
contacts-web-title-phone = Новый номер телефона
contacts-web-current = Сейчас: { $value }
contacts-web-label-email = Новый e-mail
contacts-web-label-phone = Новый номер мобильного телефона
contacts-web-hint-email = Например: ivan.petrov@mail.ru. На него придёт письмо с кодом.
contacts-web-hint-phone = Например: +7 916 123-45-67. На него придёт SMS с кодом.
contacts-web-send = Получить код
contacts-web-code-label = Код из письма или SMS
contacts-web-code-sent = Код отправлен на { $value }. Он действует до { $until }. Попыток: { $left }.
contacts-web-confirm = Подтвердить
contacts-web-done-title-email = E-mail изменён
contacts-web-done-title-phone = Телефон изменён
contacts-web-done-text = Готово. Вернитесь в { $messenger }: контактные данные там уже новые.
contacts-web-done-chat-email = ✅ <b>E-mail изменён</b> на защищённой странице: { $value }.
contacts-web-done-chat-phone = ✅ <b>Телефон изменён</b> на защищённой странице: { $value }.
contacts-web-open = 📇 Контактные данные
contacts-web-expired-title = Ссылка устарела или уже использована
contacts-web-expired-text = Ссылка на страницу открывается один раз и действует 30 минут. Вернитесь в { link-chat } и нажмите «Изменить e-mail» или «Изменить телефон» снова.
contacts-web-cancelled-title = Смена отменена
contacts-web-cancelled-text = Код введён неверно 3 раза, поэтому смена отменена, контакты прежние. Чтобы начать заново, вернитесь в { link-chat } и нажмите «Изменить» ещё раз — придёт новый код.
contacts-unavailable-web = Личный кабинет страховой компании сейчас не ответил. Введённое сохранено — отправьте форму ещё раз через минуту.
contacts-web-resend = Отправить код ещё раз
