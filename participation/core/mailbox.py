"""Telling which addresses and networks belong together, for rate limits and abuse reports."""

from __future__ import annotations

import ipaddress

#: Providers where ``a.b@`` reaches the same mailbox as ``ab@`` (dots ignored).
DOTS_IGNORED = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox(email: str | None) -> str | None:
    """Return the mailbox an address reaches (``An.Na+x@GMail.com`` -> ``anna@gmail.com``).

    Lower case; a ``+tag`` is dropped for every domain (sub-addressing, RFC 5233, is what
    nearly every provider does with it), and dots for providers known to ignore them.
    """
    value = (email or "").strip().lower()
    local, at, domain = value.rpartition("@")
    if not at or not local:
        return value or None
    local = local.split("+", 1)[0] or local
    if domain in DOTS_IGNORED:
        domain = DOTS_IGNORED[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"


def client_network(address: str | None) -> str | None:
    """Return the network a client address belongs to: IPv4 /24, IPv6 /48 (None if unknown)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
