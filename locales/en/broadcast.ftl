## Staff broadcasts (/broadcast, ADMIN_IDS only)
broadcast-compose =
    <b>New broadcast</b>
    Send the message to broadcast: formatted text, or a photo/document with a caption. Recipients will see it exactly like this.
broadcast-compose-wrong = Text, a photo or a document is needed.
broadcast-compose-command = This looks like a command. Send the broadcast's text or press "Cancel".
broadcast-caption-too-long = A photo's or document's caption can be at most { $limit } characters.
broadcast-button =
    <b>Link button</b>
    Send it in one line: <code>Button text | https://example.com/…</code> — or press "No button".
broadcast-button-wrong = The button could not be read. The format is <code>Button text | https://…</code> (text up to 64 characters, a link with https://).
broadcast-no-button = No button ➡️
broadcast-audience =
    <b>Who gets it?</b>
broadcast-audience-all = 👥 Everyone linked
broadcast-audience-product = 📄 Holders of a product
broadcast-audience-locale = 🌐 By language
broadcast-product = <b>Holders of which product?</b>
broadcast-locale = <b>Users of which language?</b>
broadcast-category =
    <b>Category</b>
    Service messages go to every chosen user; marketing ones only to those who agreed to receive advertising (38-FZ).
broadcast-category-service = 🛠 Service
broadcast-category-marketing = 📣 Marketing
broadcast-invalid = The message cannot be sent: { $reason }
broadcast-confirm =
    <b>Check the broadcast</b>
    Above is the preview: recipients will see the message like that.
    To: { $audience }
    Category: { $category }
    Recipients: { $count }
broadcast-confirm-unknown = ⚠️ The policies of { $unknown } customers could not be checked: they will not get the message.
broadcast-send = ✅ Send
broadcast-cancel = ✖️ Cancel
broadcast-closed = Broadcast cancelled, nothing was sent.
broadcast-progress =
    <b>Broadcast No. { $id }</b> in progress
    Sent: { $sent } of { $total }
    Not delivered: { $failed }
    Blocked the bot: { $blocked }
    Remaining: { $pending }
    Time left, about: { $eta }
broadcast-report-done =
    <b>Broadcast No. { $id } finished</b>
    Sent: { $sent } of { $total }
    Not delivered: { $failed }
    Blocked the bot: { $blocked }
broadcast-report-cancelled =
    <b>Broadcast No. { $id } stopped</b>
    Sent: { $sent } of { $total }
    Not delivered: { $failed }
    Blocked the bot: { $blocked }
    Not sent: { $cancelled }
broadcast-finished-done = Broadcast No. { $id } finished.
broadcast-finished-cancelled = Broadcast No. { $id } stopped.
broadcast-stop = ⛔ Stop
broadcast-refresh = 🔄 Refresh
broadcast-stopped = Broadcast stopped
broadcast-not-found = There is no such broadcast. A broadcast's number: /broadcast 12
