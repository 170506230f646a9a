## Policies
policies-title = <b>Your policies</b>
policies-empty = No policies found.
policy-button = { $title } · No. { $number }
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
renew-confirm = ✅ Confirm and pay
renew-quote-expired = The offer has expired. Choose the term again and we will recalculate.
renew-pay =
    <b>Renewal order created</b>
    Pay it by { $expires_at }. Once the payment goes through, we will send "Policy renewed" and the new policy.
renew-pay-deadlines = The payment deadline is the payment link's; the quote itself holds until { $valid_until }. If the link runs out, choose the term again and we will quote anew.
renew-pay-button = 💳 Pay
