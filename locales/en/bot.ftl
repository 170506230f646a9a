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

    If you change your mind, send /start. Help and support contacts: /help.

## Withdrawing consent (/revoke)
revoke-confirm =
    <b>Withdraw your consent to personal data processing?</b>

    The bot will delete your settings (language, time zone) and consent records, and anonymise its activity log. You can use the bot again by giving consent anew with /start.
revoke-yes = Withdraw consent
revoke-no = Keep it
revoke-done =
    Consent withdrawn.

    Deleted: settings (language, time zone), consent records — { $consents }, conversation state.
    Activity log records anonymised: { $audit }. One record that a consent was withdrawn remains, without personal data.

    To use the bot again, send /start.

## Main menu
menu-title = <b>Main menu</b>
    Choose a section.
menu-settings = ⚙️ Settings
menu-help = ❓ Help
button-back = ⬅️ Back

## Help
help-text =
    <b>Help</b>

    /start — main menu
    /settings — language and settings
    /cancel — cancel the current action
    /revoke — withdraw consent and delete data

    Support: { $contacts }

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
