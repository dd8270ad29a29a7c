# autosync's command server for Breezy, loaded only by autosync with
#   BRZ_PLUGINS_AT=autosync_server@<this directory> brz autosync-serve
# so it runs inside whatever Python and breezy the user's `brz` is. See server.py.
"""A fork server that runs brz commands for autosync without a Python start each."""

from breezy.commands import plugin_cmds

plugin_cmds.register_lazy("cmd_autosync_serve", [], __name__ + ".server")
