## Support: a question to support, or a review of the bot
feedback-start =
    <b>Support</b>
    Ask a question and a support specialist will answer here, in this chat, within 48 hours.
    Or review the bot: what works well and what gets in the way.
feedback-ask = ❓ Ask support a question
feedback-review = ⭐ Review the bot
feedback-my-questions = 📋 My questions to support

## A question
feedback-choose-topic =
    <b>A question to support</b>
    What is your question about?
feedback-topic-login = 🔑 Signing in
feedback-topic-speed = ⏱ Timing and speed
feedback-topic-instructions = 📖 Not clear what to do
feedback-topic-bug = 🐞 Something is broken
feedback-topic-other = 💬 Other
feedback-enter-text =
    <b>Your question</b>
    Write it in one message, up to { $limit } characters.
feedback-text-needed = Please send text: photos, stickers and files do not fit this step.
feedback-text-too-long = The text is too long: { $length } characters, at most { $limit } allowed. Please shorten it and send it again.
feedback-attach =
    <b>Screenshot</b>
    If you like, send a screenshot: a photo or a JPG/PNG image up to 5 MB. Or press "Skip".
feedback-skip = Skip ➡️
feedback-screenshot-wrong = An image is needed: a photo or a JPG/PNG file. Or press "Skip".
feedback-screenshot-too-big = The image is larger than 5 MB. Send a smaller one or press "Skip".
feedback-screenshot-refused = The screenshot was not accepted: send another JPG/PNG image or press "Skip".
feedback-summary =
    <b>Check your question</b>
    Topic: { $topic }

    { $text }
feedback-summary-screenshot = 📎 Screenshot attached
feedback-send = ✅ Send
feedback-sent =
    <b>Question No. { $number } sent</b>
    A support specialist will answer here, in this chat, by { $due }.
    To add something, open "My questions to support".

## A review
feedback-choose-rating =
    <b>Review the bot</b>
    How easy is the bot to use? 1 is very awkward, 5 is excellent.
feedback-enter-comment =
    <b>Your rating: { $rating } of 5</b>
    Tell us what you liked or what to improve, in one message of up to { $limit } characters. Or send the rating without a comment.
feedback-no-comment = ✅ Send without a comment
feedback-reviewed =
    <b>Thank you for your review!</b>
    Your rating: { $rating } of 5. The bot's team reads every review.
    If you need an answer, ask support a question.

## The person's questions
feedback-mine =
    <b>My questions to support</b>
    Choose a question to see when the answer comes, or to add to it.
feedback-mine-none = No questions yet.
feedback-question-waiting = ⏳
feedback-question-answered = ✅
feedback-question-line = { $status } No. { $number } · { $topic }
feedback-question =
    <b>Question No. { $number }</b>
    Topic: { $topic }
    Asked: { $created }
    { $answered ->
        [1] ✅ Support has answered — the answer is in this chat. If something is still unclear, add to the question.
       *[0] ⏳ Waiting for an answer: support will answer by { $due }.
    }
feedback-question-gone = This question is no longer here. Open "My questions to support" or ask a new one.
feedback-follow-up = ✍️ Add to the question
feedback-enter-follow-up =
    <b>Question No. { $number }</b>
    Write what you would like to add or to answer support, in one message.
feedback-followed-up =
    <b>Your message on question No. { $number } is sent</b>
    Support will answer here, in this chat, by { $due }.

## Support's answer, delivered to the person
feedback-answer-question =
    <b>Support's answer to your question No. { $number }</b>

    { $text }
feedback-answer-review =
    <b>Support's answer to your review No. { $number }</b>

    { $text }
feedback-answer-reply = ✍️ Reply

## The staff chat
staff-question-post =
    <b>Question No. { $number }</b>
    Topic: { $topic }
    { $author }
    Answer by { $due }

    { $text }
staff-follow-up-post =
    <b>Question No. { $number }: the customer wrote more</b>
    { $author }
    Answer by { $due }

    { $text }
staff-review-post =
    <b>Review No. { $number }</b>
    Rating: { $rating } of 5
    { $author }

    { $text }
staff-author-linked-as = Signed in with Gosuslugi: { $name }
staff-author-linked = Signed in with Gosuslugi
staff-author-unlinked = Not signed in with Gosuslugi: numbered by the bot, not in the cabinet
staff-feedback-screenshot = Screenshot for No. { $number }
staff-answered = ✅ Answered
staff-reply-text-only = Only text replies of up to { $limit } characters reach the customer: please reply with text.
staff-not-delivered = ⚠️ The answer to No. { $number } was not delivered: the customer blocked the bot.
staff-overdue-none = No question has waited for an answer longer than { $hours } h.
staff-overdue-title = <b>Questions unanswered for longer than { $hours } h: { $count }</b>
staff-overdue-item = No. { $number } · { $topic } · { $age } h
staff-overdue-item-link = No. { $number } · { $topic } · { $age } h · <a href="{ $link }">open</a>
staff-overdue-more = …and { $count } more
staff-no-comment = (no comment)
