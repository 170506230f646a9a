### English. Every key also exists in locales/ru/bot.ftl (a test checks it).

language-name = English

## Commands (Telegram's command menu)
command-start = Start / main menu
command-menu = Main menu
command-settings = Settings
command-help = Help and contacts
command-cancel = Cancel the current action
command-revoke = Withdraw consent and delete data

## Greeting and consent (152-FZ)
start-greeting =
    Hello! I am the policyholder's personal cabinet bot.
    Here you can check a claim, order a certificate, renew a policy and see your payouts.
consent-text =
    <b>Consent to personal data processing</b> (version { $version })

    To show your policies, claims and payouts, the bot receives your full name, date of birth, SNILS and insurance contract details from Gosuslugi and from the insurer's personal cabinet, and processes them under Federal Law No. 152-FZ "On Personal Data".

    The data is stored on servers in Russia and used only to work with your contracts in this chat. The consent is valid until you withdraw it: /revoke at any time disconnects your account and deletes the data the bot keeps about you.
consent-accept = ✅ I agree
consent-decline = I do not agree
consent-declined =
    Without consent to personal data processing the bot cannot connect your Gosuslugi account or show your policies, claims, certificates and payouts.

    If you change your mind, read the consent again with the button below. Help and support contacts: /help.
consent-read-again = 📄 Read the consent again

## Withdrawing consent (/revoke)
revoke-confirm =
    <b>Withdraw your consent to personal data processing?</b>

    What happens:
    • you are signed out of your Gosuslugi account in this chat, and alerts about your policies, claims and payouts stop;
    • the bot deletes your settings (language, time zone, alerts), your consent records and the messages not yet sent, and anonymises its activity log.

    Your policies, claims and payouts stay with the insurer, which keeps them as the law requires: withdrawing consent in the bot does not touch them. You can come back at any time: /start.
revoke-yes = Withdraw consent
revoke-no = Keep it
revoke-done =
    Consent withdrawn.

    Deleted: settings (language, time zone), consent records — { $consents }, the bot's messages queued or sent to you — { $messages }, conversation state{ $linked ->
        [0] {""}
       *[other] , the link to your Gosuslugi account and the cached cabinet data
    }.
    Activity log records anonymised: { $audit }. One record that a consent was withdrawn remains, without personal data.{ $linked ->
        [0] {""}
       *[other] {""}

        We are telling the insurer that the consent for { $messenger } is withdrawn, so its consent records match ours. Your policies and claims stay with the insurer: they are kept under the insurance contract.
    }

    To use the bot again, send /start.

## Main menu
menu-title = <b>Main menu</b>
    Choose a section.
menu-settings = ⚙️ Settings
menu-help = ❓ Help
button-back = ⬅️ Back
button-more = 🔎 Details

## Help
help-text =
    <b>Help</b>

    /start — main menu
    /settings — language and settings
    /cancel — cancel the current action
    /revoke — withdraw consent and delete data
    /logout — sign out of Gosuslugi in this chat

    <b>The insurer's support</b>
    { $contacts }
    You can also just write what you need: the bot will offer the right section.
help-login-button = 🔑 I cannot sign in
help-login =
    <b>Cannot sign in with Gosuslugi</b>

    • <b>The password does not fit</b>: on Gosuslugi's sign-in page press «Восстановить» and set a new password by SMS or e-mail.
    • <b>"The account is not confirmed"</b>: confirm it in your bank's app (Sber, T-Bank, VTB and others), at an MFC or a Russian Post office with your passport and SNILS, then sign in again.
    • <b>The SMS code does not come</b>: wait 2–3 minutes, check the phone number in your Gosuslugi profile and that the phone takes SMS; the code can be requested again.
    • <b>Gosuslugi does not open or shows an error</b>: a temporary failure on their side; try again in 10–15 minutes.
    • <b>"We did not find you among our customers"</b>: write to the insurer's support with your full name, date of birth and policy number if you have one.
    • <b>The link has expired</b>: signing in on Gosuslugi must be finished within 10 minutes. Press «Sign in with Gosuslugi» in the bot's menu again: the button starts a new sign-in.

    Gosuslugi support: 8 800 100-70-10, support@gosuslugi.ru
    The insurer's support: { $contacts }

## Settings
settings-title =
    <b>Settings</b>

    Language: { $language }
settings-language-ru = 🇷🇺 Русский
settings-language-en = 🇬🇧 English

## Service replies
cancel-done = Cancelled.
unknown-message = I did not understand that. Choose a section in the menu.
stale-button = This button is outdated.
private-only = I work in private chats only. Write to me: @{ $bot_username }
flood-notice = Too many messages in a row. Wait a couple of seconds and I will answer again.
error-incident =
    Sorry, something went wrong. We are looking into it.
    Incident number: <code>{ $incident }</code> — tell it to support if the problem repeats.
