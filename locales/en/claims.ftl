## Claims
claims-title = <b>Your claims</b>
claims-empty = You have no claims yet.
# Max cuts long labels: there the status is its icon alone (the card says it in words).
claim-button = { $messenger ->
    [Max] { $badge } No. { $number } · { $type }
   *[other] { $badge } { $status } · No. { $number } · { $type }
}
claim-list-status-registered = registered
claim-list-status-in_review = under review
claim-list-status-awaiting_documents = documents needed
claim-list-status-approved = approved
claim-list-status-rejected = rejected
claim-list-status-paid = paid
claim-list-status-ready_for_pickup = referral ready
claim-list-status-closed = closed
claim-list-status-withdrawn = withdrawn
claim-title = Claim No. { $number }
claim-detail =
    <b>Claim No. { $number }</b>
    { $type }
    Status: { $badge } { $status }
    { $facts }

    <b>Progress</b>
    { $history }

    <b>What's next</b>
    { $next_step }
claim-reported = Reported: { $on }
claim-policy = Policy No. { $number }
claim-amount-claimed = Amount claimed: { NUMBER($amount, minimumFractionDigits: 2) } RUB
claim-amount-approved = Approved for payout: { NUMBER($amount, minimumFractionDigits: 2) } RUB
claim-when = { $at }
claim-history-entry = { $badge } { $when } — { $status }
claim-requested = Documents needed: { $documents }
claim-documents = Uploaded documents: { $names }
claim-documents-count = Documents uploaded: { $count }

claim-status-registered = registered
claim-status-in_review = under review
claim-status-awaiting_documents = awaiting documents
claim-status-approved = payout approved
claim-status-rejected = rejected
claim-status-paid = paid
claim-status-ready_for_pickup = referral ready
claim-status-closed = closed
claim-status-withdrawn = withdrawn

claim-type-vehicle_damage = Vehicle damage
claim-type-vehicle_theft = Vehicle theft
claim-type-glass = Glass damage
claim-type-medical = Medical care
claim-type-property_damage = Property damage
claim-type-travel_medical = Medical care abroad
claim-type-accident = Accident
claim-type-other = Other

claim-next-registered = Your claim is registered. A claims handler will take it within two working days.
claim-next-in_review = A claims handler is reviewing your documents. We will write if anything else is needed.
claim-next-awaiting_documents = Upload the requested documents with "Add a document" and the review will continue.
claim-next-approved = The payout is approved. The money will reach your account within five working days.
claim-next-rejected = The claim was rejected. If you disagree, ask for a clarification or contact support.
claim-next-paid = The payout was sent to your account. The case will be closed automatically.
claim-next-ready_for_pickup = The repair referral is ready: collect it at an office or in the app.
claim-next-closed = The case is closed. Nothing to do.
claim-next-withdrawn = The claim was withdrawn. Nothing to do.

claim-thread =
    {""}
    <b>Conversation with the handler</b>
    { $thread }
claim-thread-title = Conversation with the handler
claim-thread-you = You
claim-thread-handler = Handler { $name }
claim-thread-message = { $who }, { $when }: { $text }
claim-thread-earlier = … { $count } earlier messages (all of them are in the report)
claim-thread-count = Messages in the conversation: { $count }
claim-waiting-customer = ⏳ Waiting for your answer: press «Reply».
claim-waiting-handler = ⏳ Waiting for the handler's answer.
claim-waiting-handler-by = ⏳ Waiting for the handler's answer, due by { $due }.
claim-reply = ↩️ Reply
claim-ask = ✉️ Ask for a clarification
claim-add-document = 📎 Add a document
claim-report = 🧾 Save a report
claim-send-again = 🔁 Send again
claim-closed = The claim is closed: it takes no more messages or documents.

## Clarification
claim-message-prompt =
    <b>Ask for a clarification</b>
    Write what you would like to clarify in one message, up to { $limit } characters. The handler of your claim will get it.
claim-message-pending = ⏳ Your message is kept but not sent yet: the cabinet was unavailable. Press "Send again" or write a new one.
claim-message-too-long = The message is longer than { $limit } characters (it has { $length }). Shorten it and send it again.
claim-message-not-text = A clarification is text only. Add a file with "Add a document".
claim-message-refused = The insurer did not accept this message. Check the text and send it again, or ask support.
claim-message-done = ✅ Your message was sent to the claims handler.

## Documents
claim-upload-prompt =
    <b>Add a document</b>
    Send a PDF, JPG or PNG file up to { $limit } MB, or a photo of the document.
claim-upload-pending = ⏳ The file is received but not sent yet: the cabinet was unavailable. Press "Send again" or send another one.
claim-upload-not-file = Please send a PDF, JPG or PNG file up to { $limit } MB, or a photo.
claim-file-too-big = The file is too large: { NUMBER($size, maximumFractionDigits: 1) } MB, and the limit is { $limit } MB. Make it smaller or take a photo of the document.
claim-file-wrong-type = This kind of file is not accepted: only PDF, JPG and PNG.
claim-upload-refused = The insurer did not accept this file. Check that it opens and send it again, or another file.
claim-upload-done = ✅ The document was added to the claim.

## The report (PDF)
claim-report-title = Report on claim No. { $number }
claim-report-status = Status: { $status }
claim-report-history = Progress
claim-report-when = Date
claim-report-state = Status
claim-report-comment = Comment
claim-report-next = What's next
claim-report-made = Report made on { $when }.

## A file or a text sent to a claim's card
claim-offer-file = Attach { $count ->
        [one] this file
       *[other] these { $count } files
    } to claim No. { $number }?
claim-offer-text =
    Send this message to the handler of claim No. { $number }?
    «{ $text }»
claim-offer-attach = 📎 Attach
claim-offer-send = ✉️ Send to the handler
claim-offer-no = No
claim-files-added = ✅ Added to the claim: { $count ->
        [one] { $count } file
       *[other] { $count } files
    }: { $names }.
claim-files-uploaded = ✅ Added { $count ->
        [one] { $count } file
       *[other] { $count } files
    }: { $uploaded }
claim-upload-done-button = ✔️ Done
claim-file-unavailable = The insurer's cabinet is unavailable right now; the file was not added. Send it again in a couple of minutes: it will not be added twice.
