## Оповещения о событиях кабинета
alert-claim-status =
    🔔 <b>Обращение № { $number }</b>
    Новый статус: { $status }
    { $next }
alert-claim-documents =
    📎 <b>Нужны документы по обращению № { $number }</b>
    { $documents }
    Загрузите их кнопкой «Добавить документ» — после этого рассмотрение продолжится.
alert-claim-documents-strict =
    📎 <b>Нужны документы по обращению № { $number }</b>
    Запрошено документов: { $count }. Список — в карточке обращения. Загрузите их кнопкой «Добавить документ» — после этого рассмотрение продолжится.
alert-certificate-ready = 📄 <b>Справка № { $number } готова.</b> Справка приложена.
alert-certificate-ready-strict = 📄 <b>Справка № { $number } готова.</b> Откройте её по одноразовой ссылке ниже.
alert-policy-expiring =
    ⏰ <b>Полис № { $number } заканчивается { $ends_on }</b> — через { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[other] { $days } дней
    }.
    Продлите его, чтобы не остаться без защиты.
alert-payment-succeeded = ✅ <b>Оплата получена</b>: { NUMBER($amount, minimumFractionDigits: 2) } ₽. Продлеваем полис — пришлём его, как только он будет готов.
alert-payment-succeeded-strict = ✅ <b>Оплата получена.</b> Продлеваем полис — пришлём его, как только он будет готов.
alert-policy-renewed = 🎉 <b>Полис продлён</b>: № { $number }, действует до { $ends_on }. Новый полис приложен.
alert-policy-renewed-strict = 🎉 <b>Полис продлён</b>: № { $number }, действует до { $ends_on }. Новый полис откроется по одноразовой ссылке ниже.
alert-policy-issued = 🎉 <b>Полис оформлен</b>: № { $number }, действует с { $starts_on } по { $ends_on }. Полис приложен, он есть и в разделе «Полисы».
alert-policy-issued-strict = 🎉 <b>Полис оформлен</b>: № { $number }, действует с { $starts_on } по { $ends_on }. Полис откроется по одноразовой ссылке ниже, он есть и в разделе «Полисы».
alert-payout-sent = 💸 <b>Выплата отправлена</b>: { NUMBER($amount, minimumFractionDigits: 2) } ₽. Деньги поступят на ваш счёт в течение 1–3 рабочих дней.
alert-payout-sent-strict = 💸 <b>Выплата отправлена.</b> Сумма и реквизиты — в разделе «Выплаты».

alert-claim-message =
    💬 <b>Специалист { $name } по обращению № { $number }:</b>
    { $text }
    { $due }
alert-claim-reply-by = Ответьте, пожалуйста, до { $due }.
alert-claim-message-strict =
    💬 <b>Новое сообщение от специалиста по обращению № { $number }.</b>
    Прочитайте его в карточке обращения и ответьте кнопкой «Ответить».
alert-button-reply = ↩️ Ответить
alert-certificate-rejected = ❌ <b>Справку № { $number } подготовить не удалось.</b> { $reason } Если нужна помощь, напишите в поддержку.
alert-certificate-rejected-strict = ❌ <b>Справку № { $number } подготовить не удалось.</b> Причина — в разделе «Справки» → «Мои заказы».
alert-payout-failed = ⚠️ <b>Выплата { NUMBER($amount, minimumFractionDigits: 2) } ₽ не прошла</b>: банк её не принял. { $reason } Напишите в поддержку, чтобы уточнить реквизиты.
alert-payout-failed-strict = ⚠️ <b>Выплата не прошла</b>: банк её не принял. Напишите в поддержку, чтобы уточнить реквизиты.
alert-payout-returned = ⚠️ <b>Выплата { NUMBER($amount, minimumFractionDigits: 2) } ₽ вернулась</b> от банка. { $reason } Напишите в поддержку, чтобы уточнить реквизиты.
alert-payout-returned-strict = ⚠️ <b>Выплата вернулась</b> от банка. Напишите в поддержку, чтобы уточнить реквизиты.
alert-button-upload = 📎 Добавить документ
alert-button-claim = 📋 Открыть обращение
alert-button-renew = 🔄 Продлить
alert-button-payouts = 💰 Открыть выплату

## Настройки → Уведомления
settings-alerts = 🔔 Уведомления
alerts-settings =
    <b>Уведомления</b>

    Нажмите на тему, чтобы включить или выключить уведомления о ней.
    Тихие часы: { $quiet }
    Часовой пояс: { $zone }
    Новости и предложения: { $marketing }
alerts-settings-note = Срочное — запрос документов, подтверждение оплаты и предупреждение о смене телефона или e-mail — приходит и в тихие часы. Предупреждения о смене контактов не отключаются.
alerts-category-claims = Обращения
alerts-category-certificates = Справки
alerts-category-policies = Полисы
alerts-category-payments = Оплата
alerts-category-payouts = Выплаты
alerts-category-marketing = Новости и предложения
alerts-on = ✅ { $name }
alerts-off = 🔕 { $name }
alerts-quiet-button = 🌙 Тихие часы
alerts-zone-button = 🕒 Часовой пояс
alerts-marketing-yes = получаю
alerts-marketing-no = не получаю
alerts-quiet-title =
    <b>Тихие часы</b>
    В это время несрочные уведомления ждут до утра (по вашему часовому поясу).