service-unavailable = The service is temporarily unavailable, so I could not handle your request. Please try again in a couple of minutes.

## The insurer's cabinet
cabinet-unavailable = The insurer's personal cabinet is temporarily unavailable. Please try again in a few minutes — everything you entered is kept.
# $time: when the data shown was fetched, in the user's time zone
cabinet-stale = ⚠️ The cabinet is temporarily unavailable; data as of { $time }.
cabinet-not-found = I could not find this in your cabinet — the data may have changed. Please open the list again.
cabinet-rejected = The cabinet did not accept the request. Check the details and try again, or contact support.

## Linking with Gosuslugi
menu-login = 🔑 Sign in with Gosuslugi
link-prompt = To see your policies, claims and payouts, sign in with Gosuslugi. The link works for 10 minutes.
menu-linked-as = Signed in as { $name }
menu-linked = Signed in with Gosuslugi.
link-code-expired = This sign-in link has expired or was already used. Press “Sign in with Gosuslugi” again.
link-other-messenger = This sign-in link belongs to another messenger, so nothing was linked here. Go back to the messenger you started in, or start signing in here again.
link-foreign = This sign-in link was opened from another { $messenger } account, so nothing was linked. Start signing in from the { $messenger } account you will use the bot in.
link-private-only = A sign-in link must be opened in the private chat with the bot. Nothing was linked — start again in the private chat.
link-moved-away =
    Your Gosuslugi account has been connected to another { $messenger } account, so you are signed out here.
    If it was not you, change your Gosuslugi password and contact support: { $contacts }
command-logout = Sign out of Gosuslugi
settings-logout = 🚪 Sign out of Gosuslugi
logout-confirm = Sign out of your Gosuslugi account? The bot will stop showing your policies and sending alerts until you sign in again.
logout-not-linked = You have not signed in with Gosuslugi.
logout-yes = Sign out
logout-no = Stay
logout-done = You have signed out of Gosuslugi. Sign in again to see your policies.

## Sections of the menu
menu-policies = 📄 Policies
menu-claims = 📋 Claims
menu-certificates = 🧾 Certificates
menu-payouts = 💰 Payouts
menu-documents = 🗂 My documents
menu-feedback = 💬 Support and reviews
link-needed = This section is available after you sign in with Gosuslugi. Sign in and we will open it right away. The link works for 10 minutes.
section-refused = That is not among your data. Back to the main menu.

## Documents and details in strict privacy mode
document-open = 🔗 Open
document-link = Open it with this link: it works for { $minutes } minutes and opens once. Do not forward it to anyone.
document-expired-title = The link has expired or has been used
document-expired-text = The link works for 10 minutes and opens once. Go back to { link-chat } and ask for the document again.
document-unavailable-title = The cabinet is temporarily unavailable
document-unavailable-text = We could not get the data from your personal cabinet. Try again in a few minutes: go back to { link-chat } and ask for the document again.

## Products
product-osago = OSAGO
product-kasko = KASKO
product-dms = Health (DMS)
product-property = Property
product-travel = Travel
product-life = Life
cabinet-unavailable-reading = The insurer's personal cabinet is temporarily unavailable, so the data could not be shown. Press «Retry» in a minute.

## A failed sign-in: what the page says, in the chat too
sign-in-failed-denied = 🔑 Signing in with Gosuslugi did not happen: you did not allow access to your data, and without it the bot cannot show your policies. Press the button to try again.
sign-in-failed-unverified = 🔑 Signing in did not happen: your Gosuslugi account is not confirmed. Confirm it (in your bank's app, at an MFC or a Russian Post office) and sign in again. More under «Help» → «I cannot sign in».
sign-in-failed-unavailable = 🔑 Signing in did not happen: Gosuslugi did not answer (code { $code }). It is usually brief: try again in 10–15 minutes.
sign-in-failed-untrusted = 🔑 Signing in was not confirmed: Gosuslugi's answer did not pass the check (code { $code }). Try again; if it repeats, write to support: { $contacts }
sign-in-failed-cabinet_unavailable = 🔑 You signed in with Gosuslugi, but the insurer's cabinet is unavailable right now. Try signing in again in a few minutes.
sign-in-failed-expired = 🔑 The sign-in link has expired or was used. Press the button for a new one.
sign-in-failed-not_customer = 🔑 You signed in with Gosuslugi, but we found no policies in your name. If you are our customer, write to support: { $contacts }
sign-in-failed-ambiguous = 🔑 You signed in with Gosuslugi, but the insurer holds several customer records of yours. Write to support and quote the code { $reference } to have them merged: { $contacts }
