## Заявить о страховом случае
menu-file_claim = 📝 Заявить о страховом случае
button-menu = 🏠 Главное меню

filing-choose-policy =
    <b>Заявить о страховом случае</b>
    Выберите полис, по которому случилось событие.
filing-no-policies = Сейчас нет действующих полисов, по которым можно заявить онлайн. Позвоните в страховую компанию — номер в разделе «Помощь».
filing-policy-not-claimable = По этому полису заявить онлайн нельзя. Позвоните в страховую компанию — номер в разделе «Помощь».
filing-resume =
    <b>У вас есть незаконченное заявление</b>
    { $kind } по полису № { $policy }, начато { $started_on }.
    Продолжите с того места, где остановились, или удалите черновик.
filing-resume-button = ▶️ Продолжить заявление
filing-delete-button = 🗑 Удалить черновик
filing-new-button = 📝 Новое заявление
filing-choose-kind =
    <b>Что случилось?</b>
    Выберите, что произошло, — дальше спросим только нужное.

filing-field =
    <b>Шаг { $step } из { $steps }. { $title }</b>
filing-field-hint = { $hint }
filing-field-current = Сейчас: { $current }
filing-field-type-date = Выберите день в календаре, нажмите «Сегодня» или «Вчера», или напишите дату: 03.12.2026.
filing-field-type-amount = Напишите сумму в рублях, например: 45 000.
filing-field-type-text = Напишите ответ одним сообщением, до { $max_length } символов.
filing-today = Сегодня
filing-yesterday = Вчера
filing-yes = Да
filing-no = Нет
filing-skip = ⏭ Пропустить
filing-keep = ✔️ Оставить как есть
filing-kept-offline = Кабинет страховой компании сейчас недоступен: ответ сохранён здесь и уйдёт в кабинет перед отправкой заявления.

filing-date-future = Эта дата ещё не наступила. Выберите день не позже сегодняшнего.
filing-date-outside = Дата вне срока действия полиса: он действует с { $starts_on } по { $ends_on }.
filing-date-invalid = Не получилось прочитать дату. Напишите её так: 03.12.2026 — или выберите день в календаре.
filing-amount-invalid = Не получилось прочитать сумму. Напишите только число рублей, например: 45 000 или 45000,50.
filing-amount-range = Сумма должна быть от { NUMBER($low, minimumFractionDigits: 2) } до { $high } ₽.
filing-text-empty = Ответ пустой. Напишите его текстом.
filing-text-too-long = Текст длиннее { $limit } символов (в нём { $length }). Сократите его и отправьте ещё раз.
filing-yes-no-invalid = Нажмите «Да» или «Нет».
filing-choice-invalid = Выберите один из вариантов кнопкой.
filing-not-an-answer = Сейчас нужен ответ на вопрос выше — текстом или кнопкой.
filing-file-held = 📎 Файл сохранён (всего { $count }) — приложим его на шаге «Документы». А сейчас ответьте на вопрос выше.

filing-circumstances-title = Обстоятельства
filing-circumstances =
    <b>Шаг { $step } из { $steps }. Что случилось?</b>
    Опишите своими словами, как всё произошло, одним сообщением — до { $limit } символов.
filing-circumstances-current = Сейчас: { $current }

filing-documents =
    <b>Шаг { $step } из { $steps }. Документы</b>
    { $checklist }

    Пришлите: <b>{ $title }</b> — { $formats } до { $limit } МБ, не больше { $max_files ->
        [one] { $max_files } файла
       *[other] { $max_files } файлов
    }. Можно сразу несколько — альбомом.
filing-documents-added = Добавлено { $count ->
        [one] { $count } файл
        [few] { $count } файла
       *[other] { $count } файлов
    }: { $added }
filing-photo = фото
filing-doc-sent = ✅ { $title } — { $count ->
        [one] { $count } файл
        [few] { $count } файла
       *[other] { $count } файлов
    }
filing-doc-optional = ▫️ { $title } — по желанию
filing-doc-later = ⏳ { $title } — нужно, можно прислать позже
filing-doc-needed = ❗ { $title } — обязательно
filing-attach-held = 📎 Приложить сохранённые файлы ({ $held })
filing-next = ➡️ Дальше
filing-later = ⏭ Добавлю позже
filing-not-now = ⏭ Не сейчас
filing-file-wrong-type = Этот документ принимается в формате { $formats }. Пришлите файл в нём или сфотографируйте документ.
filing-file-too-many = Для этого документа уже достаточно файлов ({ $max_files }). Нажмите «Дальше».
filing-file-unavailable = Кабинет страховой компании сейчас недоступен, файл не приложен. Пришлите его ещё раз через пару минут — дважды он не попадёт.

