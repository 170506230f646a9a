## Policies
policies-title = <b>Ваши полисы</b>
policies-empty = Полисов не найдено.
# Max cuts long labels: there the number is its last characters (the card shows it whole).
policy-button = { $messenger ->
    [Max] { $title } · № …{ $tail }
   *[other] { $title } · № { $number }
}
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
renew-confirm = ✅ Подтвердить
renew-quote-expired = Предложение устарело. Выберите срок ещё раз — мы пересчитаем.
renew-pay =
    <b>Заказ на продление создан</b>
    Оплатите его до { $expires_at }. Когда оплата пройдёт, мы пришлём сообщение «Полис продлён» и новый полис.
renew-pay-deadlines = Срок оплаты — это срок ссылки на оплату; сам расчёт действует до { $valid_until }. Не успели оплатить по ссылке — выберите срок заново, и мы пересчитаем.
renew-pay-button = 💳 Оплатить

## A policy's installments: the card's line and the payment screen
policy-due = 💳 К оплате: { NUMBER($due_amount, minimumFractionDigits: 2) } ₽ до { $due_on } включительно (взнос № { $due_installment }).
policy-due-strict = 💳 К оплате: взнос № { $due_installment } до { $due_on } включительно. Сумма — на экране оплаты.
policy-overdue = ❗ Платёж просрочен: { NUMBER($due_amount, minimumFractionDigits: 2) } ₽ нужно было оплатить до { $due_on } (взнос № { $due_installment }). Оплатите как можно скорее, чтобы защита по полису не прервалась.
policy-overdue-strict = ❗ Платёж просрочен: взнос № { $due_installment } нужно было оплатить до { $due_on }. Оплатите как можно скорее, чтобы защита по полису не прервалась.
policy-pay = 💳 Оплатить
pay-nothing-due = По этому полису сейчас ничего не нужно платить — всё оплачено.
pay-title = <b>Оплата по полису № { $number }</b>
pay-paid = Оплачено: { NUMBER($paid_amount, minimumFractionDigits: 2) } ₽ из { NUMBER($total, minimumFractionDigits: 2) } ₽ (взносов: { $paid_count } из { $count }).
pay-paid-strict = Оплачено взносов: { $paid_count } из { $count }.
pay-due = Сейчас к оплате: взнос № { $due_installment } — <b>{ NUMBER($due_amount, minimumFractionDigits: 2) } ₽ до { $due_on }</b> включительно.
pay-due-strict = Сейчас к оплате: взнос № { $due_installment } — <b>до { $due_on }</b> включительно. Сумму вы увидите на странице оплаты.
pay-overdue = ❗ Взнос № { $due_installment } — <b>{ NUMBER($due_amount, minimumFractionDigits: 2) } ₽</b> — просрочен: его нужно было оплатить до { $due_on }. Оплатите как можно скорее.
pay-overdue-strict = ❗ Взнос № { $due_installment } просрочен: его нужно было оплатить до { $due_on }. Оплатите как можно скорее; сумму вы увидите на странице оплаты.
pay-all-paid = ✅ Полис оплачен полностью. Спасибо!
pay-link = Кнопка «Оплатить» откроет страницу оплаты; ссылка действует до { $expires_at }. Когда оплата пройдёт, мы пришлём сообщение «Оплата получена».
pay-link-expired = Ссылка на оплату устарела. Нажмите «🔄 Новая ссылка на оплату» — и оплатите по новой.
pay-link-missing = Чтобы оплатить, нажмите «🔄 Новая ссылка на оплату».
pay-schedule =
    <b>График платежей</b>
    { $schedule }
