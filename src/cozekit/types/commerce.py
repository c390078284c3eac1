"""Commerce: the plan's benefits, end-user bill export tasks, and end-user benefit limits (quotas)."""

from __future__ import annotations

from typing import Any, List, Optional

from pydantic import BeforeValidator, Field, model_validator
from typing_extensions import Annotated

from .._models import CozeModel, OpenEnum
from ._shared import OptionalTimestamp

__all__ = [
    "Benefit",
    "BenefitActiveMode",
    "BenefitBasicInfo",
    "BenefitBillTask",
    "BenefitCounter",
    "BenefitEntityType",
    "BenefitItem",
    "BenefitLimitation",
    "BenefitStatus",
    "BenefitStrategy",
    "BenefitTriggerUnit",
    "BenefitType",
    "BenefitTypeInfo",
    "BillTaskStatus",
    "UpdateBenefitLimitationResp",
    "UserLevel",
]


def _id_text(value: Any) -> Any:
    """Coze sends some ids as JSON numbers; keep them as strings."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _url_list(value: Any) -> Any:
    """`file_urls` is `""` while a task runs."""
    return [] if value is None or value == "" else value


IdText = Annotated[str, BeforeValidator(_id_text)]


class UserLevel(OpenEnum):
    """The subscribed Coze plan."""

    FREE = "free"
    PRO_PERSONAL = "pro_personal"
    TEAM = "team"
    ENTERPRISE = "enterprise"


class BenefitType(OpenEnum):
    API_RUN_QPS = "api_run_qps"
    CALL_TOOL_LIMIT = "call_tool_limit"
    RESOURCE_POINT = "resource_point"
    VOICE_UNIFIED_DURATION_SYSTEM = "voice_unified_duration_system"
    VOICE_UNIFIED_DURATION_CUSTOM = "voice_unified_duration_custom"


class BenefitStatus(OpenEnum):
    VALID = "valid"
    FROZEN = "frozen"
    CANCEL = "cancel"
    PENDING = "pending"
    INVALID = "invalid"
    AUDITING = "auditing"
    EXPIRED = "expired"


class BenefitStrategy(OpenEnum):
    """How a benefit limits use."""

    UNLIMIT = "unlimit"
    FORBIDDEN = "forbidden"
    BY_QUOTA = "by_quota"


class BenefitCounter(CozeModel):
    used: Optional[float] = None
    total: Optional[float] = None
    start_at: OptionalTimestamp = None
    end_at: OptionalTimestamp = None
    strategy: Optional[BenefitStrategy] = None


class BenefitItem(CozeModel):
    """One benefit grant: its status and counter."""

    status: Optional[BenefitStatus] = None
    item_info: Optional[BenefitCounter] = None


class BenefitTypeInfo(CozeModel):
    """A benefit type: the plan's default grant, extra (bought) grants, and what is in effect."""

    benefit_type: Optional[BenefitType] = None
    resource_id: Optional[str] = None
    basic: Optional[BenefitItem] = None
    extra: List[BenefitItem] = Field(default_factory=list)
    effective: Optional[BenefitItem] = None


class BenefitBasicInfo(CozeModel):
    user_level: Optional[UserLevel] = None


class Benefit(CozeModel):
    """The plan and, when asked for, its benefits (`commerce.benefits.retrieve`)."""

    basic_info: Optional[BenefitBasicInfo] = None
    benefit_info: List[BenefitTypeInfo] = Field(default_factory=list)


class BillTaskStatus(OpenEnum):
    INIT = "init"
    RUNNING = "running"
    SUCCEED = "succeed"
    FAILED = "failed"


class BenefitBillTask(CozeModel):
    """An end-user bill export; `file_urls` are set once it `succeed`s (kept for 7 days)."""

    task_id: IdText
    status: Optional[BillTaskStatus] = None
    started_at: OptionalTimestamp = None
    ended_at: OptionalTimestamp = None
    created_at: OptionalTimestamp = None
    expires_at: OptionalTimestamp = None
    file_urls: Annotated[List[str], BeforeValidator(_url_list)] = Field(default_factory=list)


class BenefitEntityType(OpenEnum):
    """What a benefit limit applies to."""

    ENTERPRISE_ALL_DEVICES = "enterprise_all_devices"
    ENTERPRISE_ALL_CUSTOM_CONSUMERS = "enterprise_all_custom_consumers"
    SINGLE_DEVICE = "single_device"
    SINGLE_CUSTOM_CONSUMER = "single_custom_consumer"


class BenefitActiveMode(OpenEnum):
    ABSOLUTE_TIME = "absolute_time"


class BenefitTriggerUnit(OpenEnum):
    """How often a limit's quota resets."""

    NEVER = "never"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"


class BenefitLimitation(CozeModel):
    """A benefit limit (quota) for end users: devices or custom consumers."""

    benefit_id: Optional[IdText] = None
    benefit_type: Optional[BenefitType] = None
    entity_type: Optional[BenefitEntityType] = None
    entity_id: Optional[str] = None
    active_mode: Optional[BenefitActiveMode] = None
    started_at: OptionalTimestamp = None
    ended_at: OptionalTimestamp = None
    limit: Optional[int] = None
    status: Optional[BenefitStatus] = None
    trigger_unit: Optional[BenefitTriggerUnit] = None
    trigger_time: Optional[int] = None

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, data: Any) -> Any:
        # The create response is documented both flat and as {"benefit_info": {...}}.
        if isinstance(data, dict) and isinstance(data.get("benefit_info"), dict):
            return {**{k: v for k, v in data.items() if k != "benefit_info"}, **data["benefit_info"]}
        return data


class UpdateBenefitLimitationResp(CozeModel):
    """The result of updating a benefit limit (Coze may echo the limit's fields)."""
