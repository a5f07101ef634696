"""An Atom feed (RFC 4287) of decision records: new records and status changes, newest first.

Written with the standard library's ElementTree, which escapes everything it writes; every date
comes from a commit, so the same commit gives the same feed byte for byte.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 does not allow: a commit subject holding one must not make the feed unreadable.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


@dataclasses.dataclass(frozen=True)
class Entry:
    key: str  # stable identity: record path, commit and status
    title: str
    link: str
    time: int  # seconds since the epoch
    summary: str


def rfc3339(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def urn(text: str) -> str:
    """A stable Atom id that needs no domain name: a name-based UUID."""
    return uuid.uuid5(uuid.NAMESPACE_URL, text).urn


def build(project: str, author: str, self_link: str, site_link: str, entries: list[Entry], updated: int) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = urn(f"{project}|decision-records")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = clean(f"{project}: decision records")
    ET.SubElement(feed, f"{{{ATOM}}}subtitle").text = "New architecture decision records and RFCs, and status changes"
    # The newest entry's time: the feed changes when an entry does, not with every commit.
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = rfc3339(max((entry.time for entry in entries), default=updated))
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = clean(author or project)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=self_link)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=site_link)
    for entry in entries:
        element = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(element, f"{{{ATOM}}}id").text = urn(f"{project}|{entry.key}")
        ET.SubElement(element, f"{{{ATOM}}}title").text = clean(entry.title)
        ET.SubElement(element, f"{{{ATOM}}}updated").text = rfc3339(entry.time)
        ET.SubElement(element, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=entry.link)
        ET.SubElement(element, f"{{{ATOM}}}summary").text = clean(entry.summary)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
