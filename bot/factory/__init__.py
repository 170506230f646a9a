"""The composition root: what each `cabinet-bot` command builds from the settings.

One runner per long-running command, each in its own module and imported only when that
command runs (`bot/cli.py`): `run` (everything in one process), `web` (a webhook replica),
`worker` (delivery only), `sandbox` (the demo back office alone). The pieces they share:

* `resources` — the connections (PostgreSQL, Redis, the cabinet, the identity provider) and
  the objects over them, opened and closed together;
* `cabinet` — which cabinet to call: the insurer's, or the sandbox mounted on our server;
* `renderers` — the document renderers the flows define, gathered at start-up;
* `telegram` — the bot and the dispatcher with its middlewares;
* `web_app` — the web server's routes (linking pages, one-time pages, /events, /admin);
* `serving` — listening, stop signals and bounded shutdown steps.

It is a package of `bot` rather than a top-level one because it is the application itself:
it is the one place that may import everything (`bot`, `notify`, `linking`, the sandboxes),
while `notify`, `cabinet`, `linking`, `storage` and `sandbox` may not import `bot` (ruff
TID251, see pyproject.toml). The sandboxes are imported only when they are mounted.
"""
