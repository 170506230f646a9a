## Мои документы: the list
mydocs-title = <b>🗂 Мои документы</b>
mydocs-filter-all = Все
mydocs-filter-policy = Полисы
mydocs-filter-certificate = Справки
mydocs-filter-claim = Обращения
mydocs-filter-payout = Выплаты
mydocs-filter-upload = Загруженные мной
mydocs-filter-chosen = ✅ { $filter }
mydocs-hint-all = Все ваши документы, сначала новые. Нажмите на документ, чтобы открыть его. Отчёты по обращениям и выписки по выплатам бот составляет по запросу — кнопки «Обращения» и «Выплаты» ниже.
mydocs-hint-policy = Полисы, сначала новые. Нажмите на полис, чтобы открыть его PDF или отправить на e-mail.
mydocs-hint-certificate = Готовые справки, сначала новые. Нажмите на справку, чтобы открыть её PDF или отправить на e-mail.
mydocs-hint-claim = Отчёт по обращению — PDF с историей статусов и перепиской. Выберите обращение: бот составит отчёт сейчас.
mydocs-hint-payout = Выписка по выплатам — PDF за выбранный период. Выберите период: бот составит выписку сейчас.
mydocs-hint-upload = Файлы, которые вы загрузили к обращениям, сначала новые.
mydocs-empty = Здесь пока ничего нет.
mydocs-page = Страница { $page } из { $pages }
mydocs-previous = ◀️ Новее
mydocs-next = Старше ▶️
mydocs-item = { $icon } { $title } · { $on }
mydocs-strict-policy = Полис № { $number }
mydocs-strict-certificate = Справка № { $number }
mydocs-strict-upload = Файл к обращению № { $number }
mydocs-claim-report = 🧾 Отчёт: обращение № { $number } · { $type }
mydocs-statement = 📊 Выписка по выплатам: { $period }
mydocs-all-payouts = 💰 Все выплаты

## Мои документы: one document
mydocs-kind-policy = полис
mydocs-kind-certificate = справка
mydocs-kind-upload = файл, загруженный вами к обращению
mydocs-card =
    { $icon } <b>{ $title }</b>
    Вид: { $kind }
    Дата: { $on }
mydocs-open = 📎 Открыть
mydocs-email = 📧 Отправить на e-mail
mydocs-emailed =
    { $count ->
        [1] 📧 Отправили на { $sent_to }. Письмо придёт в течение нескольких минут; если его нет, проверьте папку «Спам».
       *[other] 📧 Отправили на { $sent_to } ещё раз — писем с этим документом: { $count }. Если их нет, проверьте папку «Спам».
    }
mydocs-email-not-confirmed = В личном кабинете нет подтверждённого адреса e-mail, поэтому отправить документ некуда. Добавить или подтвердить адрес пока можно только через поддержку: { $contacts }
mydocs-support = 💬 Написать в поддержку
