## The questionnaire page of strict mode (`/q`, bot/questions_web.py): what every purpose shares
questions-web-required = Answer this question.
questions-web-optional = (optional)
questions-web-no-answer = Not stated
questions-web-errors = Check the marked answers — everything you typed is still on the page.
questions-web-unavailable = The insurer's cabinet is unavailable right now. Everything you typed is still on the page — send it again in a minute.
questions-web-expired-title = This link has expired or was already used
questions-web-expired-text = A link to the form opens once and works for 30 minutes. Go back to { link-chat } and press “Fill in the form” again.
questions-web-gone-title = This form is no longer needed
questions-web-gone-text = What this form was for is no longer offered online. Go back to { link-chat } and choose again.
