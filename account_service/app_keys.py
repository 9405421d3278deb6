"""Typed keys for what the application holds (aiohttp web.AppKey)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from account_service.agent_hours import HoursSwitch
from account_service.alert_delivery import PlatformHttp
from account_service.clock import Clock
from account_service.database import Database
from account_service.messaging import Messenger
from account_service.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
CLOCK = web.AppKey("clock", Clock)
MESSENGER = web.AppKey("messenger", Messenger)
HOURS_SWITCH = web.AppKey("hours_switch", HoursSwitch)
PLATFORM_HTTP = web.AppKey("platform_http", PlatformHttp)  # alerts' calls to the messaging platforms
ENDPOINTS = web.AppKey("endpoints", tuple)  # of Endpoint, in registration order
API_DOCUMENT = web.AppKey("api_document", dict[str, Any])
