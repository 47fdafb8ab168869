"""XMP packets with the TC260 namespace: build, merge into an existing packet, and read.

The AIGC JSON goes into ``<TC260:AIGC>`` with namespace ``http://www.tc260.org.cn/ns/AIGC/1.0/``
(GB 45438 image guide). An existing packet is parsed and kept: only ``TC260:AIGC`` properties are
replaced, every other property and namespace prefix stays.

Parsing is defused: packets with a DOCTYPE (the only way to declare entities) are refused, so
entity expansion ("billion laughs") and external entities cannot happen; size is capped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, cast
from xml.sax.saxutils import escape, quoteattr

from govloop.errors import FormatError
from govloop.label._model import AIGCLabel

TC260_NS = "http://www.tc260.org.cn/ns/AIGC/1.0/"
TC260_PREFIX = "TC260"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
X_NS = "adobe:ns:meta/"
#: Largest XMP packet read or merged.
MAX_XMP = 4 * 1024 * 1024

_XML_NS = "http://www.w3.org/XML/1998/namespace"
_AIGC_TAG = f"{{{TC260_NS}}}AIGC"
_RDF = f"{{{RDF_NS}}}RDF"
_DESC = f"{{{RDF_NS}}}Description"
_ABOUT = f"{{{RDF_NS}}}about"
_XPACKET_BEGIN = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
_XPACKET_END = '\n<?xpacket end="w"?>'
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def safe_parse(packet: bytes, source: str) -> tuple[ET.Element, dict[str, str]]:
    """Parse XML defused (no DTD); returns the root and a uri -> prefix map as written."""
    if len(packet) > MAX_XMP:
        raise FormatError(f"{source}: XML is {len(packet)} bytes, limit {MAX_XMP}")
    if _DOCTYPE.search(packet):
        raise FormatError(f"{source}: DOCTYPE/ENTITY declarations are refused")
    parser: Any = ET.XMLPullParser(events=("start-ns", "start"))
    prefixes: dict[str, str] = {}
    root: ET.Element | None = None
    try:
        parser.feed(packet)
        parser.close()
        for event, item in parser.read_events():
            if event == "start-ns":
                prefix, uri = cast(tuple[str, str], item)
                prefixes.setdefault(uri, prefix)
            elif root is None:
                root = cast(ET.Element, item)
    except ET.ParseError as exc:
        raise FormatError(f"{source}: not well-formed XML: {exc}") from exc
    if root is None:  # pragma: no cover - close() raises first
        raise FormatError(f"{source}: XMP packet is empty")
    return root, prefixes


def read_xmp_label(packet: bytes, *, source: str = "XMP") -> AIGCLabel | None:
    """The AIGC label in an XMP packet, or None when the packet has none."""
    root, _ = safe_parse(packet, source)
    for desc in root.iter(_DESC):
        if _AIGC_TAG in desc.attrib:
            return AIGCLabel.from_json(desc.attrib[_AIGC_TAG], source=f"{source} TC260:AIGC")
        for child in desc:
            if child.tag == _AIGC_TAG:
                return AIGCLabel.from_json(child.text or "", source=f"{source} TC260:AIGC")
    return None


def build_xmp(label: AIGCLabel, existing: bytes | None = None, *, source: str = "XMP") -> bytes:
    """An XMP packet with the label; merged into ``existing`` when given (other data kept)."""
    if existing is None or not existing.strip(b"\x00 \t\r\n"):
        body = (
            f'<x:xmpmeta xmlns:x="{X_NS}">\n'
            f' <rdf:RDF xmlns:rdf="{RDF_NS}">\n'
            f'  <rdf:Description rdf:about="" xmlns:{TC260_PREFIX}="{TC260_NS}">\n'
            f"   <{TC260_PREFIX}:AIGC>{escape(label.to_json())}</{TC260_PREFIX}:AIGC>\n"
            "  </rdf:Description>\n"
            " </rdf:RDF>\n"
            "</x:xmpmeta>"
        )
        return (_XPACKET_BEGIN + body + _XPACKET_END).encode("utf-8")
    root, prefixes = safe_parse(existing, source)
    rdf = root if root.tag == _RDF else root.find(f".//{_RDF}")
    if rdf is None:
        raise FormatError(f"{source}: XMP packet has no rdf:RDF element")
    for desc in list(rdf.iter(_DESC)):
        desc.attrib.pop(_AIGC_TAG, None)
        for child in list(desc):
            if child.tag == _AIGC_TAG:
                desc.remove(child)
    new_desc = ET.SubElement(rdf, _DESC, {_ABOUT: ""})
    new_desc.text = "\n   "
    ET.SubElement(new_desc, _AIGC_TAG).text = label.to_json()
    new_desc[-1].tail = "\n  "
    new_desc.tail = "\n "
    if prefixes.get(TC260_NS) != TC260_PREFIX:
        for uri, prefix in list(prefixes.items()):
            if prefix == TC260_PREFIX and uri != TC260_NS:
                prefixes[uri] = _fresh_prefix(prefixes, "ns")
        prefixes[TC260_NS] = TC260_PREFIX
    prefixes.setdefault(RDF_NS, "rdf")
    prefixes.setdefault(X_NS, "x")
    return (_XPACKET_BEGIN + serialize(root, prefixes) + _XPACKET_END).encode("utf-8")


def _fresh_prefix(prefixes: dict[str, str], stem: str) -> str:
    used = set(prefixes.values())
    n = 0
    while f"{stem}{n}" in used:
        n += 1
    return f"{stem}{n}"


def serialize(root: ET.Element, prefixes: dict[str, str]) -> str:
    """Serialize keeping the prefixes of the original document; namespaces declared on the root."""
    prefixes = dict(prefixes)
    prefixes[_XML_NS] = "xml"

    def qname(tag: str) -> str:
        if tag.startswith("{"):
            uri, local = tag[1:].split("}", 1)
            if uri not in prefixes:
                prefixes[uri] = _fresh_prefix(prefixes, "ns")
            prefix = prefixes[uri]
            return f"{prefix}:{local}" if prefix else local
        return tag

    out: list[str] = []

    def emit(elem: ET.Element, is_root: bool) -> None:
        attrs = "".join(f" {qname(k)}={quoteattr(v)}" for k, v in elem.attrib.items())
        name = qname(elem.tag)
        children = list(elem)
        start_index = len(out)
        out.append("")  # placeholder for the start tag (namespaces known only after children)
        if elem.text:
            out.append(escape(elem.text))
        for child in children:
            emit(child, False)
        if not children and not elem.text:
            out[start_index] = f"<{name}{attrs}\x00NS\x00/>" if is_root else f"<{name}{attrs}/>"
        else:
            out[start_index] = f"<{name}{attrs}\x00NS\x00>" if is_root else f"<{name}{attrs}>"
            out.append(f"</{name}>")
        if elem.tail and not is_root:
            out.append(escape(elem.tail))

    emit(root, True)
    decls = "".join(
        f" xmlns:{p}={quoteattr(u)}" if p else f" xmlns={quoteattr(u)}"
        for u, p in sorted(prefixes.items(), key=lambda item: item[1])
        if u != _XML_NS
    )
    out[0] = out[0].replace("\x00NS\x00", decls, 1)
    return "".join(out)
