## The linking pages (plain text: the page escapes it). $messenger: Telegram, Max, or unknown
## (a page that cannot tell which chat it came from). The one-time pages' texts (bot.ftl,
## contacts.ftl, filing.ftl, questions.ftl) refer to link-chat too: an expired link knows no one.
link-chat = { $messenger ->
    [unknown] чат с ботом
   *[other] { $messenger }
}
link-in-chat = { $messenger ->
    [unknown] чате с ботом
   *[other] { $messenger }
}
link-done-title = Готово — вернитесь в { $messenger }
link-done-text = Мы проверили вашу учётную запись Госуслуг. Вернитесь в { $messenger }, чтобы завершить вход.
link-done-button = Открыть { $messenger }
link-done-desktop = Если { $messenger } на компьютере не открыл чат с ботом, отправьте боту эту команду:
link-done-private = Никому не пересылайте эту команду и ссылку: они подключают ваш аккаунт к тому аккаунту { $messenger }, из которого начат вход.
link-expired-title = Ссылка устарела или уже использована
link-expired-text = Вернитесь в { link-chat } и нажмите «Войти через Госуслуги» ещё раз. Ссылка для входа действует 10 минут и только один раз.
link-denied-title = Вы отказались предоставить доступ
link-denied-text = Без доступа к данным Госуслуг мы не можем найти ваши полисы. Если передумаете, нажмите «Войти через Госуслуги» в { link-in-chat } ещё раз.
link-unverified-title = Учётная запись Госуслуг не подтверждена
link-unverified-text = Войти можно только с подтверждённой учётной записью. Подтвердите личность на gosuslugi.ru: в МФЦ или центре обслуживания, в онлайн-банке (Сбер, Т-Банк, ВТБ и др.) или заказным письмом Почты России — и повторите вход.
link-unavailable-title = Не удалось войти через Госуслуги
link-unavailable-text = Госуслуги сейчас не ответили или вернули ошибку. Попробуйте через несколько минут: нажмите «Войти через Госуслуги» в { link-in-chat } ещё раз.
link-unavailable-code = Код ошибки: { $code }. { $advice }
link-cabinet-down-title = Вход не завершён
link-cabinet-down-text = Госуслуги подтвердили вашу личность, но личный кабинет страховой компании сейчас не отвечает. Попробуйте через несколько минут: нажмите «Войти через Госуслуги» в { link-in-chat } ещё раз.
link-untrusted-title = Вход не подтверждён
link-untrusted-text = Ответ сервиса входа не прошёл нашу проверку безопасности, поэтому мы не стали привязывать аккаунт. Это не ваша ошибка. Попробуйте войти ещё раз через несколько минут; если повторится — напишите в поддержку: { $contacts }
link-untrusted-code = Код проверки: { $code } — назовите его поддержке.
link-advice-later = Похоже на временный сбой на стороне Госуслуг.
link-advice-restart = Сеанс входа истёк — начните вход заново.
link-advice-setup = Ошибка настройки входа на стороне страховой компании; пожалуйста, сообщите в поддержку.
link-ambiguous-title = Нашлось несколько ваших записей клиента
link-ambiguous-text = Вход через Госуслуги выполнен, но в страховой компании на ваше имя несколько записей клиента (так бывает, если паспорт или фамилия менялись). Напишите в поддержку и назовите код { $reference } — записи объединят, и вход заработает: { $contacts }
link-not-customer-title = Мы не нашли вас среди клиентов
link-not-customer-text = Вход через Госуслуги выполнен, но полисов на ваше имя мы не нашли. Если вы наш клиент, обратитесь в поддержку: { $contacts }
link-too-many-title = Слишком много попыток
link-too-many-text = С вашего адреса было слишком много запросов. Подождите { $seconds } с и попробуйте ещё раз.
service-down-title = Сервис временно недоступен
service-down-text = Мы уже восстанавливаем работу. Обновите страницу через минуту — ничего повторно вводить не нужно.