filing-review =
    <b>Проверьте заявление</b>
    { $kind } · полис № { $policy }
    { $answers }
    Что случилось: { $circumstances }
filing-review-answer = { $title } — { $value }
filing-review-missing = ❗ { $title } — не заполнено
filing-review-documents =
    {""}
    <b>Документы</b>
    { $checklist }
filing-review-incomplete = ❗ Чтобы отправить заявление, заполните: { $missing }.
filing-submit = ✅ Отправить заявление
filing-edit = ✏️ { $title }
filing-submit-unavailable = Кабинет страховой компании сейчас недоступен, заявление не отправлено. Всё сохранено: нажмите «Отправить заявление» ещё раз через пару минут — зарегистрируем его один раз.
filing-incomplete = В заявлении не хватает данных — они отмечены ❗ ниже.
filing-draft-gone = Этого черновика больше нет: заявление уже отправлено или удалено. Проверьте раздел «Обращения».
filing-deleted = 🗑 Черновик удалён.

filing-done =
    ✅ <b>Заявление № { $number } зарегистрировано</b>
    Регистрацию подтвердим до { $registration_due_on }: назначим специалиста, он будет вести ваше дело.
    Решение — до { $decision_due_on } ({ $days ->
        [one] { $days } рабочий день
        [few] { $days } рабочих дня
       *[other] { $days } рабочих дней
    }), если не понадобятся другие документы.
    О каждом шаге сообщим здесь.
filing-done-missing =
    Осталось прислать:
    { $missing }
    Добавьте их кнопкой «Добавить документ» в карточке обращения.
filing-open-claim = 📋 Открыть обращение

filing-value-date = { $day }
filing-value-amount = { NUMBER($amount, minimumFractionDigits: 2) } ₽
filing-value-text = { $text }
filing-value-yes = да
filing-value-no = нет

## Заявление в строгом режиме: одноразовая веб-форма
filing-web-step =
    <b>Заполните заявление в защищённой форме</b>
    { $kind } · полис № { $policy }
    Ответы и документы — ваши персональные данные, поэтому мы не просим их в чате. Откройте форму кнопкой ниже: ссылка одноразовая и действует { $minutes } минут.
    Заполнено: { $done } из { $total }. Когда всё готово, отправьте заявление в форме или здесь.
filing-web-step-gone = Этого черновика больше нет: заявление отправлено или удалено. Проверьте раздел «Обращения».
filing-web-open = 📝 Заполнить заявление
filing-web-refresh = 🔄 Обновить
filing-web-use-form = В строгом режиме ответы и документы не принимаются в чате. Заполните заявление в форме — кнопка «Заполнить заявление» выше.
filing-web-title = Заявление о страховом случае
filing-web-policy = полис № { $number }
filing-web-errors = Проверьте отмеченные поля: остальное сохранено.
filing-web-saved = Сохранено. Можно продолжить позже — по новой ссылке из { $messenger }.
filing-web-save = Сохранить
filing-web-choose = — выберите —
filing-web-circumstances = Что случилось — своими словами, до { $limit } символов
filing-web-files = Приложено: { $names }
filing-web-later = Пока не приложено — можно прислать и после отправки
filing-web-none = Пока не приложено
filing-web-file-hint = { $formats } до { $limit } МБ, не больше { $max_files } файлов
filing-web-file-type = Файл «{ $name }» не подходит: нужен { $formats }.
filing-web-done-title = Заявление зарегистрировано
filing-web-done-text = Номер заявления — { $number }. Решение — до { $decision_due_on }, если не понадобятся другие документы. Вернитесь в { $messenger }: о каждом шаге сообщим там.
filing-web-done-chat = ✅ <b>Заявление № { $number } зарегистрировано.</b> Сроки и что дальше — в карточке обращения.
filing-web-gone-title = Черновика больше нет
filing-web-gone-text = Заявление уже отправлено или черновик удалён. Вернитесь в { link-chat }: раздел «Обращения».
filing-web-expired-title = Ссылка устарела или уже использована
filing-web-expired-text = Ссылка на форму открывается один раз и действует 30 минут. Вернитесь в { link-chat } и нажмите «Заполнить заявление» снова — введённое ранее сохранено.
filing-web-refused = Кабинет страховой компании не принял часть ответов. Проверьте их и сохраните ещё раз — введённое сохранено на странице.