alerts-quiet-range = { $from }–{ $to }
alerts-quiet-none = нет
alerts-quiet-none-button = Без тихих часов
alerts-zone-title = <b>Часовой пояс</b>
alerts-zone-kaliningrad = Калининград (UTC+2)
alerts-zone-moscow = Москва (UTC+3)
alerts-zone-samara = Самара (UTC+4)
alerts-zone-yekaterinburg = Екатеринбург (UTC+5)
alerts-zone-omsk = Омск (UTC+6)
alerts-zone-krasnoyarsk = Красноярск (UTC+7)
alerts-zone-irkutsk = Иркутск (UTC+8)
alerts-zone-yakutsk = Якутск (UTC+9)
alerts-zone-vladivostok = Владивосток (UTC+10)
alerts-zone-magadan = Магадан (UTC+11)
alerts-zone-kamchatka = Камчатка (UTC+12)
alert-list-more = … и ещё { $count }

## Взносы по полису: оплата получена, напоминание, просрочка
alert-installment-paid = ✅ <b>Оплата получена</b>: { NUMBER($amount, minimumFractionDigits: 2) } ₽ — взнос № { $installment } по полису № { $number }. { $next }
alert-installment-paid-strict = ✅ <b>Оплата получена</b> — взнос № { $installment } по полису № { $number }. { $next }
alert-installment-next = Следующий взнос — до { $due_on }, мы напомним о нём заранее.
alert-installment-all-paid = Полис оплачен полностью.
alert-payment-due =
    💳 <b>Напоминаем об оплате по полису № { $number }</b>
    Взнос № { $installment } — { NUMBER($amount, minimumFractionDigits: 2) } ₽ — нужно оплатить до { $due_on } включительно.
    Оплатить можно отсюда: кнопка «Оплатить» ниже.
alert-payment-due-strict =
    💳 <b>Напоминаем об оплате по полису № { $number }</b>
    Взнос № { $installment } нужно оплатить до { $due_on } включительно. Сумму вы увидите на странице оплаты.
    Оплатить можно отсюда: кнопка «Оплатить» ниже.
alert-payment-overdue =
    ❗ <b>Взнос по полису № { $number } просрочен</b>
    Взнос № { $installment } — { NUMBER($amount, minimumFractionDigits: 2) } ₽ — нужно было оплатить до { $due_on }. Оплатите его как можно скорее, чтобы защита по полису не прервалась.
alert-payment-overdue-strict =
    ❗ <b>Взнос по полису № { $number } просрочен</b>
    Взнос № { $installment } нужно было оплатить до { $due_on }. Оплатите его как можно скорее, чтобы защита по полису не прервалась. Сумму вы увидите на странице оплаты.
alert-button-pay = 💳 Оплатить
alert-policy-changed-in-review = 💳 <b>Оплата получена</b>: «{ $title }» по полису № { $number }. Изменение на проверке — когда полис будет изменён, пришлём новую версию.
alert-policy-changed-applied = ✅ <b>Полис № { $number } изменён</b>: «{ $title }». Новая версия полиса приложена, она же в разделе «Полисы».
alert-policy-changed-applied-strict = ✅ <b>Полис № { $number } изменён</b>: «{ $title }». Новая версия полиса откроется по одноразовой ссылке ниже, она же в разделе «Полисы».
alert-policy-changed-rejected = ❌ <b>Изменение не принято</b>: «{ $title }» по полису № { $number }. { $reason } Если вы доплачивали, деньги вернутся тем же способом.
alert-policy-change-no-reason = Причину уточните в поддержке.
alert-button-policy = 📄 Открыть полис

## Возврат премии (выплата по полису, не по обращению)
alert-refund-sent = 💸 <b>Возврат премии отправлен</b>: { NUMBER($amount, minimumFractionDigits: 2) } ₽ по полису № { $number }. Деньги поступят на ваш счёт в течение 1–3 рабочих дней.
alert-refund-sent-strict = 💸 <b>Возврат премии по полису № { $number } отправлен.</b> Сумма и реквизиты — в разделе «Выплаты».
alert-refund-failed = ⚠️ <b>Возврат премии { NUMBER($amount, minimumFractionDigits: 2) } ₽ по полису № { $number } не прошёл</b>: банк его не принял. { $reason } Напишите в поддержку, чтобы уточнить реквизиты.
alert-refund-failed-strict = ⚠️ <b>Возврат премии по полису № { $number } не прошёл</b>: банк его не принял. Напишите в поддержку, чтобы уточнить реквизиты.
alert-refund-returned = ⚠️ <b>Возврат премии { NUMBER($amount, minimumFractionDigits: 2) } ₽ по полису № { $number } вернулся</b> от банка. { $reason } Напишите в поддержку, чтобы уточнить реквизиты.
alert-refund-returned-strict = ⚠️ <b>Возврат премии по полису № { $number } вернулся</b> от банка. Напишите в поддержку, чтобы уточнить реквизиты.

## Смена телефона или e-mail в личном кабинете (предупреждение безопасности)
# $value: the new value as the cabinet masked it; $at: when (the person's time zone); $source: where
alert-contacts-changed-phone = 🔐 <b>Телефон в личном кабинете изменён</b> на { $value } — { $at }, { $source }.
alert-contacts-changed-email = 🔐 <b>E-mail в личном кабинете изменён</b> на { $value } — { $at }, { $source }.
alert-contacts-source-bot = в чат-боте
alert-contacts-source-website = на сайте страховой компании
alert-contacts-source-mobile_app = в мобильном приложении
alert-contacts-source-office = в офисе страховой компании
alert-contacts-source-call_center = по звонку в страховую компанию
alert-contacts-call = Если это были не вы — сразу позвоните в страховую компанию: <b>{ $phone }</b>.
alert-contacts-write = Если это были не вы — сразу свяжитесь со страховой компанией: { $contacts }.
alert-button-contacts = 📇 Контактные данные
