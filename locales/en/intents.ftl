## Free text: what the person seems to want
intent-maybe = This looks like what you need. Press the button:
intent-not-understood = I did not understand the message. Choose what you need, or open the menu:
intent-not-text = I understand text and buttons. A document for a claim goes in «Claims» → «Add a document»; for a new claim, at the «Documents» step.
intent-file_claim = 📝 File a claim
intent-claim_status = 📋 My claims
intent-certificate = 🧾 Order a certificate
intent-payouts = 💰 Payouts
intent-renew = 🔄 Renew or pay a policy
intent-policy_pdf = 📄 Policy as PDF
intent-documents = 🗂 My documents
intent-support = ✉️ Write to support
intent-sign_in = 🔑 Sign in with Gosuslugi
intent-sign_out = 🚪 Sign out
intent-language = 🌐 Язык · Language
intent-notifications = 🔔 Notifications
intent-menu = 🏠 Main menu
intent-retry = 🔁 Retry
