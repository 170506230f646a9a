## File a claim
menu-file_claim = 📝 File a claim
button-menu = 🏠 Main menu

filing-choose-policy =
    <b>File a claim</b>
    Choose the policy the event happened under.
filing-no-policies = You have no policies in force that take claims online right now. Call the insurer: the number is under «Help».
filing-policy-not-claimable = This policy takes no claims online. Call the insurer: the number is under «Help».
filing-resume =
    <b>You have an unfinished claim</b>
    { $kind } under policy No. { $policy }, started on { $started_on }.
    Continue where you stopped, or delete the draft.
filing-resume-button = ▶️ Continue the claim
filing-delete-button = 🗑 Delete the draft
filing-new-button = 📝 A new claim
filing-choose-kind =
    <b>What happened?</b>
    Choose what happened: we will ask only what it needs.

filing-field =
    <b>Step { $step } of { $steps }. { $title }</b>
filing-field-hint = { $hint }
filing-field-current = Now: { $current }
filing-field-type-date = Pick the day in the calendar, press «Today» or «Yesterday», or type the date: 03.12.2026.
filing-field-type-amount = Type the amount in roubles, for example: 45000.
filing-field-type-text = Type the answer in one message, up to { $max_length } characters.
filing-today = Today
filing-yesterday = Yesterday
filing-yes = Yes
filing-no = No
filing-skip = ⏭ Skip
filing-keep = ✔️ Keep it
filing-kept-offline = The insurer's cabinet is unavailable right now: the answer is kept here and will reach the cabinet before the claim is sent.

filing-date-future = That date has not come yet. Choose a day no later than today.
filing-date-outside = The date is outside the policy's period: it runs from { $starts_on } to { $ends_on }.
filing-date-invalid = Could not read the date. Type it like 03.12.2026, or pick the day in the calendar.
filing-amount-invalid = Could not read the amount. Type just the number of roubles, for example: 45000 or 45000.50.
filing-amount-range = The amount must be from { NUMBER($low, minimumFractionDigits: 2) } to { $high } RUB.
filing-text-empty = The answer is empty. Type it as text.
filing-text-too-long = The text is longer than { $limit } characters (it has { $length }). Shorten it and send it again.
filing-yes-no-invalid = Press «Yes» or «No».
filing-choice-invalid = Choose one of the options with a button.
filing-not-an-answer = The question above needs an answer now, as text or with a button.
filing-file-held = 📎 File kept ({ $count } in all): we will attach it at the «Documents» step. Now please answer the question above.

filing-circumstances-title = Circumstances
filing-circumstances =
    <b>Step { $step } of { $steps }. What happened?</b>
    Describe in your own words how it happened, in one message of up to { $limit } characters.
filing-circumstances-current = Now: { $current }

filing-documents =
    <b>Step { $step } of { $steps }. Documents</b>
    { $checklist }

    Send: <b>{ $title }</b> — { $formats } up to { $limit } MB, at most { $max_files ->
        [one] { $max_files } file
       *[other] { $max_files } files
    }. Several at once (an album) is fine.
filing-documents-added = Added { $count ->
        [one] { $count } file
       *[other] { $count } files
    }: { $added }
filing-photo = photo
filing-doc-sent = ✅ { $title } — { $count ->
        [one] { $count } file
       *[other] { $count } files
    }
filing-doc-optional = ▫️ { $title } — optional
filing-doc-later = ⏳ { $title } — needed, may come later
filing-doc-needed = ❗ { $title } — required
filing-attach-held = 📎 Attach the kept files ({ $held })
filing-next = ➡️ Next
filing-later = ⏭ I will add it later
filing-not-now = ⏭ Not now
filing-file-wrong-type = This document is taken as { $formats }. Send a file in that format, or take a photo of the document.
filing-file-too-many = This document has enough files already ({ $max_files }). Press «Next».
filing-file-unavailable = The insurer's cabinet is unavailable right now; the file was not attached. Send it again in a couple of minutes: it will not be attached twice.

filing-review =
    <b>Check your claim</b>
    { $kind } · policy No. { $policy }
    { $answers }
    What happened: { $circumstances }
filing-review-answer = { $title } — { $value }
filing-review-missing = ❗ { $title } — not filled in
filing-review-documents =
    {""}
    <b>Documents</b>
    { $checklist }
filing-review-incomplete = ❗ To send the claim, fill in: { $missing }.
filing-submit = ✅ Send the claim
filing-edit = ✏️ { $title }
filing-submit-unavailable = The insurer's cabinet is unavailable right now; the claim was not sent. Everything is kept: press «Send the claim» again in a couple of minutes and it will be registered once.
filing-incomplete = The claim is missing something: it is marked ❗ below.
filing-draft-gone = This draft is gone: the claim was already sent or deleted. Check «Claims».
filing-deleted = 🗑 The draft is deleted.

filing-done =
    ✅ <b>Claim No. { $number } is registered</b>
    We will confirm the registration by { $registration_due_on }, when a handler is assigned to your case.
    A decision is due by { $decision_due_on } ({ $days ->
        [one] { $days } working day
       *[other] { $days } working days
    }) unless more documents are needed.
    We will tell you about every step here.
filing-done-missing =
    Still to send:
    { $missing }
    Add them with «Add a document» in the claim's card.
filing-open-claim = 📋 Open the claim

filing-value-date = { $day }
filing-value-amount = { NUMBER($amount, minimumFractionDigits: 2) } RUB
filing-value-text = { $text }
filing-value-yes = yes
filing-value-no = no

## A claim in strict mode: the one-time web form
filing-web-step =
    <b>Fill in the claim in the secure form</b>
    { $kind } · policy No. { $policy }
    Your answers and documents are personal data, so we do not ask for them in the chat. Open the form with the button below: the link works once, for { $minutes } minutes.
    Done: { $done } of { $total }. When everything is in, send the claim in the form or here.
filing-web-step-gone = This draft is gone: the claim was sent or deleted. Check «Claims».
filing-web-open = 📝 Fill in the claim
filing-web-refresh = 🔄 Refresh
filing-web-use-form = In strict mode the chat takes no answers or documents. Fill in the claim in the form: the «Fill in the claim» button above.
filing-web-title = Insurance claim
filing-web-policy = policy No. { $number }
filing-web-errors = Check the marked fields: everything else is saved.
filing-web-saved = Saved. You can go on later with a new link from { $messenger }.
filing-web-save = Save
filing-web-choose = — choose —
filing-web-circumstances = What happened, in your own words, up to { $limit } characters
filing-web-files = Attached: { $names }
filing-web-later = Nothing attached yet; it may also come after sending
filing-web-none = Nothing attached yet
filing-web-file-hint = { $formats } up to { $limit } MB, at most { $max_files } files
filing-web-file-type = The file «{ $name }» does not fit: { $formats } is needed.
filing-web-done-title = The claim is registered
filing-web-done-text = The claim number is { $number }. A decision is due by { $decision_due_on } unless more documents are needed. Back in { $messenger }, we will tell you about every step.
filing-web-done-chat = ✅ <b>Claim No. { $number } is registered.</b> The deadlines and what comes next are in the claim's card.
filing-web-gone-title = The draft is gone
filing-web-gone-text = The claim was already sent or the draft deleted. Back in { link-chat }, see «Claims».
filing-web-expired-title = The link has expired or was used
filing-web-expired-text = A form link opens once and works for 30 minutes. Go back to { link-chat } and press «Fill in the claim» again: what you entered is kept.
filing-web-refused = The insurer's cabinet did not take some of the answers. Check them and save again: what you typed is kept on the page.
