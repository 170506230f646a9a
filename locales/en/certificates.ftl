## Certificates
certificates-title =
    <b>Certificates</b>
    Order a certificate or check on the ones you have ordered.
certificates-order = 📝 Order a certificate
certificates-orders = 📂 My orders

## Ordering
certificates-choose-type =
    <b>Ordering a certificate</b>
    Which certificate do you need?
certificates-choose-period =
    <b>{ $type }</b>
    For which period?
certificates-period-last-year = Last year ({ $last_year })
certificates-period-this-year = This year up to today
certificates-period-custom = 📅 Another period
certificates-choose-from =
    <b>Start of the period</b>
    Pick the first day in the calendar or type a date such as 01.02.2025.
certificates-choose-to =
    <b>End of the period</b>
    Start: { $period_from }.
    Pick the last day in the calendar or type a date such as 31.12.2025.
certificates-not-a-date = That is not a date. Type it like 01.02.2025 (day.month.year) or pick a day in the calendar.
certificates-date-in-future = The period cannot be in the future: pick today or an earlier day.
certificates-date-before-start = The period cannot end before it starts ({ $period_from }). Pick another day.
certificates-choose-purpose =
    <b>Purpose</b>
    Choose what the certificate is for, or type your own (up to { $max } characters).
certificates-purpose-invalid = The purpose is a text of up to { $max } characters. Please make it shorter.
certificates-confirm =
    <b>Check your order</b>
    Certificate: { $type }
certificates-confirm-button = ✅ Order
certificates-period-rejected = The cabinet did not accept this period. Please choose the period again.
certificates-done =
    <b>Certificate ordered</b>
    Order No. { $number } has been accepted.
    Expected to be ready on { $expected_on } ({ $days ->
        [one] { $days } working day
       *[other] { $days } working days
    }).
    You will find the order's status and the certificate itself in "My orders".

## Orders
certificates-orders-title = <b>My certificate orders</b>
certificates-orders-empty = No orders yet.
certificate-order-button = { $status } · No. { $number } · { $type }
certificate-status-accepted = 📥 accepted
certificate-status-preparing = ⏳ being prepared
certificate-status-ready = ✅ ready
certificate-status-rejected = ❌ rejected
certificate-order =
    <b>{ $type }</b>
    Order No. { $number } of { $created_on }
    Status: { $status }
certificate-period = Period: { $period_from } — { $period_to }
certificate-purpose = Purpose: { $purpose }
certificate-expected = Expected to be ready on { $expected_on }
certificate-rejected = Reason: { $reason }
certificate-pdf = 📎 Certificate (PDF)

## Calendar
calendar-header = 🗓 { $month } { $year }
calendar-month = { $month ->
        [1] January
        [2] February
        [3] March
        [4] April
        [5] May
        [6] June
        [7] July
        [8] August
        [9] September
        [10] October
        [11] November
       *[12] December
    }
calendar-weekday = { $day ->
        [1] Mo
        [2] Tu
        [3] We
        [4] Th
        [5] Fr
        [6] Sa
       *[7] Su
    }
