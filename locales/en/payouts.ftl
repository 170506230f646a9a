## Payouts
payouts-heading = <b>Payouts</b> · { $period }
payouts-title = Payouts · { $period }
payouts-period = { $date_from } — { $date_to }
payouts-preset-this_year = This year
payouts-preset-last_year = Last year
payouts-preset-last_12_months = 12 months
payouts-preset-chosen = ✅ { $preset }
payouts-empty = No payouts in this period.
payouts-unavailable = The insurer's personal cabinet is temporarily unavailable, so payouts cannot be loaded now. Please try again in a few minutes.
payout-line =
    { $paid_on } · <b>{ NUMBER($amount, minimumFractionDigits: 2) } RUB</b> · { $status }
    Recipient { $recipient } · claim No. { $claim }
payout-line-strict = { $paid_on } · { $status } · claim No. { $claim }
payout-status-scheduled = scheduled
payout-status-sent = sent
payout-status-failed = failed
payout-status-returned = returned
payouts-total = Payouts: { $count } · total sent: <b>{ NUMBER($total, minimumFractionDigits: 2) } RUB</b>
payouts-total-strict = Payouts: { $count }. Amounts and the recipient are behind "Details" and in the export.
payouts-xlsx = 📊 Excel
payouts-pdf = 📄 PDF

## Payouts: the XLSX and PDF statements
payouts-column-date = Date
payouts-column-amount = Amount, RUB
payouts-column-status = Status
payouts-column-recipient = Recipient
payouts-column-claim = Claim
payouts-total-label = Total sent
payouts-date = { $d }
payouts-amount = { NUMBER($amount, minimumFractionDigits: 2) } RUB
payouts-statement-total = Total sent: { NUMBER($total, minimumFractionDigits: 2) } RUB · payouts: { $count }
payouts-sheet = Payouts
payouts-xlsx-date-format = mmm d, yyyy
