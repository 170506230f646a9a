## Payouts
payouts-heading = <b>Выплаты</b> · { $period }
payouts-title = Выплаты · { $period }
payouts-title-filtered = Выплаты · { $period } · { $filter }
payouts-filter-on = Фильтр: { $filter }
payouts-period = { $date_from } — { $date_to }
payouts-preset-this_year = Этот год
payouts-preset-last_year = Прошлый год
payouts-preset-last_12_months = 12 месяцев
payouts-preset-chosen = ✅ { $preset }
payouts-empty = За этот период выплат нет.
payouts-unavailable = Личный кабинет временно недоступен, и выплаты сейчас не загрузить. Попробуйте через несколько минут.
payout-line =
    { $paid_on } · <b>{ NUMBER($amount, minimumFractionDigits: 2) } ₽</b> · { $status }
    Получатель { $recipient } · { $basis }
payout-line-strict = { $paid_on } · { $status } · { $basis }
# what a payout is made under: a claim, or (a premium refund) a policy; $number as the chat may show it
payout-basis-claim = обращение № { $number }
payout-basis-refund = возврат премии по полису № { $number }
payout-status-scheduled = запланирована
payout-status-sent = отправлена
payout-status-failed = не прошла
payout-status-returned = возвращена
payout-type-indemnity = страховое возмещение
payout-type-expenses = возмещение расходов
payout-type-premium_refund = возврат премии
payout-button = { $paid_on } · { NUMBER($amount, minimumFractionDigits: 2) } ₽
payout-button-strict = { $paid_on } · { $status }
payouts-counted-sent = всего отправлено
payouts-counted-scheduled = всего запланировано
payouts-counted-failed = всего не прошло
payouts-counted-returned = всего возвращено
payouts-total = Выплат: { $count } · { $counted }: <b>{ NUMBER($total, minimumFractionDigits: 2) } ₽</b>
payouts-total-strict = Выплат: { $count }. Суммы и получатель — по кнопке «Подробнее» и в выгрузке.
payouts-xlsx = 📊 Excel
payouts-pdf = 📄 PDF

## Payouts: another period and the filter
payouts-period-custom = 📅 Другой период
payouts-choose-from =
    <b>Выплаты: начало периода</b>
    Выберите первый день в календаре или напишите дату, например 01.02.2025.
payouts-choose-to =
    <b>Выплаты: конец периода</b>
    Начало: { $period_from }.
    Выберите последний день в календаре или напишите дату, например 31.12.2025.
payouts-not-a-date = Это не дата. Напишите её так: 01.02.2025 — или выберите день в календаре.
payouts-date-before-start = Конец периода не может быть раньше его начала ({ $period_from }). Выберите другой день.
payouts-date-too-far = Так далеко выплаты не планируются: выберите день не позже чем через год.
payouts-filter = 🔽 Фильтр
payouts-filter-prompt =
    <b>Фильтр выплат</b>
    Выберите статус и вид выплаты — список, итог и выгрузка покажут только их.
payouts-filter-all-status = Все статусы
payouts-filter-all-type = Все виды
payouts-filter-show = 👀 Показать
payouts-filter-reset = Сбросить фильтр

## Payouts: a payout's card
payout-card-title = <b>Выплата от { $paid_on }</b>
payout-card-amount = Сумма: <b>{ NUMBER($amount, minimumFractionDigits: 2) } ₽</b>
payout-card-status = Статус: { $status } · { $type }
payout-card-claim = Обращение № { $number }
payout-card-policy = Полис № { $number }
payout-card-recipient = Получатель: { $name }
payout-card-bank = Банк: { $bank }, счёт { $account }
payout-card-purpose = Назначение платежа: { $purpose }
payout-card-documents = Документы: { $names }
payout-card-failure = ⚠️ Почему не дошла: { $reason }
payout-card-failure-unknown = ⚠️ Банк не сообщил причину. Мы свяжемся с вами, чтобы отправить выплату повторно.
payout-card-strict = Сумма, получатель и реквизиты — по кнопке «Подробнее».
payout-page-title = Выплата от { $paid_on }
payout-open-claim = 📋 Открыть обращение
payout-open-policy = 📄 Открыть полис

## Payouts: the XLSX and PDF statements
payouts-column-date = Дата
payouts-column-amount = Сумма, ₽
payouts-column-status = Статус
payouts-column-recipient = Получатель
payouts-column-claim = Обращение
payouts-column-policy = Полис (возврат премии)
payouts-total-label-sent = Всего отправлено
payouts-total-label-scheduled = Всего запланировано
payouts-total-label-failed = Всего не прошло
payouts-total-label-returned = Всего возвращено
payouts-date = { $d }
payouts-amount = { NUMBER($amount, minimumFractionDigits: 2) } ₽
payouts-statement-total = { $label }: { NUMBER($total, minimumFractionDigits: 2) } ₽ · выплат: { $count }
payouts-sheet = Выплаты
payouts-xlsx-date-format = DD.MM.YYYY
