## Policies
policies-title = <b>Your policies</b>
policies-empty = No policies found.
# Max cuts long labels: there the number is its last characters (the card shows it whole).
policy-button = { $messenger ->
    [Max] { $title } · No. …{ $tail }
   *[other] { $title } · No. { $number }
}
policy-detail =
    <b>{ $title }</b>
    Policy No. { $number }
    Status: { $status }
    Term: { $starts_on } — { $ends_on }
    Insured: { $insured }
    Premium: { NUMBER($premium, minimumFractionDigits: 2) } RUB
    Cover:
    { $coverages }
    { $deductible }
    { $contacts }
policy-deductible = Deductible: { NUMBER($amount, minimumFractionDigits: 2) } RUB
policy-contacts = The insurer: { $contacts }
policy-coverage = • { $name }: { NUMBER($amount, minimumFractionDigits: 2) } RUB
policy-pdf = 📎 Policy (PDF)
policy-status-active = in force
policy-status-expiring = expiring soon
policy-status-expired = expired
policy-status-cancelled = cancelled
policy-status-pending_payment = awaiting payment
policy-detail-strict =
    <b>{ $title }</b>
    Policy No. { $number }
    Status: { $status }
    Term: { $starts_on } — { $ends_on }
    { $contacts }
policy-renew = 🔄 Renew

## Renewal
renew-choose-term = <b>Renewing the policy</b>
    Choose the term of the new policy:
renew-term = { $months } months — { NUMBER($premium, minimumFractionDigits: 2) } RUB
renew-term-short = { $months } months
renew-quote =
    <b>Renewal quote</b>
    Term: { $months } months
    New period: { $starts_on } — { $ends_on }
    Premium: { NUMBER($premium, minimumFractionDigits: 2) } RUB
    The offer is valid until { $valid_until }.
renew-quote-strict =
    <b>Renewal quote</b>
    Term: { $months } months
    New period: { $starts_on } — { $ends_on }
    You will see the amount on the payment page. The offer is valid until { $valid_until }.
renew-confirm = ✅ Confirm
renew-quote-expired = The offer has expired. Choose the term again and we will recalculate.
renew-pay =
    <b>Renewal order created</b>
    Pay it by { $expires_at }. Once the payment goes through, we will send "Policy renewed" and the new policy.
renew-pay-deadlines = The payment deadline is the payment link's; the quote itself holds until { $valid_until }. If the link runs out, choose the term again and we will quote anew.
renew-pay-button = 💳 Pay

## A policy's installments: the card's line and the payment screen
policy-due = 💳 To pay: { NUMBER($due_amount, minimumFractionDigits: 2) } RUB by { $due_on } inclusive (installment No. { $due_installment }).
policy-due-strict = 💳 To pay: installment No. { $due_installment } by { $due_on } inclusive. The amount is on the payment screen.
policy-overdue = ❗ Payment overdue: { NUMBER($due_amount, minimumFractionDigits: 2) } RUB was due by { $due_on } (installment No. { $due_installment }). Please pay as soon as you can so that your cover does not lapse.
policy-overdue-strict = ❗ Payment overdue: installment No. { $due_installment } was due by { $due_on }. Please pay as soon as you can so that your cover does not lapse.
policy-pay = 💳 Pay
pay-nothing-due = Nothing is to be paid on this policy now — it is all paid.
pay-title = <b>Payments on policy No. { $number }</b>
pay-paid = Paid: { NUMBER($paid_amount, minimumFractionDigits: 2) } RUB of { NUMBER($total, minimumFractionDigits: 2) } RUB ({ $paid_count } of { $count } installments).
pay-paid-strict = Installments paid: { $paid_count } of { $count }.
pay-due = To pay now: installment No. { $due_installment } — <b>{ NUMBER($due_amount, minimumFractionDigits: 2) } RUB by { $due_on }</b> inclusive.
pay-due-strict = To pay now: installment No. { $due_installment } — <b>by { $due_on }</b> inclusive. You will see the amount on the payment page.
pay-overdue = ❗ Installment No. { $due_installment } — <b>{ NUMBER($due_amount, minimumFractionDigits: 2) } RUB</b> — is overdue: it was due by { $due_on }. Please pay as soon as you can.
pay-overdue-strict = ❗ Installment No. { $due_installment } is overdue: it was due by { $due_on }. Please pay as soon as you can; you will see the amount on the payment page.
pay-all-paid = ✅ The policy is paid in full. Thank you!
pay-link = The "Pay" button opens the payment page; the link works until { $expires_at }. Once the payment goes through, we will send "Payment received".
pay-link-expired = The payment link has expired. Press "🔄 New payment link" and pay with the new one.
pay-link-missing = To pay, press "🔄 New payment link".
pay-schedule =
    <b>Payment schedule</b>
    { $schedule }