pay-installment-paid = { $mark } № { $installment } — { NUMBER($amount, minimumFractionDigits: 2) } ₽, оплачен { $paid_on }
pay-installment-due = { $mark } № { $installment } — { NUMBER($amount, minimumFractionDigits: 2) } ₽ до { $due_on }
pay-installment-overdue = { $mark } № { $installment } — { NUMBER($amount, minimumFractionDigits: 2) } ₽, просрочен (срок был до { $due_on })
pay-installment-paid-strict = { $mark } № { $installment } — оплачен { $paid_on }
pay-installment-due-strict = { $mark } № { $installment } — до { $due_on }
pay-installment-overdue-strict = { $mark } № { $installment } — просрочен (срок был до { $due_on })
pay-button = 💳 Оплатить
pay-new-link = 🔄 Новая ссылка на оплату
pay-new-link-made = Готово: новая ссылка на оплату — на кнопке «Оплатить».

## Renewal: check the data, agree to the terms
renew-check =
    <b>Проверьте данные полиса</b>
    Продлим полис с этими данными — всё ли верно?
    { $insured }
renew-check-strict-note = Имена, госномер и VIN мы не показываем в чате: откройте их по кнопке «🔎 Посмотреть данные» — ссылка одноразовая.
renew-check-page =
    <b>{ $title }</b>
    Данные, с которыми продлевается полис:
    { $insured }
renew-check-vehicle = 🚗 Автомобиль: { $description }
renew-check-vin = VIN: { $vin }
renew-check-object = 📍 Объект страхования: { $description }
renew-check-drivers = 👤 Допущены к управлению:
renew-check-insureds = 👤 Застрахованные:
renew-check-person = • { $name }, { $birth_date }
renew-check-person-name = • { $name }
renew-check-any-driver = 👤 Допущены к управлению: любые водители
renew-check-car-strict = 🚗 Автомобиль: { $car }
renew-check-drivers-strict = 👤 Допущено к управлению: { $count ->
        [one] { $count } человек
        [few] { $count } человека
       *[other] { $count } человек
    }
renew-check-insureds-strict = 👤 Застраховано: { $count ->
        [one] { $count } человек
        [few] { $count } человека
       *[other] { $count } человек
    }
renew-check-ok = ✅ Всё верно
renew-check-change = ✏️ Нужно изменить
renew-check-show = 🔎 Посмотреть данные
renew-change =
    <b>Как изменить данные полиса</b>
    Напишите в поддержку, что нужно исправить, — специалист ответит здесь, в этом чате, в течение 48 часов.
    Когда данные обновят, продлите полис: кнопка «🔄 Продлить» в карточке полиса.
renew-change-online = ✏️ Добавить водителя или вписать новый госномер можно и самим — кнопка «Изменить полис»: сразу скажем, нужна ли доплата.
renew-change-support = 💬 Задать вопрос в поддержку
renew-consent =
    <b>Согласие с условиями</b>
    Полис продлевается на условиях «Правил страхования» — откройте их кнопкой «📄 Правила страхования».
    Нажимая «Согласен, перейти к оплате», вы подтверждаете, что прочитали правила и согласны с ними.
renew-consent-terms = 📄 Правила страхования
renew-agree = ✅ Согласен, перейти к оплате

## A new policy («🛒 Оформить полис»): the products, the questions, the quote, the payment
buy-button = 🛒 Оформить полис
buy-products = <b>Оформить полис</b>
    Выберите страховку — зададим несколько вопросов и сразу рассчитаем цену.
buy-products-none = Сейчас онлайн ничего не оформить. Загляните позже или позвоните в страховую компанию — номер в разделе «Помощь».
buy-about =
    <b>{ $title }</b>
    { $description }
    Срок: { $months } мес. Вопросов: { $questions }, затем дата начала — и вы увидите цену.
