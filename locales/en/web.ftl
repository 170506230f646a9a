## The linking pages (plain text: the page escapes it). $messenger: Telegram, Max, or unknown
## (a page that cannot tell which chat it came from). The one-time pages' texts (bot.ftl,
## contacts.ftl, filing.ftl, questions.ftl) refer to link-chat too: an expired link knows no one.
link-chat = { $messenger ->
    [unknown] the chat with the bot
   *[other] { $messenger }
}
link-in-chat = { link-chat }
link-done-title = Done — go back to { $messenger }
link-done-text = We have checked your Gosuslugi account. Go back to { $messenger } to finish signing in.
link-done-button = Open { $messenger }
link-done-desktop = If { $messenger } on your computer did not open the chat with the bot, send the bot this command:
link-done-private = Do not forward this command or link to anyone: they connect your account to the { $messenger } account the sign-in started from.
link-expired-title = This link has expired or was already used
link-expired-text = Go back to { link-chat } and press “Sign in with Gosuslugi” again. A sign-in link works for 10 minutes and only once.
link-denied-title = You declined access
link-denied-text = Without access to your Gosuslugi data we cannot find your policies. If you change your mind, press “Sign in with Gosuslugi” in { link-chat } again.
link-unverified-title = Your Gosuslugi account is not confirmed
link-unverified-text = Only a confirmed account can sign in. Confirm your identity on gosuslugi.ru: at an MFC or service centre, in your online bank (Sber, T-Bank, VTB and others) or by registered mail — then sign in again.
link-unavailable-title = Could not sign in with Gosuslugi
link-unavailable-text = Gosuslugi did not answer or returned an error. Try again in a few minutes: press “Sign in with Gosuslugi” in { link-chat } again.
link-unavailable-code = Error code: { $code }. { $advice }
link-cabinet-down-title = Sign-in not finished
link-cabinet-down-text = Gosuslugi confirmed who you are, but the insurer's personal cabinet is not answering right now. Try again in a few minutes: press “Sign in with Gosuslugi” in { link-chat } again.
link-untrusted-title = Sign-in not confirmed
link-untrusted-text = The sign-in service's answer did not pass our security check, so we did not link your account. This is not your fault. Try signing in again in a few minutes; if it happens again, contact support: { $contacts }
link-untrusted-code = Check code: { $code } — tell it to support.
link-advice-later = It looks like a temporary failure at Gosuslugi.
link-advice-restart = The sign-in session expired — start again.
link-advice-setup = The insurer's sign-in is misconfigured; please tell support.
link-ambiguous-title = We found several customer records of yours
link-ambiguous-text = You signed in with Gosuslugi, but the insurer holds several customer records in your name (this happens when a passport or a surname changed). Write to support and quote the code { $reference }: they will merge the records and signing in will work. { $contacts }
link-not-customer-title = We did not find you among our customers
link-not-customer-text = You signed in with Gosuslugi, but we found no policies in your name. If you are our customer, contact support: { $contacts }
link-too-many-title = Too many attempts
link-too-many-text = Too many requests came from your address. Wait { $seconds } s and try again.
service-down-title = The service is temporarily unavailable
service-down-text = We are restoring it. Reload this page in a minute — there is nothing to enter again.
