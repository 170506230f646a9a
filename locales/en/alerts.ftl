## Alerts about the cabinet's events
alert-claim-status =
    🔔 <b>Claim No. { $number }</b>
    New status: { $status }
    { $next }
alert-claim-documents =
    📎 <b>Documents needed for claim No. { $number }</b>
    { $documents }
    Upload them with “Add a document” — the review continues once they arrive.
alert-claim-documents-strict =
    📎 <b>Documents needed for claim No. { $number }</b>
    Documents requested: { $count }. The list is in the claim's card. Upload them with “Add a document” — the review continues once they arrive.
alert-certificate-ready = 📄 <b>Certificate No. { $number } is ready.</b> The certificate is attached.
alert-certificate-ready-strict = 📄 <b>Certificate No. { $number } is ready.</b> Open it with the one-time link below.
alert-policy-expiring =
    ⏰ <b>Policy No. { $number } ends on { $ends_on }</b> — in { $days ->
        [one] { $days } day
       *[other] { $days } days
    }.
    Renew it to stay covered.
alert-payment-succeeded = ✅ <b>Payment received</b>: { NUMBER($amount, minimumFractionDigits: 2) } RUB. We are renewing your policy and will send it as soon as it is ready.
alert-payment-succeeded-strict = ✅ <b>Payment received.</b> We are renewing your policy and will send it as soon as it is ready.
alert-policy-renewed = 🎉 <b>Policy renewed</b>: No. { $number }, valid until { $ends_on }. The new policy is attached.
alert-policy-renewed-strict = 🎉 <b>Policy renewed</b>: No. { $number }, valid until { $ends_on }. The new policy opens with the one-time link below.
alert-policy-issued = 🎉 <b>Policy issued</b>: No. { $number }, valid from { $starts_on } to { $ends_on }. The policy is attached; it is also in “Policies”.
alert-policy-issued-strict = 🎉 <b>Policy issued</b>: No. { $number }, valid from { $starts_on } to { $ends_on }. The policy opens with the one-time link below; it is also in “Policies”.
alert-payout-sent = 💸 <b>Payout sent</b>: { NUMBER($amount, minimumFractionDigits: 2) } RUB. The money reaches your account within 1–3 business days.
alert-payout-sent-strict = 💸 <b>Payout sent.</b> The amount and the account are in “Payouts”.

alert-claim-message =
    💬 <b>{ $name }, the handler of claim No. { $number }:</b>
    { $text }
    { $due }
alert-claim-reply-by = Please answer by { $due }.
alert-claim-message-strict =
    💬 <b>A new message from the handler of claim No. { $number }.</b>
    Read it in the claim's card and answer with «Reply».
alert-button-reply = ↩️ Reply
alert-certificate-rejected = ❌ <b>Certificate No. { $number } could not be prepared.</b> { $reason } If you need help, write to support.
alert-certificate-rejected-strict = ❌ <b>Certificate No. { $number } could not be prepared.</b> The reason is under «Certificates» → «My orders».
alert-payout-failed = ⚠️ <b>The payout of { NUMBER($amount, minimumFractionDigits: 2) } RUB failed</b>: the bank refused it. { $reason } Write to support to check your bank details.
alert-payout-failed-strict = ⚠️ <b>A payout failed</b>: the bank refused it. Write to support to check your bank details.
alert-payout-returned = ⚠️ <b>The payout of { NUMBER($amount, minimumFractionDigits: 2) } RUB came back</b> from the bank. { $reason } Write to support to check your bank details.
alert-payout-returned-strict = ⚠️ <b>A payout came back</b> from the bank. Write to support to check your bank details.
alert-button-upload = 📎 Add a document
alert-button-claim = 📋 Open the claim
alert-button-renew = 🔄 Renew
alert-button-payouts = 💰 Open the payout

## Settings → Notifications
settings-alerts = 🔔 Notifications
alerts-settings =
    <b>Notifications</b>

    Tap a topic to switch its notifications on or off.
    Quiet hours: { $quiet }
    Time zone: { $zone }
    News and offers: { $marketing }
alerts-settings-note = Urgent ones — documents requested, payment confirmations, a warning that your phone or e-mail changed — arrive during quiet hours too. Warnings about changed contacts cannot be switched off.
alerts-category-claims = Claims
alerts-category-certificates = Certificates
alerts-category-policies = Policies
alerts-category-payments = Payments
alerts-category-payouts = Payouts
alerts-category-marketing = News and offers
alerts-on = ✅ { $name }
alerts-off = 🔕 { $name }
alerts-quiet-button = 🌙 Quiet hours
alerts-zone-button = 🕒 Time zone
alerts-marketing-yes = on
alerts-marketing-no = off
alerts-quiet-title =
    <b>Quiet hours</b>
    Non-urgent notifications wait until the morning during these hours (in your time zone).
