## Свободный текст: что человек, похоже, хочет
intent-maybe = Похоже, вам нужно вот это — нажмите кнопку:
intent-not-understood = Я не понял сообщение. Выберите, что нужно, — или откройте меню:
intent-not-text = Я понимаю текст и кнопки. Документ к обращению можно приложить в разделе «Обращения» → «Добавить документ», к новому заявлению — на шаге «Документы».
intent-file_claim = 📝 Заявить о страховом случае
intent-claim_status = 📋 Мои обращения
intent-certificate = 🧾 Заказать справку
intent-payouts = 💰 Выплаты
intent-renew = 🔄 Продлить или оплатить полис
intent-policy_pdf = 📄 Полис в PDF
intent-documents = 🗂 Мои документы
intent-support = ✉️ Написать в поддержку
intent-sign_in = 🔑 Войти через Госуслуги
intent-sign_out = 🚪 Выйти
intent-language = 🌐 Язык · Language
intent-notifications = 🔔 Уведомления
intent-menu = 🏠 Главное меню
intent-retry = 🔁 Повторить
