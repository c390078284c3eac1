"""List the workspaces the token can see (iterating walks every page)."""

from cozekit import Coze

coze = Coze()
for workspace in coze.workspaces.list():
    print(workspace.id, workspace.name, workspace.workspace_type, workspace.role_type)