alerts-quiet-range = { $from }–{ $to }
alerts-quiet-none = none
alerts-quiet-none-button = No quiet hours
alerts-zone-title = <b>Time zone</b>
alerts-zone-kaliningrad = Kaliningrad (UTC+2)
alerts-zone-moscow = Moscow (UTC+3)
alerts-zone-samara = Samara (UTC+4)
alerts-zone-yekaterinburg = Yekaterinburg (UTC+5)
alerts-zone-omsk = Omsk (UTC+6)
alerts-zone-krasnoyarsk = Krasnoyarsk (UTC+7)
alerts-zone-irkutsk = Irkutsk (UTC+8)
alerts-zone-yakutsk = Yakutsk (UTC+9)
alerts-zone-vladivostok = Vladivostok (UTC+10)
alerts-zone-magadan = Magadan (UTC+11)
alerts-zone-kamchatka = Kamchatka (UTC+12)
alert-list-more = … and { $count } more

## A policy's installments: payment received, reminder, overdue
alert-installment-paid = ✅ <b>Payment received</b>: { NUMBER($amount, minimumFractionDigits: 2) } RUB — installment No. { $installment } of policy No. { $number }. { $next }
alert-installment-paid-strict = ✅ <b>Payment received</b> — installment No. { $installment } of policy No. { $number }. { $next }
alert-installment-next = The next installment is due by { $due_on }; we will remind you in good time.
alert-installment-all-paid = The policy is paid in full.
alert-payment-due =
    💳 <b>A payment is due on policy No. { $number }</b>
    Installment No. { $installment } — { NUMBER($amount, minimumFractionDigits: 2) } RUB — is to be paid by { $due_on } inclusive.
    You can pay from here: the "Pay" button below.
alert-payment-due-strict =
    💳 <b>A payment is due on policy No. { $number }</b>
    Installment No. { $installment } is to be paid by { $due_on } inclusive. You will see the amount on the payment page.
    You can pay from here: the "Pay" button below.
alert-payment-overdue =
    ❗ <b>A payment on policy No. { $number } is overdue</b>
    Installment No. { $installment } — { NUMBER($amount, minimumFractionDigits: 2) } RUB — was due by { $due_on }. Please pay it as soon as you can so that your cover does not lapse.
alert-payment-overdue-strict =
    ❗ <b>A payment on policy No. { $number } is overdue</b>
    Installment No. { $installment } was due by { $due_on }. Please pay it as soon as you can so that your cover does not lapse. You will see the amount on the payment page.
alert-button-pay = 💳 Pay
alert-policy-changed-in-review = 💳 <b>Payment received</b>: “{ $title }” on policy No. { $number }. The change is being checked; when the policy is changed, we will send its new version.
alert-policy-changed-applied = ✅ <b>Policy No. { $number } changed</b>: “{ $title }”. The new version of the policy is attached; it is also in “Policies”.
alert-policy-changed-applied-strict = ✅ <b>Policy No. { $number } changed</b>: “{ $title }”. The new version of the policy opens with the one-time link below; it is also in “Policies”.
alert-policy-changed-rejected = ❌ <b>Change not accepted</b>: “{ $title }” on policy No. { $number }. { $reason } If you paid a surcharge, it will be returned the same way.
alert-policy-change-no-reason = Ask support for the reason.
alert-button-policy = 📄 Open the policy

## A premium refund (a payout under a policy, not a claim)
alert-refund-sent = 💸 <b>Premium refund sent</b>: { NUMBER($amount, minimumFractionDigits: 2) } RUB under policy No. { $number }. The money reaches your account within 1–3 business days.
alert-refund-sent-strict = 💸 <b>The premium refund under policy No. { $number } was sent.</b> The amount and the account are in “Payouts”.
alert-refund-failed = ⚠️ <b>The premium refund of { NUMBER($amount, minimumFractionDigits: 2) } RUB under policy No. { $number } failed</b>: the bank refused it. { $reason } Write to support to check your bank details.
alert-refund-failed-strict = ⚠️ <b>The premium refund under policy No. { $number } failed</b>: the bank refused it. Write to support to check your bank details.
alert-refund-returned = ⚠️ <b>The premium refund of { NUMBER($amount, minimumFractionDigits: 2) } RUB under policy No. { $number } came back</b> from the bank. { $reason } Write to support to check your bank details.
alert-refund-returned-strict = ⚠️ <b>The premium refund under policy No. { $number } came back</b> from the bank. Write to support to check your bank details.

## The phone or e-mail changed in the personal cabinet (a security alert)
# $value: the new value as the cabinet masked it; $at: when (the person's time zone); $source: where
alert-contacts-changed-phone = 🔐 <b>The phone in your personal cabinet was changed</b> to { $value } — { $at }, { $source }.
alert-contacts-changed-email = 🔐 <b>The e-mail in your personal cabinet was changed</b> to { $value } — { $at }, { $source }.
alert-contacts-source-bot = in the chat bot
alert-contacts-source-website = on the insurer's website
alert-contacts-source-mobile_app = in the mobile app
alert-contacts-source-office = at the insurer's office
alert-contacts-source-call_center = by a call to the insurer
alert-contacts-call = If it was not you, call the insurer at once: <b>{ $phone }</b>.
alert-contacts-write = If it was not you, contact the insurer at once: { $contacts }.
alert-button-contacts = 📇 Contact details
