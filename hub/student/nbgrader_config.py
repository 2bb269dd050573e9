"""A person's own server on the hub (students and staff alike): nbgrader's JupyterHubAuthPlugin
shows the courses of their hub groups (`nbgrader-<course>`, `formgrade-<course>`) in the
assignment list and the course list. It only chooses what is shown: what an account may read or
write in the exchange is decided by the folders' modes and the courses' Unix groups."""

import os

c = get_config()  # noqa: F821 (provided by nbgrader)

if os.environ.get("JUPYTERHUB_API_TOKEN"):
    c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"
