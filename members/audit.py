"""Security events: one AuditEvent row and one structured log line each.

The client's address is REMOTE_ADDR. Behind a reverse proxy, X-Forwarded-For is read only when
REMOTE_ADDR is one of settings.TRUSTED_PROXIES (addresses or networks): then the address is the
right-most one in the header that is not itself a trusted proxy. Without that setting a client
cannot choose its own address by sending the header (which would dodge the per-address lockout).
"""

import ipaddress
import json
import logging

from django.conf import settings

from .models import AuditEvent

logger = logging.getLogger("meeting_records.audit")

OUTCOMES = {
    AuditEvent.Kind.LOGIN: "success",
    AuditEvent.Kind.LOGOUT: "success",
    AuditEvent.Kind.PASSWORD_CHANGED: "success",
    AuditEvent.Kind.LOGIN_FAILED: "failure",
    AuditEvent.Kind.LOCKED_OUT: "locked_out",
}
#: Kinds logged at WARNING (the rest at INFO).
WARNINGS = {AuditEvent.Kind.LOGIN_FAILED, AuditEvent.Kind.LOCKED_OUT}


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted_networks() -> list:
    networks = []
    for entry in getattr(settings, "TRUSTED_PROXIES", []):
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return networks


def _is_trusted(address, networks) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request) -> str | None:
    """The client's address (see the module's docstring); None when there is no valid one."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    networks = _trusted_networks()
    if remote is None or not networks or not _is_trusted(remote, networks):
        return str(remote) if remote else None
    client = remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry)
        if address is None:
            break  # a malformed entry: trust nothing further to its left
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)


def record(
    kind: str,
    *,
    request=None,
    user=None,
    username: str = "",
    detail: str = "",
    outcome: str = "",
) -> AuditEvent:
    """Write one security event (kind: an AuditEvent.Kind) and log it on "meeting_records.audit"."""
    if user is not None and not user.is_authenticated:
        user = None
    username = (username or (user.get_username() if user else ""))[:150]
    address = client_ip(request) if request is not None else None
    path = request.path[:500] if request is not None else ""
    method = (request.method or "")[:10] if request is not None else ""
    event = AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=username,
        ip_address=address,
        method=method,
        path=path,
        detail=detail[:500],
    )
    line = {
        "event": str(kind),
        "outcome": outcome or OUTCOMES.get(kind, str(kind)),
        "user": username,
        "user_id": user.pk if user else None,
        "address": address,
        "method": method,
        "path": path,
        "detail": detail,
    }
    level = logging.WARNING if kind in WARNINGS else logging.INFO
    logger.log(level, json.dumps(line, ensure_ascii=False), extra={"audit": line})
    return event
