## Contact details (Settings): the phone and the e-mail, changed with a confirmation code
settings-contacts = 📇 Contact details
contacts-title =
    <b>📇 Contact details</b>
    The insurer sends text messages, letters and confirmation codes here.
# $phone, $email: the contact as the chat may show it (masked in strict mode), or "not given"
contacts-phone = 📱 Phone: { $phone }
contacts-email = ✉️ E-mail: { $email }
contacts-none = not given
contacts-unconfirmed = { $value } (not confirmed)
contacts-change-email = ✉️ Change e-mail
contacts-change-phone = 📱 Change phone
contacts-refresh = 🔄 Refresh
contacts-web-note = The phone and the e-mail are changed on a secure page: in this mode contact details do not pass through the messenger. The link opens once and works for { $minutes } minutes.
contacts-web-use-page = In this mode contact details are not taken in the chat. Press "Change e-mail" or "Change phone": a secure page opens.

contacts-ask-email =
    Type your new e-mail address: a letter with a confirmation code will be sent there.
    For example: ivan.petrov@mail.ru
contacts-ask-phone =
    Type your new mobile number: a text message with a confirmation code will be sent there.
    For example: +7 916 123-45-67 or 8 916 123-45-67
contacts-not-email = ❗ This does not look like an e-mail address: it should read name@mail.com. Check it and type it again.
contacts-not-phone = ❗ I could not read the number: a mobile number is +7 or 8 and 10 more digits (another country's: with "+" and its country code). Check it and type it again.
contacts-rejected-email = ❗ The insurer did not accept this address. Check it and type it again.
contacts-rejected-phone = ❗ The insurer did not accept this number. Check it and type it again.
contacts-unchanged-email = ❗ This e-mail is already yours and confirmed. Type another address or go back.
contacts-unchanged-phone = ❗ This number is already yours and confirmed. Type another number or go back.
contacts-unavailable = ⚠️ The insurer's cabinet did not answer, so no code was sent. What you typed is kept: press "Send the code" in a minute.
# $typed: the value typed before the cabinet was unavailable
contacts-send-again = 📨 Send the code to { $typed }

# $value: where the code went; $until: when it stops working; $left: attempts left
contacts-code-sent-email =
    We sent a letter with a code to <b>{ $value }</b>.
    Type the code here: it works until { $until }. Attempts: { $left }.
contacts-code-sent-phone =
    We sent a text message with a code to <b>{ $value }</b>.
    Type the code here: it works until { $until }. Attempts: { $left }.
contacts-not-a-code = ❗ The code is the digits from the letter or the text message (usually 6). Type just them.
contacts-wrong-code = ❌ The code is wrong. { $left ->
        [one] { $left } attempt left.
       *[other] { $left } attempts left.
    }
contacts-code-expired = ⌛ The code has expired. Press "Send the code again" for a new one.
contacts-code-resent = 📨 A new code is on its way. The previous one no longer works.
contacts-unavailable-code = ⚠️ The insurer's cabinet did not answer. Type the code again in a minute: it still works.
contacts-resend = 🔁 Send the code again
contacts-other-email = ✏️ Type another address
contacts-other-phone = ✏️ Type another number
contacts-cancel = Cancel the change
contacts-change-cancelled = The change is cancelled; your contact details are as they were.
contacts-changed-email = ✅ E-mail changed.
contacts-changed-phone = ✅ Phone changed.
contacts-too-many-email = ⛔ A wrong code was entered 3 times, so the e-mail change is cancelled. To start again, press "Change e-mail": a new code will be sent.
contacts-too-many-phone = ⛔ A wrong code was entered 3 times, so the phone change is cancelled. To start again, press "Change phone": a new code will be sent.

## The contact change page (strict mode; plain text: the page escapes it)
contacts-web-title-email = New e-mail address
contacts-web-title-phone = New phone number
contacts-web-current = Now: { $value }
contacts-web-label-email = New e-mail
contacts-web-label-phone = New mobile number
contacts-web-hint-email = For example: ivan.petrov@mail.ru. A letter with a code will be sent there.
contacts-web-hint-phone = For example: +7 916 123-45-67. A text message with a code will be sent there.
contacts-web-send = Get the code
contacts-web-code-label = The code from the letter or the text message
contacts-web-code-sent = The code was sent to { $value }. It works until { $until }. Attempts: { $left }.
contacts-web-confirm = Confirm
contacts-web-done-title-email = E-mail changed
contacts-web-done-title-phone = Phone changed
contacts-web-done-text = Done. Go back to { $messenger }: your contact details there are the new ones.
contacts-web-done-chat-email = ✅ <b>E-mail changed</b> on the secure page: { $value }.
contacts-web-done-chat-phone = ✅ <b>Phone changed</b> on the secure page: { $value }.
contacts-web-open = 📇 Contact details
contacts-web-expired-title = The link has expired or was already used
contacts-web-expired-text = The page's link opens once and works for 30 minutes. Go back to { link-chat } and press "Change e-mail" or "Change phone" again.
contacts-web-cancelled-title = The change is cancelled
contacts-web-cancelled-text = A wrong code was entered 3 times, so the change is cancelled and your contact details are as they were. To start again, go back to { link-chat } and press "Change" again: a new code will be sent.
contacts-unavailable-web = The insurer's cabinet did not answer. What you typed is kept: send the form again in a minute.
contacts-web-resend = Send the code again