pay-installment-paid = { $mark } No. { $installment } — { NUMBER($amount, minimumFractionDigits: 2) } RUB, paid on { $paid_on }
pay-installment-due = { $mark } No. { $installment } — { NUMBER($amount, minimumFractionDigits: 2) } RUB by { $due_on }
pay-installment-overdue = { $mark } No. { $installment } — { NUMBER($amount, minimumFractionDigits: 2) } RUB, overdue (was due by { $due_on })
pay-installment-paid-strict = { $mark } No. { $installment } — paid on { $paid_on }
pay-installment-due-strict = { $mark } No. { $installment } — by { $due_on }
pay-installment-overdue-strict = { $mark } No. { $installment } — overdue (was due by { $due_on })
pay-button = 💳 Pay
pay-new-link = 🔄 New payment link
pay-new-link-made = Done: the new payment link is on the "Pay" button.

## Renewal: check the data, agree to the terms
renew-check =
    <b>Check the policy's data</b>
    We will renew the policy with this data — is it all correct?
    { $insured }
renew-check-strict-note = We do not show names, the plate or the VIN in the chat: open them with "🔎 View the data" — a one-time link.
renew-check-page =
    <b>{ $title }</b>
    The data the policy is renewed with:
    { $insured }
renew-check-vehicle = 🚗 Car: { $description }
renew-check-vin = VIN: { $vin }
renew-check-object = 📍 Insured: { $description }
renew-check-drivers = 👤 Drivers admitted:
renew-check-insureds = 👤 Insured persons:
renew-check-person = • { $name }, { $birth_date }
renew-check-person-name = • { $name }
renew-check-any-driver = 👤 Drivers admitted: any driver
renew-check-car-strict = 🚗 Car: { $car }
renew-check-drivers-strict = 👤 Drivers admitted: { $count ->
        [one] { $count } person
       *[other] { $count } people
    }
renew-check-insureds-strict = 👤 Insured: { $count ->
        [one] { $count } person
       *[other] { $count } people
    }
renew-check-ok = ✅ All correct
renew-check-change = ✏️ Something to change
renew-check-show = 🔎 View the data
renew-change =
    <b>How to change the policy's data</b>
    Write to support what needs correcting — a specialist will answer here, in this chat, within 48 hours.
    Once the data is updated, renew the policy: the "🔄 Renew" button on the policy card.
renew-change-online = ✏️ You can add a driver or a new number plate yourself — the “Change the policy” button: we tell you at once whether there is a surcharge.
renew-change-support = 💬 Ask support
renew-consent =
    <b>Agreeing to the terms</b>
    The policy is renewed under the insurer's terms ("Terms of insurance") — open them with "📄 Terms of insurance".
    By pressing "I agree, go to payment" you confirm that you have read the terms and agree to them.
renew-consent-terms = 📄 Terms of insurance
renew-agree = ✅ I agree, go to payment

## A new policy («🛒 Buy a policy»): the products, the questions, the quote, the payment
buy-button = 🛒 Buy a policy
buy-products = <b>Buy a policy</b>
    Choose the insurance: we will ask a few questions and work out the price at once.
buy-products-none = Nothing can be bought online right now. Look in later or call the insurer — the number is in “Help”.
buy-about =
    <b>{ $title }</b>
    { $description }
    Term: { $months } months. Questions: { $questions }, then the start date — and you see the price.
buy-about-web = 🔒 This insurance asks for personal data (an address, a date of birth), which we do not take through the messenger. Answer the questions on a secure form — the price and the payment are there too. The link opens once and works for { $minutes } minutes. You can also buy it on the insurer's website.
buy-begin = ▶️ Work out the price
buy-website = 🌐 Buy on the website
buy-terms = 📄 Insurance terms
buy-type-date = Write the date, for example: 14.05.1985.
buy-date-outside = The date must be no earlier than { $starts_on } and no later than { $ends_on }.
buy-start =
    <b>Step { $step } of { $steps }. From which day should the policy be valid?</b>
    Pick a day in the calendar, press “Tomorrow” or write the date: from { $first } to { $last }.
buy-tomorrow = Tomorrow
buy-start-outside = The policy can start from { $starts_on } to { $ends_on }. Pick a day within these dates.
buy-answers-refused = The insurer did not accept one of the answers. Check them — we start from the first question; your answers are shown as “Now”.
buy-quote =
    <b>Quote: { $title }</b>
    Price: { NUMBER($premium, minimumFractionDigits: 2) } RUB for { $months } months.
    Valid: { $starts_on } — { $ends_on }
    What it covers:
    { $coverages }
    The quote is valid until { $valid_until }. By pressing “Buy and pay” you agree to the insurance terms.
buy-quote-coverage = • { $name } — up to { NUMBER($amount, minimumFractionDigits: 2) } RUB
buy-quote-renewed = ⚠️ The earlier quote has expired — here is a new one for the same answers. Check the price.
buy-quote-expired = The quote has expired. We priced it again for the same answers — check the price.
buy-accept = ✅ Buy and pay
buy-change = ✏️ Change the answers
buy-pay =
    <b>Your policy is almost ready</b>
    Pay by { $expires_at }. As soon as the payment goes through, we send the policy here, and it appears in “Policies”.
buy-pay-button = 💳 Pay
buy-to-policies = 📄 My policies

