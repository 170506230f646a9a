## My documents: the list
mydocs-title = <b>🗂 My documents</b>
mydocs-filter-all = All
mydocs-filter-policy = Policies
mydocs-filter-certificate = Certificates
mydocs-filter-claim = Claims
mydocs-filter-payout = Payouts
mydocs-filter-upload = Uploaded by me
mydocs-filter-chosen = ✅ { $filter }
mydocs-hint-all = All your documents, newest first. Tap a document to open it. Claim reports and payout statements are made on request — the “Claims” and “Payouts” buttons below.
mydocs-hint-policy = Policies, newest first. Tap a policy to open its PDF or have it e-mailed.
mydocs-hint-certificate = Ready certificates, newest first. Tap a certificate to open its PDF or have it e-mailed.
mydocs-hint-claim = A claim report is a PDF with the status history and the conversation. Choose a claim and the bot will make the report now.
mydocs-hint-payout = A payout statement is a PDF for the period you choose. Choose a period and the bot will make the statement now.
mydocs-hint-upload = Files you uploaded to your claims, newest first.
mydocs-empty = Nothing here yet.
mydocs-page = Page { $page } of { $pages }
mydocs-previous = ◀️ Newer
mydocs-next = Older ▶️
mydocs-item = { $icon } { $title } · { $on }
mydocs-strict-policy = Policy No. { $number }
mydocs-strict-certificate = Certificate No. { $number }
mydocs-strict-upload = File for claim No. { $number }
mydocs-claim-report = 🧾 Report: claim No. { $number } · { $type }
mydocs-statement = 📊 Payout statement: { $period }
mydocs-all-payouts = 💰 All payouts

## My documents: one document
mydocs-kind-policy = policy
mydocs-kind-certificate = certificate
mydocs-kind-upload = a file you uploaded to a claim
mydocs-card =
    { $icon } <b>{ $title }</b>
    Kind: { $kind }
    Date: { $on }
mydocs-open = 📎 Open
mydocs-email = 📧 Send by e-mail
mydocs-emailed =
    { $count ->
        [1] 📧 Sent to { $sent_to }. The e-mail will arrive within a few minutes; if it doesn't, check your spam folder.
       *[other] 📧 Sent to { $sent_to } again — e-mails with this document: { $count }. If they haven't arrived, check your spam folder.
    }
mydocs-email-not-confirmed = There is no confirmed e-mail address in your personal cabinet, so there is nowhere to send the document. For now an address can be added or confirmed only through support: { $contacts }
mydocs-support = 💬 Contact support