buy-about-web = 🔒 В этой страховке есть личные данные (адрес, дата рождения), а их мы не принимаем через мессенджер. Ответьте на вопросы в защищённой анкете — там же будут цена и оплата. Ссылка открывается один раз и действует { $minutes } минут. Можно оформить и на сайте страховой компании.
buy-begin = ▶️ Рассчитать стоимость
buy-website = 🌐 Оформить на сайте
buy-terms = 📄 Правила страхования
buy-type-date = Напишите дату, например: 14.05.1985.
buy-date-outside = Дата должна быть не раньше { $starts_on } и не позже { $ends_on }.
buy-start =
    <b>Шаг { $step } из { $steps }. С какого дня начнёт действовать полис?</b>
    Выберите день в календаре, нажмите «Завтра» или напишите дату: с { $first } по { $last }.
buy-tomorrow = Завтра
buy-start-outside = Полис может начать действовать с { $starts_on } по { $ends_on }. Выберите день в эти сроки.
buy-answers-refused = Страховая компания не приняла один из ответов. Проверьте ответы — начнём с первого вопроса, прежние ответы видны в строке «Сейчас».
buy-quote =
    <b>Расчёт: { $title }</b>
    Цена: { NUMBER($premium, minimumFractionDigits: 2) } ₽ за { $months } мес.
    Срок действия: { $starts_on } — { $ends_on }
    Что покрывает:
    { $coverages }
    Расчёт действует до { $valid_until }. Нажимая «Оформить и оплатить», вы соглашаетесь с «Правилами страхования».
buy-quote-coverage = • { $name } — до { NUMBER($amount, minimumFractionDigits: 2) } ₽
buy-quote-renewed = ⚠️ Прежний расчёт устарел — вот новый по тем же ответам. Проверьте цену.
buy-quote-expired = Расчёт устарел. Пересчитали по тем же ответам — проверьте цену.
buy-accept = ✅ Оформить и оплатить
buy-change = ✏️ Изменить ответы
buy-pay =
    <b>Полис почти готов</b>
    Оплатите его до { $expires_at }. Как только оплата пройдёт, пришлём полис сюда, и он появится в разделе «Полисы».
buy-pay-button = 💳 Оплатить
buy-to-policies = 📄 Мои полисы

## Changing a policy («✏️ Изменить полис»): the options, the questions, the price difference
policy-change = ✏️ Изменить полис
change-options = <b>Изменить полис № { $number }</b>
change-options-ask = Что хотите изменить? Зададим пару вопросов и сразу скажем, нужна ли доплата.
change-options-busy = Пока одно изменение в работе, новое не начать. Сообщим, когда оно закончится.
change-line-awaiting_payment = 💳 «{ $title }» — ждёт оплаты до { $expires_at }
change-line-in_review = ⏳ «{ $title }» — на проверке
change-line-applied = ✅ «{ $title }» — сделано, действует с { $effective_from }
change-line-rejected = ❌ «{ $title }» — не принято: { $reason }
change-line-quoted = 📝 «{ $title }» — не подтверждено
change-line-expired = ⌛ «{ $title }» — срок оплаты истёк
change-about =
    <b>{ $title }</b>
    { $description }
    Вопросов: { $questions }, затем вы увидите, нужна ли доплата.
change-about-web = 🔒 Для этого изменения нужны личные данные (ФИО, номер удостоверения, госномер), а их мы не принимаем через мессенджер. Ответьте на вопросы в защищённой анкете — там же будут доплата и подтверждение. Ссылка открывается один раз и действует { $minutes } минут. Можно изменить полис и на сайте страховой компании.
change-begin = ▶️ Начать
change-website = 🌐 Изменить на сайте
change-in-progress = По этому полису уже идёт изменение. Новое можно начать, когда оно закончится.
change-quote = <b>{ $title }</b> — полис № { $number }
change-quote-surcharge = Доплата: <b>{ NUMBER($surcharge, minimumFractionDigits: 2) } ₽</b> за оставшийся срок полиса.
change-quote-surcharge-strict = Нужна доплата за оставшийся срок полиса — сумму вы увидите на странице оплаты.
change-quote-refund = Вернём часть премии: <b>{ NUMBER($refund, minimumFractionDigits: 2) } ₽</b> — после того как изменение применят.
change-quote-refund-strict = Вернём часть премии после того как изменение применят; сумму увидите в разделе «Выплаты».
change-quote-free = Без доплаты.
change-quote-valid = Изменение начнёт действовать с { $effective_from }, когда страховая компания его проверит. Расчёт действует до { $valid_until }.
change-confirm-pay = ✅ Подтвердить и оплатить
change-confirm = ✅ Подтвердить
change-pay =
    <b>Осталось оплатить</b>
    «{ $title }», полис № { $number }. Оплатите до { $expires_at }. Когда оплата пройдёт, изменение уйдёт на проверку — пришлём новую версию полиса сюда.
