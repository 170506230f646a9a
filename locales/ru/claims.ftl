## Claims
claims-title = <b>Ваши обращения</b>
claims-empty = Обращений пока нет.
# Max cuts long labels: there the status is its icon alone (the card says it in words).
claim-button = { $messenger ->
    [Max] { $badge } № { $number } · { $type }
   *[other] { $badge } { $status } · № { $number } · { $type }
}
# In the list: the status in words, and what needs the person's action said as such.
claim-list-status-registered = зарегистрировано
claim-list-status-in_review = на рассмотрении
claim-list-status-awaiting_documents = нужны документы
claim-list-status-approved = одобрено
claim-list-status-rejected = отказ
claim-list-status-paid = выплачено
claim-list-status-ready_for_pickup = направление готово
claim-list-status-closed = закрыто
claim-list-status-withdrawn = отозвано
claim-title = Обращение № { $number }
claim-detail =
    <b>Обращение № { $number }</b>
    { $type }
    Статус: { $badge } { $status }
    { $facts }

    <b>Ход рассмотрения</b>
    { $history }

    <b>Что дальше</b>
    { $next_step }
claim-reported = Заявлено: { $on }
claim-policy = Полис № { $number }
claim-amount-claimed = Заявленная сумма: { NUMBER($amount, minimumFractionDigits: 2) } ₽
claim-amount-approved = Одобрено к выплате: { NUMBER($amount, minimumFractionDigits: 2) } ₽
claim-when = { $at }
claim-history-entry = { $badge } { $when } — { $status }
claim-requested = Нужны документы: { $documents }
claim-documents = Загруженные документы: { $names }
claim-documents-count = Загружено документов: { $count }

claim-status-registered = зарегистрировано
claim-status-in_review = на рассмотрении
claim-status-awaiting_documents = ждём документы
claim-status-approved = выплата одобрена
claim-status-rejected = отказ
claim-status-paid = выплачено
claim-status-ready_for_pickup = направление готово
claim-status-closed = закрыто
claim-status-withdrawn = отозвано

claim-type-vehicle_damage = Повреждение автомобиля
claim-type-vehicle_theft = Угон автомобиля
claim-type-glass = Повреждение стёкол
claim-type-medical = Медицинская помощь
claim-type-property_damage = Ущерб имуществу
claim-type-travel_medical = Медицинская помощь в поездке
claim-type-accident = Несчастный случай
claim-type-other = Другое

claim-next-registered = Заявление зарегистрировано. В течение двух рабочих дней его возьмёт в работу специалист.
claim-next-in_review = Специалист рассматривает документы. Если понадобится что-то ещё, мы напишем.
claim-next-awaiting_documents = Загрузите запрошенные документы кнопкой «Добавить документ» — после этого рассмотрение продолжится.
claim-next-approved = Выплата одобрена. Деньги поступят на ваш счёт в течение пяти рабочих дней.
claim-next-rejected = В выплате отказано. Если вы не согласны с решением, запросите уточнение или обратитесь в поддержку.
claim-next-paid = Выплата отправлена на ваш счёт. Дело будет закрыто автоматически.
claim-next-ready_for_pickup = Направление на ремонт готово: получите его в офисе или в приложении.
claim-next-closed = Дело закрыто. Действий не требуется.
claim-next-withdrawn = Заявление отозвано. Действий не требуется.

claim-thread =
    {""}
    <b>Переписка со специалистом</b>
    { $thread }
claim-thread-title = Переписка со специалистом
claim-thread-you = Вы
claim-thread-handler = Специалист { $name }
claim-thread-message = { $who }, { $when }: { $text }
claim-thread-earlier = … ранее ещё сообщений: { $count } (все — в отчёте)
claim-thread-count = Сообщений в переписке: { $count }
claim-waiting-customer = ⏳ Ожидает вашего ответа — нажмите «Ответить».
claim-waiting-handler = ⏳ Ожидает ответа специалиста.
claim-waiting-handler-by = ⏳ Ожидает ответа специалиста — до { $due }.
claim-reply = ↩️ Ответить
claim-ask = ✉️ Запросить уточнение
claim-add-document = 📎 Добавить документ
claim-report = 🧾 Сохранить отчёт
claim-send-again = 🔁 Отправить ещё раз
claim-closed = Обращение закрыто: сообщения и документы к нему больше не принимаются.

## Clarification
claim-message-prompt =
    <b>Запрос уточнения</b>
    Напишите одним сообщением, что нужно уточнить, — до { $limit } символов. Его получит специалист, который ведёт ваше обращение.
claim-message-pending = ⏳ Ваше сообщение сохранено, но ещё не отправлено: кабинет был недоступен. Нажмите «Отправить ещё раз» или напишите новое.
claim-message-too-long = Сообщение длиннее { $limit } символов (в нём { $length }). Сократите его и отправьте ещё раз.
claim-message-not-text = Уточнение принимается только текстом. Файл можно добавить кнопкой «Добавить документ».
claim-message-refused = Страховая компания не приняла это сообщение. Проверьте текст и отправьте его ещё раз — или задайте вопрос в поддержку.
claim-message-done = ✅ Сообщение отправлено специалисту.

## Documents
claim-upload-prompt =
    <b>Добавить документ</b>
    Пришлите файл PDF, JPG или PNG до { $limit } МБ или фотографию документа.
claim-upload-pending = ⏳ Файл получен, но ещё не отправлен: кабинет был недоступен. Нажмите «Отправить ещё раз» или пришлите другой.
claim-upload-not-file = Нужен файл PDF, JPG или PNG до { $limit } МБ или фотография.
claim-file-too-big = Файл слишком большой: { NUMBER($size, maximumFractionDigits: 1) } МБ, а можно не больше { $limit } МБ. Уменьшите его или сфотографируйте документ.
claim-file-wrong-type = Такой файл не подходит: принимаются только PDF, JPG и PNG.
claim-upload-refused = Страховая компания не приняла этот файл. Проверьте, что он открывается, и пришлите его ещё раз — или другой файл.
claim-upload-done = ✅ Документ добавлен к обращению.

## The report (PDF)
claim-report-title = Отчёт по обращению № { $number }
claim-report-status = Статус: { $status }
claim-report-history = Ход рассмотрения
claim-report-when = Дата
claim-report-state = Статус
claim-report-comment = Комментарий
claim-report-next = Что дальше
claim-report-made = Отчёт сформирован { $when }.

## Файл или текст, присланные в карточку обращения
claim-offer-file = Прикрепить к обращению № { $number } { $count ->
        [one] этот файл
       *[other] эти файлы ({ $count })
    }?
claim-offer-text =
    Отправить это сообщение специалисту по обращению № { $number }?
    «{ $text }»
claim-offer-attach = 📎 Прикрепить
claim-offer-send = ✉️ Отправить специалисту
claim-offer-no = Нет
claim-files-added = ✅ Добавлено к обращению: { $count ->
        [one] { $count } файл
        [few] { $count } файла
       *[other] { $count } файлов
    } — { $names }.
claim-files-uploaded = ✅ Добавлено { $count ->
        [one] { $count } файл
        [few] { $count } файла
       *[other] { $count } файлов
    }: { $uploaded }
claim-upload-done-button = ✔️ Готово
claim-file-unavailable = Кабинет страховой компании сейчас недоступен, файл не добавлен. Пришлите его ещё раз через пару минут — дважды он не попадёт.
