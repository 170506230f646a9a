## Certificates
certificates-title =
    <b>Справки</b>
    Закажите справку или посмотрите, что с уже заказанными.
certificates-order = 📝 Заказать справку
certificates-orders = 📂 Мои заказы

## Ordering
certificates-choose-type =
    <b>Заказ справки</b>
    Какая справка нужна?
certificates-choose-period =
    <b>{ $type }</b>
    За какой период?
certificates-period-last-year = За прошлый год ({ $last_year })
certificates-period-this-year = С начала этого года по сегодня
certificates-period-custom = 📅 Другой период
certificates-choose-from =
    <b>Начало периода</b>
    Выберите первый день в календаре или напишите дату, например 01.02.2025.
certificates-choose-to =
    <b>Конец периода</b>
    Начало: { $period_from }.
    Выберите последний день в календаре или напишите дату, например 31.12.2025.
certificates-not-a-date = Это не дата. Напишите её так: 01.02.2025 — или выберите день в календаре.
certificates-date-in-future = Период не может быть в будущем: выберите день не позже сегодняшнего.
certificates-date-before-start = Конец периода не может быть раньше его начала ({ $period_from }). Выберите другой день.
certificates-choose-purpose =
    <b>Цель справки</b>
    Выберите, для чего она нужна, или напишите свой вариант (до { $max } символов).
certificates-purpose-invalid = Цель — это текст до { $max } символов. Напишите, пожалуйста, короче.
certificates-confirm =
    <b>Проверьте заказ</b>
    Справка: { $type }
certificates-confirm-button = ✅ Заказать
certificates-period-rejected = Кабинет не принял этот период. Выберите период ещё раз.
certificates-done =
    <b>Справка заказана</b>
    Заказ № { $number } принят.
    Ожидаемая дата готовности: { $expected_on } ({ $days ->
        [one] { $days } рабочий день
        [few] { $days } рабочих дня
       *[many] { $days } рабочих дней
    }).
    Статус заказа и готовую справку найдёте в «Мои заказы».

## Orders
certificates-orders-title = <b>Мои заказы справок</b>
certificates-orders-empty = Заказов пока нет.
certificate-order-button = { $status } · № { $number } · { $type }
certificate-status-accepted = 📥 принят
certificate-status-preparing = ⏳ готовится
certificate-status-ready = ✅ готова
certificate-status-rejected = ❌ отклонён
certificate-order =
    <b>{ $type }</b>
    Заказ № { $number } от { $created_on }
    Статус: { $status }
certificate-period = Период: { $period_from } — { $period_to }
certificate-purpose = Цель: { $purpose }
certificate-expected = Ожидаемая дата готовности: { $expected_on }
certificate-rejected = Причина отказа: { $reason }
certificate-pdf = 📎 Справка (PDF)

## Calendar
calendar-header = 🗓 { $month } { $year }
calendar-month = { $month ->
        [1] Январь
        [2] Февраль
        [3] Март
        [4] Апрель
        [5] Май
        [6] Июнь
        [7] Июль
        [8] Август
        [9] Сентябрь
        [10] Октябрь
        [11] Ноябрь
       *[12] Декабрь
    }
calendar-weekday = { $day ->
        [1] Пн
        [2] Вт
        [3] Ср
        [4] Чт
        [5] Пт
        [6] Сб
       *[7] Вс
    }
