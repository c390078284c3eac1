"""A team workspace: create it, add members, list them, make one a bot collaborator, then tidy up.

Set COZE_MEMBER_USER_IDS to two comma-separated Coze user ids (in your enterprise). Against the local
emulator, leave it unset: the example makes two accounts through the emulator's control plane.
"""

import os
from typing import List

from cozekit import Coze
from cozekit.types import CollaborationMode, WorkspaceMember, WorkspaceRoleType

base_url = os.environ.get("COZE_API_BASE", "https://api.coze.com")
member_ids: List[str] = [uid for uid in os.environ.get("COZE_MEMBER_USER_IDS", "").split(",") if uid]
if not member_ids:  # the emulator: two more accounts to invite
    from cozekit.emulator import ControlClient

    control = ControlClient(base_url)
    member_ids = [control.create_account(name)["user_id"] for name in ("alice", "bob")]
    control.close()
alice, bob = member_ids[:2]

coze = Coze()  # TokenAuth($COZE_API_TOKEN) on $COZE_API_BASE
team = coze.workspaces.create(name="Docs team", description="Where the docs bots live")
print("workspace:", team.id)

# Add both at once: alice as an admin, bob as a plain member.
added = coze.workspaces.members.create(
    workspace_id=team.id,
    users=[
        WorkspaceMember(user_id=alice, role_type=WorkspaceRoleType.ADMIN),
        {"user_id": bob, "role_type": "member"},  # a plain dict works too
    ],
)
print("added:", added.added_success_user_ids)
for member in coze.workspaces.members.list(workspace_id=team.id):  # iterating walks every page
    print("member:", member.user_id, member.role_type, member.user_unique_name or "")

# A bot in the team workspace that bob may edit too: switch it to collaboration mode first.
bot = coze.bots.create(workspace_id=team.id, name="Style checker")
coze.bots.switch_collaboration_mode(bot_id=bot.bot_id, collaboration_mode=CollaborationMode.COLLABORATION)
coze.bots.collaborators.create(bot_id=bot.bot_id, user_id=bob)
print("collaborator added:", bob)

# Undo it all: a bot goes back to single-user mode only once its collaborators are gone.
coze.bots.collaborators.delete(bot_id=bot.bot_id, user_id=bob)
coze.bots.switch_collaboration_mode(bot_id=bot.bot_id, collaboration_mode=CollaborationMode.SINGLE)
removed = coze.workspaces.members.delete(workspace_id=team.id, user_ids=[alice, bob])
print("removed:", removed.removed_success_user_ids)
print("members left:", [m.user_id for m in coze.workspaces.members.list(workspace_id=team.id)])
