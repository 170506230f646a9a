## Рассылки сотрудников (/broadcast, только ADMIN_IDS)
broadcast-compose =
    <b>Новая рассылка</b>
    Пришлите сообщение для рассылки: текст с оформлением или фото/документ с подписью. Получатели увидят его ровно так же.
broadcast-compose-wrong = Нужен текст, фото или документ.
broadcast-compose-command = Это похоже на команду. Пришлите текст рассылки или нажмите «Отменить».
broadcast-caption-too-long = Подпись к фото или документу — не длиннее { $limit } символов.
broadcast-button =
    <b>Кнопка-ссылка</b>
    Пришлите её одной строкой: <code>Текст кнопки | https://example.ru/…</code> — или нажмите «Без кнопки».
broadcast-button-wrong = Не получилось разобрать кнопку. Формат: <code>Текст кнопки | https://…</code> (текст до 64 символов, ссылка с https://).
broadcast-no-button = Без кнопки ➡️
broadcast-audience =
    <b>Кому отправить?</b>
broadcast-audience-all = 👥 Всем подключённым
broadcast-audience-product = 📄 Владельцам продукта
broadcast-audience-locale = 🌐 По языку
broadcast-product = <b>Владельцам какого продукта?</b>
broadcast-locale = <b>Пользователям с каким языком?</b>
broadcast-category =
    <b>Категория</b>
    Сервисные сообщения получают все выбранные пользователи, рекламные — только давшие согласие на рекламу (38-ФЗ).
broadcast-category-service = 🛠 Сервисная
broadcast-category-marketing = 📣 Рекламная
broadcast-invalid = Сообщение не отправить: { $reason }
broadcast-confirm =
    <b>Проверьте рассылку</b>
    Выше — предпросмотр: так сообщение увидят получатели.
    Кому: { $audience }
    Категория: { $category }
    Получателей: { $count }
broadcast-confirm-unknown = ⚠️ Не удалось проверить полисы у { $unknown } клиентов: они не получат сообщение.
broadcast-send = ✅ Отправить
broadcast-cancel = ✖️ Отменить
broadcast-closed = Рассылка отменена, ничего не отправлено.
broadcast-progress =
    <b>Рассылка №{ $id }</b> идёт
    Отправлено: { $sent } из { $total }
    Не доставлено: { $failed }
    Заблокировали бота: { $blocked }
    Осталось: { $pending }
    Примерное время до конца: { $eta }
broadcast-report-done =
    <b>Рассылка №{ $id } завершена</b>
    Отправлено: { $sent } из { $total }
    Не доставлено: { $failed }
    Заблокировали бота: { $blocked }
broadcast-report-cancelled =
    <b>Рассылка №{ $id } остановлена</b>
    Отправлено: { $sent } из { $total }
    Не доставлено: { $failed }
    Заблокировали бота: { $blocked }
    Не отправлено: { $cancelled }
broadcast-finished-done = Рассылка №{ $id } завершена.
broadcast-finished-cancelled = Рассылка №{ $id } остановлена.
broadcast-stop = ⛔ Остановить
broadcast-refresh = 🔄 Обновить
broadcast-stopped = Рассылка остановлена
broadcast-not-found = Такой рассылки нет. Номер рассылки: /broadcast 12