change-pay-button = 💳 Оплатить изменение
change-sent =
    <b>Заявка на изменение принята</b>
    «{ $title }», полис № { $number }. Страховая компания проверит её и пришлёт новую версию полиса сюда.
change-sent-refund = Часть премии — { NUMBER($refund, minimumFractionDigits: 2) } ₽ — вернём, когда изменение применят.
change-to-policy = 📄 К полису
## A new policy on the questionnaire page of strict mode (bot/new_policy_web.py)
buy-web-open = 📝 Заполнить анкету
buy-web-intro = Срок — { $months } мес. Ответьте на вопросы и выберите дату начала — покажем цену.
buy-web-start = С какого дня начнёт действовать полис
buy-web-start-hint = С { $first } по { $last }.
buy-web-quote = Рассчитать стоимость
buy-web-refused = Страховая компания не приняла один из ответов. Проверьте ответы и отправьте ещё раз — введённое осталось на странице.
buy-web-quote-title = Расчёт: { $title }
buy-web-price = Цена: { NUMBER($premium, minimumFractionDigits: 2) } ₽ за { $months } мес.
buy-web-term = Срок действия: { $starts_on } — { $ends_on }
buy-web-covers = Что покрывает:
buy-web-coverage = { $name } — до { NUMBER($amount, minimumFractionDigits: 2) } ₽
buy-web-valid-until = Расчёт действует до { $valid_until }.
buy-web-agree = Нажимая «Оформить и оплатить», вы соглашаетесь с «Правилами страхования».
buy-web-requoted = Прежний расчёт устарел — вот новый по тем же ответам. Проверьте цену.
buy-web-pay-title = Полис почти готов
buy-web-pay-text = Оплатите его до { $expires_at }. Как только оплата пройдёт, пришлём полис в { $messenger }, и он появится в разделе «Полисы».
buy-web-done-chat = 📝 <b>Анкета заполнена</b>: { $title }. Ссылка на оплату — на странице анкеты. Как только оплата пройдёт, пришлём полис сюда.

## A change to a policy on the questionnaire page of strict mode (bot/policy_change_web.py)
change-web-policy = Полис № { $number }
change-web-quote = Рассчитать доплату
change-web-surcharge = Доплата: { NUMBER($surcharge, minimumFractionDigits: 2) } ₽ за оставшийся срок полиса.
change-web-refund = Вернём часть премии: { NUMBER($refund, minimumFractionDigits: 2) } ₽ — после того как изменение применят.
change-web-pay-title = Осталось оплатить
change-web-pay-text = Оплатите доплату до { $expires_at }. Когда оплата пройдёт, изменение уйдёт на проверку, а новую версию полиса мы пришлём в { $messenger }.
change-web-sent-title = Заявка на изменение принята
change-web-sent-text = Страховая компания проверит её и пришлёт новую версию полиса в { $messenger }.
change-web-done-chat-pay = 📝 <b>Анкета заполнена</b>: «{ $title }», полис № { $number }. Ссылка на оплату доплаты — на странице анкеты. Когда оплата пройдёт, сообщим здесь.
change-web-done-chat = 📝 <b>Заявка на изменение принята</b>: «{ $title }», полис № { $number }. Проверим и пришлём новую версию полиса сюда.