## Changing a policy (“✏️ Change the policy”): the options, the questions, the price difference
policy-change = ✏️ Change the policy
change-options = <b>Change policy No. { $number }</b>
change-options-ask = What would you like to change? A couple of questions, and we will tell you at once whether there is a surcharge.
change-options-busy = While one change is in progress, a new one cannot start. We will tell you when it is done.
change-line-awaiting_payment = 💳 “{ $title }” — awaiting payment until { $expires_at }
change-line-in_review = ⏳ “{ $title }” — being checked
change-line-applied = ✅ “{ $title }” — done, in effect from { $effective_from }
change-line-rejected = ❌ “{ $title }” — not accepted: { $reason }
change-line-quoted = 📝 “{ $title }” — not confirmed
change-line-expired = ⌛ “{ $title }” — the payment time ran out
change-about =
    <b>{ $title }</b>
    { $description }
    Questions: { $questions }; then you will see whether there is a surcharge.
change-about-web = 🔒 This change needs personal data (a name, a licence number, a plate), which we do not take through the messenger. Answer the questions in a secure form — the surcharge and the confirmation are there too. The link opens once and works for { $minutes } minutes. You can also change the policy on the insurer's website.
change-begin = ▶️ Start
change-website = 🌐 Change on the website
change-in-progress = A change to this policy is already in progress. You can start a new one when it is done.
change-quote = <b>{ $title }</b> — policy No. { $number }
change-quote-surcharge = Surcharge: <b>{ NUMBER($surcharge, minimumFractionDigits: 2) } RUB</b> for the rest of the policy's term.
change-quote-surcharge-strict = There is a surcharge for the rest of the policy's term; you will see the amount on the payment page.
change-quote-refund = We return part of the premium: <b>{ NUMBER($refund, minimumFractionDigits: 2) } RUB</b>, once the change is applied.
change-quote-refund-strict = We return part of the premium once the change is applied; you will see the amount in “Payouts”.
change-quote-free = No surcharge.
change-quote-valid = The change takes effect from { $effective_from } once the insurer has checked it. This price is valid until { $valid_until }.
change-confirm-pay = ✅ Confirm and pay
change-confirm = ✅ Confirm
change-pay =
    <b>One step left: the payment</b>
    “{ $title }”, policy No. { $number }. Pay by { $expires_at }. Once the payment goes through, the change is checked, and we send the new version of the policy here.
change-pay-button = 💳 Pay for the change
change-sent =
    <b>Change request accepted</b>
    “{ $title }”, policy No. { $number }. The insurer will check it and send the new version of the policy here.
change-sent-refund = Part of the premium, { NUMBER($refund, minimumFractionDigits: 2) } RUB, is returned once the change is applied.
change-to-policy = 📄 Back to the policy
## A new policy on the questionnaire page of strict mode (bot/new_policy_web.py)
buy-web-open = 📝 Fill in the form
buy-web-intro = Term: { $months } months. Answer the questions and pick the start date — we show the price.
buy-web-start = From which day the policy is valid
buy-web-start-hint = From { $first } to { $last }.
buy-web-quote = Work out the price
buy-web-refused = The insurer did not accept one of the answers. Check them and send again — what you typed is still on the page.
buy-web-quote-title = Quote: { $title }
buy-web-price = Price: { NUMBER($premium, minimumFractionDigits: 2) } RUB for { $months } months.
buy-web-term = Valid: { $starts_on } — { $ends_on }
buy-web-covers = What it covers:
buy-web-coverage = { $name } — up to { NUMBER($amount, minimumFractionDigits: 2) } RUB
buy-web-valid-until = The quote is valid until { $valid_until }.
buy-web-agree = By pressing “Buy and pay” you agree to the insurance terms.
buy-web-requoted = The earlier quote has expired — here is a new one for the same answers. Check the price.
buy-web-pay-title = Your policy is almost ready
buy-web-pay-text = Pay by { $expires_at }. As soon as the payment goes through, we send the policy to { $messenger }, and it appears in “Policies”.
buy-web-done-chat = 📝 <b>Form filled in</b>: { $title }. The payment link is on the form's page. As soon as the payment goes through, we send the policy here.

## A change to a policy on the questionnaire page of strict mode (bot/policy_change_web.py)
change-web-policy = Policy No. { $number }
change-web-quote = Work out the surcharge
change-web-surcharge = Surcharge: { NUMBER($surcharge, minimumFractionDigits: 2) } RUB for the rest of the policy's term.
change-web-refund = We return part of the premium: { NUMBER($refund, minimumFractionDigits: 2) } RUB, once the change is applied.
change-web-pay-title = One step left: the payment
change-web-pay-text = Pay the surcharge by { $expires_at }. Once the payment goes through, the change is checked, and we send the new version of the policy to { $messenger }.
change-web-sent-title = Change request accepted
change-web-sent-text = The insurer will check it and send the new version of the policy to { $messenger }.
change-web-done-chat-pay = 📝 <b>Form filled in</b>: “{ $title }”, policy No. { $number }. The link to pay the surcharge is on the form's page. We will tell you here when the payment goes through.
change-web-done-chat = 📝 <b>Change request accepted</b>: “{ $title }”, policy No. { $number }. We will check it and send the new version of the policy here.
