## Payouts
payouts-heading = <b>Выплаты</b> · { $period }
payouts-title = Выплаты · { $period }
payouts-period = { $date_from } — { $date_to }
payouts-preset-this_year = Этот год
payouts-preset-last_year = Прошлый год
payouts-preset-last_12_months = 12 месяцев
payouts-preset-chosen = ✅ { $preset }
payouts-empty = За этот период выплат нет.
payouts-unavailable = Личный кабинет временно недоступен, и выплаты сейчас не загрузить. Попробуйте через несколько минут.
payout-line =
    { $paid_on } · <b>{ NUMBER($amount, minimumFractionDigits: 2) } ₽</b> · { $status }
    Получатель { $recipient } · обращение № { $claim }
payout-line-strict = { $paid_on } · { $status } · обращение № { $claim }
payout-status-scheduled = запланирована
payout-status-sent = отправлена
payout-status-failed = не прошла
payout-status-returned = возвращена
payouts-total = Выплат: { $count } · всего отправлено: <b>{ NUMBER($total, minimumFractionDigits: 2) } ₽</b>
payouts-total-strict = Выплат: { $count }. Суммы и получатель — по кнопке «Подробнее» и в выгрузке.
payouts-xlsx = 📊 Excel
payouts-pdf = 📄 PDF

## Payouts: the XLSX and PDF statements
payouts-column-date = Дата
payouts-column-amount = Сумма, ₽
payouts-column-status = Статус
payouts-column-recipient = Получатель
payouts-column-claim = Обращение
payouts-total-label = Всего отправлено
payouts-date = { $d }
payouts-amount = { NUMBER($amount, minimumFractionDigits: 2) } ₽
payouts-statement-total = Всего отправлено: { NUMBER($total, minimumFractionDigits: 2) } ₽ · выплат: { $count }
payouts-sheet = Выплаты
payouts-xlsx-date-format = DD.MM.YYYY
