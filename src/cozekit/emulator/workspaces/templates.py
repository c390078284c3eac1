"""Templates (`/v1/templates/{id}/duplicate`): a store template copied into a workspace.

Templates are global (every account sees them) and made through the control plane. An `agent` template
holds a bot's draft (name, description, prompt, local tools); an `app` template an app's name and
description. Duplicating one makes a new unpublished bot or app, owned by the caller, in a workspace they
are in, named `name` or as the template.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ..bots.backend import BotsBackend, check_draft
from ..core.base import Account, Backend
from ..core.errors import bad_request, not_found
from ..core.ids import IdGenerator
from ..core.store import Store
from .apps import AppsBackend
from .backend import WorkspacesBackend

KIND = "template"
ENTITY_TYPES = ("agent", "app")


class TemplatesBackend(Backend):
    def __init__(
        self,
        store: Store,
        ids: IdGenerator,
        workspaces: WorkspacesBackend,
        bots: BotsBackend,
        apps: AppsBackend,
    ) -> None:
        super().__init__(store, ids)
        self.workspaces = workspaces
        self.bots = bots
        self.apps = apps

    def create(
        self,
        *,
        name: str,
        entity_type: str = "agent",
        description: str = "",
        prompt: str = "",
        local_tools: Optional[List[Dict[str, Any]]] = None,
        template_id: Optional[str] = None,
    ) -> Dict[str, Any]:
        """A template (control plane); `template_id` picks its id."""
        if entity_type not in ENTITY_TYPES:
            raise bad_request(f"entity_type must be one of {', '.join(ENTITY_TYPES)}")
        if entity_type == "agent":
            check_draft({"name": name, "description": description, "prompt_info": {"prompt": prompt}})
        elif not name:
            raise bad_request("name is required")
        template = {
            "id": template_id or self.ids.next(),
            "name": name,
            "entity_type": entity_type,
            "description": description,
            "prompt": prompt,
            "local_tools": list(local_tools or []),
            "created_at": self.now(),
        }
        self.store.upsert(KIND, template, owner="")
        return template

    def duplicate(
        self, account: Account, template_id: str, workspace_id: Optional[str], name: Optional[str]
    ) -> Dict[str, str]:
        template = self.store.get(KIND, template_id)
        if template is None:
            raise not_found("template_id", template_id)
        if not workspace_id:
            raise bad_request("workspace_id is required")
        self.workspaces.visible(account, workspace_id)
        title = name if name is not None else str(template["name"])
        if template["entity_type"] == "app":
            fields = {"name": title, "description": template["description"]}
            app = self.apps.create(
                account, workspace_id, fields, published=False, connector_ids=[], draft_changed=False
            )
            return {"entity_id": str(app["id"]), "entity_type": "app"}
        fields = {
            "name": title,
            "description": template["description"],
            "prompt_info": {"prompt": template["prompt"]},
        }
        bot_id = self.bots.create(
            account, workspace_id, fields, local_tools=template["local_tools"], member=True
        )
        return {"entity_id": bot_id, "entity_type": "agent"}
