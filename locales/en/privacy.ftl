## Settings → My data (152-FZ art. 14, 21)
settings-my-data = 🗂 My data
my-data-title =
    <b>My data</b>

    What the bot itself keeps about you:
my-data-linked-as = • Signed in with Gosuslugi: on { $linked_on } (as { $name }). The bot keeps your customer number at the insurer and your Gosuslugi account id, no passport or SNILS.
my-data-linked = • Signed in with Gosuslugi: on { $linked_on }. The bot keeps your customer number at the insurer and your Gosuslugi account id, no passport or SNILS.
my-data-unlinked = • Signed in with Gosuslugi: no.
my-data-consent = • Consent to personal data processing: version { $consent_version } of { $consent_on }.
my-data-marketing = • Consent to advertising: given on { $marketing_on }, version { $marketing_version }.
my-data-no-marketing = • Consent to advertising: not given.
my-data-settings = • Settings: language — { $language }, time zone — { $zone }, notifications off — { $alerts_off }, quiet hours — { $quiet }.
my-data-alerts-all-on = none
my-data-records =
    • Messages to you: waiting to be sent — { $queued }, sent (kept with their text) — { $sent }.
    • Questions to support — { $questions }, reviews — { $reviews } (number and topic; the text itself is with support).
    • Policy renewals started in the chat — { $renewals }.
    • Phone or e-mail changes started in the chat — { $contact_changes } (the change's number only, not the contacts).
    • Activity log records about you (no personal data) — { $audit }.
my-data-insurer = Your policies, claims, payouts and personal details are kept by the insurer. Use the buttons below to ask for a copy of all of it or for a correction — the answer comes within 10 working days.
my-data-footer = To withdraw your consent and delete everything the bot keeps: /revoke.
my-data-copy = 📄 Request a copy of my data
my-data-correct = ✏️ Correct my data
my-data-back = 🗂 My data
my-data-send = 📨 Send the request
my-data-copy-confirm =
    <b>A copy of your data</b>

    The insurer will tell you which of your personal data it processes, why and how, and give you a copy of it (152-FZ art. 14). The answer comes within 10 working days — to your personal cabinet on the insurer's website or by letter.
my-data-correction-ask =
    <b>Correct my data</b>

    In one message, write which data is wrong or out of date and what it should be — up to { NUMBER($limit) } characters. For example: "My registered address has an old flat number".
    The insurer will correct it or ask for a supporting document (152-FZ art. 21).
my-data-correction-ask-strict = Do not write document numbers here: just say what is wrong — the insurer will ask for proof itself.
my-data-correction-text-needed = Please write, as text, which data needs correcting.
my-data-correction-too-long = Too long: { NUMBER($length) } characters, up to { NUMBER($limit) } are allowed. Please shorten it and send it again.
my-data-correction-confirm =
    <b>Check your correction request</b>

    { $text }

    Send it to the insurer? To change the text, just write a new one.
my-data-correction-confirm-strict =
    <b>Check your correction request</b>

    Text: { NUMBER($length) } characters (not shown here — strict privacy mode).

    Send it to the insurer? To change the text, just write a new one.
my-data-requested-copy = ✅ Data copy request No. { $number } accepted.
my-data-requested-correction = ✅ Data correction request No. { $number } accepted.
my-data-requested-due = The insurer will answer by { $due } — the law gives it 10 working days. The answer comes to your personal cabinet on the insurer's website or by letter; quote the request number if you contact support.

## Settings → consent to advertising (38-FZ art. 18)
settings-marketing = 🎁 Offers and news
marketing-consent-text =
    <b>Consent to advertising</b> (version { $version })

    I agree that the insurer may show me personal offers of its products in the "🎁 Offers for you" section and send news and offers to this chat.

    This consent is separate and optional: everything else works without it. Offers are shown only when you open the section yourself. You can withdraw it here at any time.
marketing-consent-given = Now: consent given on { $given_on } (version { $given_version }). The "🎁 Offers for you" section is in the main menu.
marketing-consent-not-given = Now: no consent. You get no offers and no advertising messages.
marketing-consent-give = ✅ I agree
marketing-consent-withdraw = 🚫 Withdraw consent

## Main menu → Offers for you
menu-offers = 🎁 Offers for you
offers-title = <b>Offers for you</b>
offers-item = <b>{ $title }</b>
    { $text }
offers-item-priced = <b>{ $title }</b> — from { NUMBER($price, minimumFractionDigits: 2) } RUB
    { $text }
offers-footer = Details and purchase are on the insurer's website, behind the buttons below.
offers-empty = There are no personal offers for you right now.
offers-no-consent = Offers are shown only to those who consented to advertising. You can give it in the settings — it is optional.
offers-consent = 🎁 Consent to advertising
