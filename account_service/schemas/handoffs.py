"""Handoffs to a person: what the customer's channel sees and what agents see."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from account_service.endpoints import Answer, Shape
from account_service.fields import (
    AgentName,
    ClientKey,
    ConversationId,
    MessageId,
    MessageText,
    Reference,
    StatusList,
    Topic,
    TurnText,
    instant,
)

MAX_TURNS = 200
MAX_TURN_LENGTH = 4000
MAX_MESSAGE_LENGTH = 2000
HandoffStatus = Literal["waiting", "leave_message", "message_left", "with_agent", "released", "closed"]


class Turn(Shape):
    sender: Literal["customer", "assistant"] = Field(..., alias="from")
    text: TurnText


class HandoffRequest(Shape):
    conversation_id: ConversationId
    topic: Topic
    client: ClientKey | None = Field(
        None, hint="the customer's client key from the channel, for the per-address handoff limit"
    )
    transcript: list[Turn] = Field(
        ...,
        max_items=MAX_TURNS,
        hint=f"a list of at most {MAX_TURNS} turns, each with from (customer or assistant) and text of "
        f"at most {MAX_TURN_LENGTH} characters",
    )


class HandoffForCustomer(Answer):
    """What the customer's channel may know: reference, status, place in the queue."""

    reference: str
    status: HandoffStatus
    position: int | None = Field(..., description="1 = next; null unless waiting")
    estimated_wait_minutes: int | None
    agent: str | None = Field(..., description="The agent's name while with_agent")


class HandoffOpened(HandoffForCustomer):
    agents_available: bool
    agent_hours: str


class CustomerMessage(Shape):
    conversation_id: ConversationId
    text: MessageText


class CustomerMessageStored(HandoffForCustomer):
    message_id: int


class QueueNotice(Answer):
    """A notice stored for a customer still waiting whose place improved: the caller relays it."""

    conversation_id: str
    text: str


class QueueMoved(Answer):
    queue_moved: list[QueueNotice] = Field(
        ...,
        description="Customers still waiting whose place in the queue improved (at most 10, at most "
        "one notice each per 30 s): each notice is stored; the caller relays it to the channel",
    )


class HandoffCancelled(HandoffForCustomer, QueueMoved):
    """The cancelled case, with the notices for the customers who moved up."""


class HandoffMessageOut(Answer):
    id: int
    sender: Literal["customer", "agent", "assistant"] = Field(..., alias="from")
    agent: str | None
    text: str
    at: str = instant()


class HandoffForAgent(Answer):
    reference: str
    status: HandoffStatus
    topic: str
    conversation_id: str
    verified_customer: bool
    agent: str | None
    opened_at: str = instant()
    waiting_seconds: int = Field(..., description="Stops when an agent takes it")
    transcript: list[Turn]
    messages: list[HandoffMessageOut]


class HandoffActed(HandoffForAgent, QueueMoved):
    """The case after an agent's action, with the notices for the customers who moved up."""


class HandoffQueue(Answer):
    __root__: list[HandoffForAgent]


class QueueQuery(Shape):
    status: StatusList | None = Field(
        None, description="Comma-separated statuses (default waiting,message_left,with_agent)"
    )


class ActiveQuery(Shape):
    conversation_id: ConversationId


class ReferencePath(Shape):
    reference: Reference


class MessagesQuery(Shape):
    after: MessageId = Field(0, description="Messages after this ID (0 = all)")


class MessagesPage(Answer):
    status: HandoffStatus
    agent: str | None
    messages: list[HandoffMessageOut]


class LineRequest(Shape):
    sender: Literal["agent", "customer", "assistant"] = Field(
        ...,
        alias="from",
        description="assistant: a notice the customer was given (an agent joined or left)",
    )
    agent: AgentName | None = Field(None, description="Needed when from is agent")
    text: MessageText


class LinesQuery(Shape):
    conversation_id: ConversationId
    after: MessageId = Field(0, description="Lines after this ID (0 = all)")


class LinesForCustomer(Answer):
    """The agents' lines and the team's notices for the customer's channel to show."""

    status: HandoffStatus | None = Field(..., description="The conversation's latest handoff; null: none")
    position: int | None = Field(..., description="1 = next; null unless waiting")
    lines: list[HandoffMessageOut]


class LinePosted(HandoffMessageOut):
    conversation_id: str


class AgentRequest(Shape):
    agent: AgentName
