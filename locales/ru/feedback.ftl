## Поддержка: a question to support, or a review of the bot
feedback-start =
    <b>Поддержка</b>
    Задайте вопрос — специалист поддержки ответит здесь, в этом чате, в течение 48 часов.
    Или оцените бота: что удобно, а что мешает.
feedback-ask = ❓ Задать вопрос в поддержку
feedback-review = ⭐ Оставить отзыв о боте
feedback-my-questions = 📋 Мои вопросы в поддержку

## A question
feedback-choose-topic =
    <b>Вопрос в поддержку</b>
    О чём ваш вопрос?
feedback-topic-login = 🔑 Вход и авторизация
feedback-topic-speed = ⏱ Сроки и скорость
feedback-topic-instructions = 📖 Непонятно, что делать
feedback-topic-bug = 🐞 Ошибка
feedback-topic-other = 💬 Другое
feedback-enter-text =
    <b>Ваш вопрос</b>
    Напишите его одним сообщением, до { $limit } символов.
feedback-text-needed = Пришлите текст: фото, стикеры и файлы на этом шаге не подходят.
feedback-text-too-long = Текст слишком длинный: { $length } символов, можно не больше { $limit }. Сократите его и отправьте снова.
feedback-attach =
    <b>Скриншот</b>
    Если хотите, пришлите снимок экрана: фото или картинку JPG/PNG до 5 МБ. Или нажмите «Пропустить».
feedback-skip = Пропустить ➡️
feedback-screenshot-wrong = Нужна картинка: фото или файл JPG/PNG. Или нажмите «Пропустить».
feedback-screenshot-too-big = Картинка больше 5 МБ. Пришлите изображение поменьше или нажмите «Пропустить».
feedback-screenshot-refused = Скриншот не принят: пришлите другое изображение JPG/PNG или нажмите «Пропустить».
feedback-summary =
    <b>Проверьте вопрос</b>
    Тема: { $topic }

    { $text }
feedback-summary-screenshot = 📎 Скриншот приложен
feedback-send = ✅ Отправить
feedback-sent =
    <b>Вопрос № { $number } отправлен</b>
    Специалист поддержки ответит здесь, в этом чате, до { $due }.
    Если захотите что-то добавить — откройте «Мои вопросы в поддержку».

## A review
feedback-choose-rating =
    <b>Отзыв о боте</b>
    Насколько удобно пользоваться ботом? 1 — очень неудобно, 5 — отлично.
feedback-enter-comment =
    <b>Ваша оценка: { $rating } из 5</b>
    Напишите, что понравилось или что улучшить, — одним сообщением, до { $limit } символов. Или отправьте оценку без комментария.
feedback-no-comment = ✅ Отправить без комментария
feedback-reviewed =
    <b>Спасибо за отзыв!</b>
    Ваша оценка: { $rating } из 5. Отзывы читает команда бота.
    Если нужен ответ — задайте вопрос в поддержку.

## The person's questions
feedback-mine =
    <b>Мои вопросы в поддержку</b>
    Выберите вопрос, чтобы увидеть, когда будет ответ, или дописать к нему.
feedback-mine-none = Вопросов пока нет.
feedback-question-waiting = ⏳
feedback-question-answered = ✅
feedback-question-line = { $status } № { $number } · { $topic }
feedback-question =
    <b>Вопрос № { $number }</b>
    Тема: { $topic }
    Задан: { $created }
    { $answered ->
        [1] ✅ Поддержка ответила — ответ пришёл в этот чат. Если что-то осталось непонятным, допишите к вопросу.
       *[0] ⏳ Ждёт ответа: поддержка ответит до { $due }.
    }
feedback-question-gone = Этого вопроса больше нет. Откройте «Мои вопросы в поддержку» или задайте новый.
feedback-follow-up = ✍️ Дописать к вопросу
feedback-enter-follow-up =
    <b>Вопрос № { $number }</b>
    Напишите, что хотите добавить или ответить поддержке, — одним сообщением.
feedback-followed-up =
    <b>Сообщение к вопросу № { $number } отправлено</b>
    Поддержка ответит здесь, в этом чате, до { $due }.

## Support's answer, delivered to the person
feedback-answer-question =
    <b>Ответ поддержки на ваш вопрос № { $number }</b>

    { $text }
feedback-answer-review =
    <b>Ответ поддержки на ваш отзыв № { $number }</b>

    { $text }
feedback-answer-reply = ✍️ Ответить

## The staff chat
staff-question-post =
    <b>Вопрос №{ $number }</b>
    Тема: { $topic }
    { $author }
    Ответить до { $due }

    { $text }
staff-follow-up-post =
    <b>Вопрос №{ $number }: клиент дописал</b>
    { $author }
    Ответить до { $due }

    { $text }
staff-review-post =
    <b>Отзыв №{ $number }</b>
    Оценка: { $rating } из 5
    { $author }

    { $text }
staff-author-linked-as = Клиент вошёл через Госуслуги: { $name }
staff-author-linked = Клиент вошёл через Госуслуги
staff-author-unlinked = Не вошёл через Госуслуги: номер выдан ботом, в кабинете этого нет
staff-feedback-screenshot = Скриншот к №{ $number }
staff-answered = ✅ Отвечено
staff-reply-text-only = Клиенту доставляются только текстовые ответы до { $limit } символов: ответьте текстом.
staff-not-delivered = ⚠️ Ответ на №{ $number } не доставлен: клиент заблокировал бота.
staff-overdue-none = Вопросов без ответа дольше { $hours } ч нет.
staff-overdue-title = <b>Вопросы без ответа дольше { $hours } ч: { $count }</b>
staff-overdue-item = №{ $number } · { $topic } · { $age } ч
staff-overdue-item-link = №{ $number } · { $topic } · { $age } ч · <a href="{ $link }">к вопросу</a>
staff-overdue-more = …и ещё { $count }
staff-no-comment = (без комментария)
