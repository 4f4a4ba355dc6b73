"""Alerts (SPEC 4): rules, suppression, dispatch, signed webhooks and e-mail.

Service functions for the API and CLI (each opens its own tenant transaction and audits):
rules — create_rule, list_rules, get_rule, update_rule, delete_rule;
webhook endpoints — create_webhook_endpoint (returns the secret once), list_webhook_endpoints,
get_webhook_endpoint, update_webhook_endpoint, rotate_webhook_secret, delete_webhook_endpoint;
alerts — list_alerts.
Errors: AlertConfigError (422), NotFound (404). Receivers verify deliveries with
verify_signature. Dispatch and delivery run through AlertService (built by bootstrap).
"""

from common.services.alerts.dispatch import AlertService, DispatchResult
from common.services.alerts.email import AlertEmail, EmailSender, LogEmailSender
from common.services.alerts.endpoints import (
    create_webhook_endpoint,
    delete_webhook_endpoint,
    get_webhook_endpoint,
    list_webhook_endpoints,
    rotate_webhook_secret,
    update_webhook_endpoint,
)
from common.services.alerts.errors import AlertConfigError, NotFound
from common.services.alerts.listing import list_alerts
from common.services.alerts.rule_store import (
    create_rule,
    delete_rule,
    get_rule,
    list_rules,
    update_rule,
)
from common.services.alerts.secrets import SecretBox
from common.services.alerts.signing import signature_header, verify_signature
from common.services.alerts.url_policy import UrlRefused, check_webhook_url
from common.services.alerts.webhooks import DeliveryCounts, DeliveryPolicy, deliver_due

__all__ = [
    "AlertConfigError",
    "AlertEmail",
    "AlertService",
    "DeliveryCounts",
    "DeliveryPolicy",
    "DispatchResult",
    "EmailSender",
    "LogEmailSender",
    "NotFound",
    "SecretBox",
    "UrlRefused",
    "check_webhook_url",
    "create_rule",
    "create_webhook_endpoint",
    "delete_rule",
    "delete_webhook_endpoint",
    "deliver_due",
    "get_rule",
    "get_webhook_endpoint",
    "list_alerts",
    "list_rules",
    "list_webhook_endpoints",
    "rotate_webhook_secret",
    "signature_header",
    "update_rule",
    "update_webhook_endpoint",
    "verify_signature",
]
