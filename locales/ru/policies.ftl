## Policies
policies-title = <b>Ваши полисы</b>
policies-empty = Полисов не найдено.
policy-button = { $title } · № { $number }
policy-detail =
    <b>{ $title }</b>
    Полис № { $number }
    Статус: { $status }
    Срок: { $starts_on } — { $ends_on }
    Объект: { $insured }
    Премия: { NUMBER($premium, minimumFractionDigits: 2) } ₽
    Покрытие:
    { $coverages }
    { $deductible }
    { $contacts }
policy-deductible = Франшиза: { NUMBER($amount, minimumFractionDigits: 2) } ₽
policy-contacts = Страховая компания: { $contacts }
policy-coverage = • { $name }: { NUMBER($amount, minimumFractionDigits: 2) } ₽
policy-pdf = 📎 Полис (PDF)
policy-status-active = действует
policy-status-expiring = скоро истекает
policy-status-expired = истёк
policy-status-cancelled = расторгнут
policy-status-pending_payment = ожидает оплаты
policy-detail-strict =
    <b>{ $title }</b>
    Полис № { $number }
    Статус: { $status }
    Срок: { $starts_on } — { $ends_on }
    { $contacts }
policy-renew = 🔄 Продлить

## Renewal
renew-choose-term = <b>Продление полиса</b>
    Выберите срок нового полиса:
renew-term = { $months } мес. — { NUMBER($premium, minimumFractionDigits: 2) } ₽
renew-term-short = { $months } мес.
renew-quote =
    <b>Расчёт продления</b>
    Срок: { $months } мес.
    Новый период: { $starts_on } — { $ends_on }
    Премия: { NUMBER($premium, minimumFractionDigits: 2) } ₽
    Предложение действует до { $valid_until }.
renew-quote-strict =
    <b>Расчёт продления</b>
    Срок: { $months } мес.
    Новый период: { $starts_on } — { $ends_on }
    Сумму вы увидите на странице оплаты. Предложение действует до { $valid_until }.
renew-confirm = ✅ Подтвердить и оплатить
renew-quote-expired = Предложение устарело. Выберите срок ещё раз — мы пересчитаем.
renew-pay =
    <b>Заказ на продление создан</b>
    Оплатите его до { $expires_at }. Когда оплата пройдёт, мы пришлём сообщение «Полис продлён» и новый полис.
renew-pay-deadlines = Срок оплаты — это срок ссылки на оплату; сам расчёт действует до { $valid_until }. Не успели оплатить по ссылке — выберите срок заново, и мы пересчитаем.
renew-pay-button = 💳 Оплатить
