## Feedback: what the user sees
feedback-choose-topic =
    <b>Feedback</b>
    What is your feedback about?
feedback-topic-login = 🔑 Signing in
feedback-topic-speed = ⏱ Speed
feedback-topic-instructions = 📖 Clarity of instructions
feedback-topic-bug = 🐞 Something is broken
feedback-topic-other = 💬 Other
feedback-choose-rating =
    <b>Rating</b>
    Rate the service from 1 to 5: 1 is very poor, 5 is excellent.
feedback-enter-text =
    <b>Your feedback</b>
    Write it in one message, up to { $limit } characters.
feedback-text-needed = Please send your feedback as text: photos, stickers and files do not fit this step.
feedback-text-too-long = The text is too long: { $length } characters, at most { $limit } allowed. Please shorten it and send it again.
feedback-attach =
    <b>Screenshot</b>
    If you like, send a screenshot: a photo or a JPG/PNG image up to 5 MB. Or press "Skip".
feedback-skip = Skip ➡️
feedback-screenshot-wrong = An image is needed: a photo or a JPG/PNG file. Or press "Skip".
feedback-screenshot-too-big = The image is larger than 5 MB. Send a smaller one or press "Skip".
feedback-screenshot-refused = The screenshot was not accepted: send another JPG/PNG image or press "Skip".
feedback-summary =
    <b>Check your feedback</b>
    Topic: { $topic }
    Rating: { $rating } of 5

    { $text }
feedback-summary-screenshot = 📎 Screenshot attached
feedback-send = ✅ Send
feedback-done =
    <b>Thank you for your feedback!</b>
    Reference number: { $number }
    Support will answer here, in this chat.
feedback-answer =
    <b>Support's answer to request No. { $number }</b>

    { $text }

## Feedback: the staff chat
staff-feedback-post =
    <b>Feedback No. { $number }</b>
    Topic: { $topic }
    Rating: { $rating } of 5
    { $author }

    { $text }
staff-author-linked-as = Signed in with Gosuslugi: { $name }
staff-author-linked = Signed in with Gosuslugi
staff-author-unlinked = Not signed in with Gosuslugi: numbered by the bot, not in the cabinet
staff-feedback-screenshot = Screenshot for request No. { $number }
staff-answered = ✅ Answered
staff-reply-text-only = Only text replies of up to { $limit } characters reach the user: please reply to the feedback with text.
staff-not-delivered = ⚠️ The answer to request No. { $number } was not delivered: the user blocked the bot.
staff-overdue-none = No feedback has waited for an answer longer than { $hours } h.
staff-overdue-title = <b>Unanswered for longer than { $hours } h: { $count }</b>
staff-overdue-item = No. { $number } · { $topic } · { $age } h
staff-overdue-item-link = No. { $number } · { $topic } · { $age } h · <a href="{ $link }">open</a>
staff-overdue-more = …and { $count } more
