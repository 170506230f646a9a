## Payouts
payouts-heading = <b>Payouts</b> · { $period }
payouts-title = Payouts · { $period }
payouts-title-filtered = Payouts · { $period } · { $filter }
payouts-filter-on = Filter: { $filter }
payouts-period = { $date_from } — { $date_to }
payouts-preset-this_year = This year
payouts-preset-last_year = Last year
payouts-preset-last_12_months = 12 months
payouts-preset-chosen = ✅ { $preset }
payouts-empty = No payouts in this period.
payouts-unavailable = The insurer's personal cabinet is temporarily unavailable, so payouts cannot be loaded now. Please try again in a few minutes.
payout-line =
    { $paid_on } · <b>{ NUMBER($amount, minimumFractionDigits: 2) } RUB</b> · { $status }
    Recipient { $recipient } · { $basis }
payout-line-strict = { $paid_on } · { $status } · { $basis }
# what a payout is made under: a claim, or (a premium refund) a policy; $number as the chat may show it
payout-basis-claim = claim No. { $number }
payout-basis-refund = premium refund under policy No. { $number }
payout-status-scheduled = scheduled
payout-status-sent = sent
payout-status-failed = failed
payout-status-returned = returned
payout-type-indemnity = insurance indemnity
payout-type-expenses = reimbursed expenses
payout-type-premium_refund = premium refund
payout-button = { $paid_on } · { NUMBER($amount, minimumFractionDigits: 2) } RUB
payout-button-strict = { $paid_on } · { $status }
payouts-counted-sent = total sent
payouts-counted-scheduled = total scheduled
payouts-counted-failed = total failed
payouts-counted-returned = total returned
payouts-total = Payouts: { $count } · { $counted }: <b>{ NUMBER($total, minimumFractionDigits: 2) } RUB</b>
payouts-total-strict = Payouts: { $count }. Amounts and the recipient are behind "Details" and in the export.
payouts-xlsx = 📊 Excel
payouts-pdf = 📄 PDF

## Payouts: another period and the filter
payouts-period-custom = 📅 Another period
payouts-choose-from =
    <b>Payouts: start of the period</b>
    Pick the first day in the calendar or type a date such as 01.02.2025.
payouts-choose-to =
    <b>Payouts: end of the period</b>
    Start: { $period_from }.
    Pick the last day in the calendar or type a date such as 31.12.2025.
payouts-not-a-date = That is not a date. Type it like 01.02.2025 (day.month.year) or pick a day in the calendar.
payouts-date-before-start = The period cannot end before it starts ({ $period_from }). Pick another day.
payouts-date-too-far = No payouts are planned that far ahead: pick a day within a year from today.
payouts-filter = 🔽 Filter
payouts-filter-prompt =
    <b>Filter payouts</b>
    Pick a status and a type of payout: the list, the total and the export will show only those.
payouts-filter-all-status = All statuses
payouts-filter-all-type = All types
payouts-filter-show = 👀 Show
payouts-filter-reset = Clear the filter

## Payouts: a payout's card
payout-card-title = <b>Payout of { $paid_on }</b>
payout-card-amount = Amount: <b>{ NUMBER($amount, minimumFractionDigits: 2) } RUB</b>
payout-card-status = Status: { $status } · { $type }
payout-card-claim = Claim No. { $number }
payout-card-policy = Policy No. { $number }
payout-card-recipient = Recipient: { $name }
payout-card-bank = Bank: { $bank }, account { $account }
payout-card-purpose = Payment purpose: { $purpose }
payout-card-documents = Documents: { $names }
payout-card-failure = ⚠️ Why it did not arrive: { $reason }
payout-card-failure-unknown = ⚠️ The bank gave no reason. We will contact you to send the payout again.
payout-card-strict = The amount, the recipient and the bank details are behind "Details".
payout-page-title = Payout of { $paid_on }
payout-open-claim = 📋 Open the claim
payout-open-policy = 📄 Open the policy

## Payouts: the XLSX and PDF statements
payouts-column-date = Date
payouts-column-amount = Amount, RUB
payouts-column-status = Status
payouts-column-recipient = Recipient
payouts-column-claim = Claim
payouts-column-policy = Policy (premium refund)
payouts-total-label-sent = Total sent
payouts-total-label-scheduled = Total scheduled
payouts-total-label-failed = Total failed
payouts-total-label-returned = Total returned
payouts-date = { $d }
payouts-amount = { NUMBER($amount, minimumFractionDigits: 2) } RUB
payouts-statement-total = { $label }: { NUMBER($total, minimumFractionDigits: 2) } RUB · payouts: { $count }
payouts-sheet = Payouts
payouts-xlsx-date-format = mmm d, yyyy
