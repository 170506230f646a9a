## Feedback (Обратная связь): what the user sees
feedback-choose-topic =
    <b>Обратная связь</b>
    О чём ваш отзыв?
feedback-topic-login = 🔑 Вход и авторизация
feedback-topic-speed = ⏱ Скорость
feedback-topic-instructions = 📖 Понятность инструкций
feedback-topic-bug = 🐞 Ошибка
feedback-topic-other = 💬 Другое
feedback-choose-rating =
    <b>Оценка</b>
    Оцените сервис от 1 до 5: 1 — очень плохо, 5 — отлично.
feedback-enter-text =
    <b>Ваш отзыв</b>
    Напишите его одним сообщением, до { $limit } символов.
feedback-text-needed = Пришлите отзыв текстом: фото, стикеры и файлы на этом шаге не подходят.
feedback-text-too-long = Текст слишком длинный: { $length } символов, можно не больше { $limit }. Сократите его и отправьте снова.
feedback-attach =
    <b>Скриншот</b>
    Если хотите, пришлите снимок экрана: фото или картинку JPG/PNG до 5 МБ. Или нажмите «Пропустить».
feedback-skip = Пропустить ➡️
feedback-screenshot-wrong = Нужна картинка: фото или файл JPG/PNG. Или нажмите «Пропустить».
feedback-screenshot-too-big = Картинка больше 5 МБ. Пришлите изображение поменьше или нажмите «Пропустить».
feedback-screenshot-refused = Скриншот не принят: пришлите другое изображение JPG/PNG или нажмите «Пропустить».
feedback-summary =
    <b>Проверьте отзыв</b>
    Тема: { $topic }
    Оценка: { $rating } из 5

    { $text }
feedback-summary-screenshot = 📎 Скриншот приложен
feedback-send = ✅ Отправить
feedback-done =
    <b>Спасибо за отзыв!</b>
    Номер обращения: { $number }
    Ответ поддержки придёт сюда, в этот чат.
feedback-answer =
    <b>Ответ поддержки на обращение №{ $number }</b>

    { $text }

## Feedback: the staff chat
staff-feedback-post =
    <b>Обратная связь №{ $number }</b>
    Тема: { $topic }
    Оценка: { $rating } из 5
    { $author }

    { $text }
staff-author-linked-as = Клиент вошёл через Госуслуги: { $name }
staff-author-linked = Клиент вошёл через Госуслуги
staff-author-unlinked = Не вошёл через Госуслуги: номер выдан ботом, в кабинете отзыва нет
staff-feedback-screenshot = Скриншот к обращению №{ $number }
staff-answered = ✅ Отвечено
staff-reply-text-only = Пользователю доставляются только текстовые ответы до { $limit } символов: ответьте на отзыв текстом.
staff-not-delivered = ⚠️ Ответ на обращение №{ $number } не доставлен: пользователь заблокировал бота.
staff-overdue-none = Отзывов без ответа дольше { $hours } ч нет.
staff-overdue-title = <b>Без ответа дольше { $hours } ч: { $count }</b>
staff-overdue-item = №{ $number } · { $topic } · { $age } ч
staff-overdue-item-link = №{ $number } · { $topic } · { $age } ч · <a href="{ $link }">к отзыву</a>
staff-overdue-more = …и ещё { $count }
