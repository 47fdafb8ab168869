"""Document formats: PDF, OOXML (docx/xlsx/pptx) and Markdown/plain text.

- PDF: document information dictionary key ``/AIGC`` (TC260 text guide §6.3), written as an
  incremental update with pypdf so the original bytes (and any signature over them) stay.
- OOXML: ``docProps/custom.xml`` property ``AIGC`` of type ``vt:lpwstr`` (§6.1); the part, its
  content-type override and its package relationship are added when missing; every other part
  is copied unchanged.
- Markdown/text: a YAML front matter block at the head of the file with an ``AIGC:`` mapping of
  the seven keys (§6.5); other front matter keys and lines are kept as written.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
import zlib
from typing import Any

from govloop.errors import FormatError
from govloop.label._explicit import add_explicit_text_label, has_explicit_text_label
from govloop.label._model import AIGC_FIELDS, AIGC_KEY, AIGCLabel
from govloop.label._options import ExplicitOptions
from govloop.label._xmp import safe_parse, serialize


# --------------------------------------------------------------------------- PDF
def _pdf_reader(data: bytes) -> Any:
    from pypdf import PdfReader

    # pypdf logs broken-file warnings; without a handler Python prints them on stderr,
    # mixed into our own one-line error. A NullHandler keeps them for apps that log.
    pypdf_log = logging.getLogger("pypdf")
    if not any(isinstance(h, logging.NullHandler) for h in pypdf_log.handlers):
        pypdf_log.addHandler(logging.NullHandler())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return PdfReader(io.BytesIO(data), strict=False)
    except Exception as exc:  # pypdf raises many types on broken files
        raise FormatError(f"PDF cannot be parsed: {exc}") from exc


class PdfFormat:
    """PDF: Info dictionary ``/AIGC``."""

    name = "pdf"
    media_type = "document"
    extensions: tuple[str, ...] = (".pdf",)

    def find_explicit_label(self, data: bytes) -> bool | None:
        """An explicit text label in the first five pages' text; None when unreadable."""
        from pypdf import PdfReader

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                reader = PdfReader(io.BytesIO(data), strict=False)
                text = " ".join(page.extract_text() or "" for page in reader.pages[:5])
        except Exception:  # pypdf raises many types on broken files; not searched then
            return None
        return has_explicit_text_label(text)

    def sniff(self, data: bytes, filename: str) -> bool:
        """``%PDF-`` within the first kilobyte and ``%%EOF`` within the last (ISO 32000 7.5).

        The header alone would take a text that mentions ``%PDF-1.7`` for a PDF and fail to
        parse it; a truncated PDF is still found by its ``.pdf`` extension.
        """
        del filename
        return b"%PDF-" in data[:1024] and b"%%EOF" in data[-1024:]

    def read(self, data: bytes) -> AIGCLabel | None:
        """The ``/AIGC`` value of the document information dictionary."""
        reader = _pdf_reader(data)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                info = reader.metadata
                value = None if info is None else info.get("/" + AIGC_KEY)
                if value is not None and hasattr(value, "get_object"):
                    value = value.get_object()
        except Exception as exc:  # pypdf raises many types on broken files
            raise FormatError(f"PDF information dictionary cannot be read: {exc}") from exc
        if value is None:
            return None
        if not isinstance(value, str):
            raise FormatError(f"PDF /AIGC must be a text string, got {type(value).__name__}")
        return AIGCLabel.from_json(str(value), source="PDF /AIGC")

    def write(self, data: bytes, label: AIGCLabel) -> bytes:
        """Incremental update setting ``/AIGC`` (other Info keys kept)."""
        from pypdf import PdfWriter

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                writer = PdfWriter(io.BytesIO(data), incremental=True)
                writer.add_metadata({"/" + AIGC_KEY: label.to_json()})
                out = io.BytesIO()
                writer.write(out)
        except Exception as exc:  # pypdf raises many types on broken files
            raise FormatError(f"PDF cannot be updated: {exc}") from exc
        return out.getvalue()

    def digest(self, data: bytes) -> bytes:
        """SHA-256 of every page's content streams and XObject streams, in page order."""
        reader = _pdf_reader(data)
        h = hashlib.sha256()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for page in reader.pages:
                    contents = page.get_contents()
                    h.update(b"page\x00" + (contents.get_data() if contents is not None else b""))
                    resources = page.get("/Resources")
                    xobjects = resources.get_object().get("/XObject") if resources else None
                    if xobjects:
                        for name in sorted(xobjects.get_object()):
                            obj = xobjects.get_object()[name].get_object()
                            raw = getattr(obj, "_data", b"")
                            h.update(str(name).encode() + b"\x00" + bytes(raw))
        except Exception as exc:  # pypdf raises many types on broken files
            raise FormatError(f"PDF pages cannot be read: {exc}") from exc
        return h.digest()


# --------------------------------------------------------------------------- OOXML
_CUSTOM = "docProps/custom.xml"
_CT = "[Content_Types].xml"
_RELS = "_rels/.rels"
_CP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CP_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CP_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_MAX_PART = 16 * 1024 * 1024
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise FormatError(f"OOXML package is not a readable ZIP file: {exc}") from exc


def _part(zf: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _MAX_PART:
        raise FormatError(f"OOXML part {name} is {info.file_size} bytes, limit {_MAX_PART}")
    try:
        return zf.read(info)
    except (
        zipfile.BadZipFile,
        ValueError,
        OSError,
        EOFError,
        NotImplementedError,
        zlib.error,
    ) as exc:
        raise FormatError(f"OOXML part {name} cannot be read: {exc}") from exc


class OoxmlFormat:
    """OOXML (docx, xlsx, pptx): ``docProps/custom.xml`` property ``AIGC``."""

    name = "ooxml"
    media_type = "document"
    extensions: tuple[str, ...] = (".docx", ".xlsx", ".pptx", ".docm", ".xlsm", ".pptm")

    def find_explicit_label(self, data: bytes) -> bool | None:
        """An explicit text label in the document's text parts; None when unreadable."""
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                parts = [n for n in zf.namelist() if re.match(r"(word|ppt|xl)/.*\.xml$", n)]
                xml = b" ".join(zf.read(n) for n in parts[:50] if zf.getinfo(n).file_size < 8 << 20)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, zlib.error):
            return None
        return has_explicit_text_label(re.sub(r"<[^>]+>", "", xml.decode("utf-8", "replace")))

    def sniff(self, data: bytes, filename: str) -> bool:
        """A ZIP file with a ``[Content_Types].xml`` part."""
        del filename
        if data[:4] != b"PK\x03\x04":
            return False
        return b"[Content_Types].xml" in data[:4096] or b"[Content_Types].xml" in data[-65536:]

    def read(self, data: bytes) -> AIGCLabel | None:
        """The ``AIGC`` custom property."""
        with _zip(data) as zf:
            part = _part(zf, _CUSTOM)
        if part is None:
            return None
        root, _ = safe_parse(part, "OOXML docProps/custom.xml")
        for prop in root.iter(f"{{{_CP_NS}}}property"):
            if prop.get("name") == AIGC_KEY:
                text = "".join(child.text or "" for child in prop)
                return AIGCLabel.from_json(text, source="OOXML custom property AIGC")
        return None

    def write(self, data: bytes, label: AIGCLabel) -> bytes:
        """Rewrite the package with the property set; other parts copied as they are."""
        with _zip(data) as zf:
            infos = zf.infolist()
            custom = _part(zf, _CUSTOM)
            ctypes = _part(zf, _CT)
            rels = _part(zf, _RELS)
            if ctypes is None or rels is None:
                raise FormatError(f"OOXML package lacks {_CT if ctypes is None else _RELS}")
            new = {
                _CUSTOM: self._custom(custom, label),
                _CT: self._content_types(ctypes),
                _RELS: self._rels(rels),
            }
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in infos:
                    body = new.pop(info.filename, None)
                    if body is None:
                        body = _part(zf, info.filename) or b""
                    dst.writestr(info, body, compress_type=info.compress_type)
                for name, body in new.items():
                    dst.writestr(name, body)
        return out.getvalue()

    @staticmethod
    def _custom(existing: bytes | None, label: AIGCLabel) -> bytes:
        if existing is None:
            root = ET.Element(f"{{{_CP_NS}}}Properties")
            prefixes = {_CP_NS: "", _VT_NS: "vt"}
        else:
            root, prefixes = safe_parse(existing, "OOXML docProps/custom.xml")
            prefixes.setdefault(_VT_NS, "vt")
        props = root.findall(f"{{{_CP_NS}}}property")
        pids = [2]
        for prop in props:
            if prop.get("name") == AIGC_KEY:
                root.remove(prop)
            elif (prop.get("pid") or "").isdigit():
                pids.append(int(prop.get("pid") or 0) + 1)
        prop = ET.SubElement(
            root,
            f"{{{_CP_NS}}}property",
            {"fmtid": _FMTID, "pid": str(max(pids)), "name": AIGC_KEY},
        )
        ET.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = label.to_json()
        return (_XML_DECL + serialize(root, prefixes)).encode("utf-8")

    @staticmethod
    def _content_types(existing: bytes) -> bytes:
        root, prefixes = safe_parse(existing, "OOXML [Content_Types].xml")
        for override in root.iter(f"{{{_CT_NS}}}Override"):
            if override.get("PartName") == "/" + _CUSTOM:
                return existing
        ET.SubElement(
            root, f"{{{_CT_NS}}}Override", {"PartName": "/" + _CUSTOM, "ContentType": _CP_TYPE}
        )
        return (_XML_DECL + serialize(root, prefixes)).encode("utf-8")

    @staticmethod
    def _rels(existing: bytes) -> bytes:
        root, prefixes = safe_parse(existing, "OOXML _rels/.rels")
        ids = set()
        for rel in root.iter(f"{{{_REL_NS}}}Relationship"):
            if rel.get("Type") == _CP_REL:
                return existing
            ids.add(rel.get("Id"))
        n = 1
        while f"rId{n}" in ids:
            n += 1
        attrs = {"Id": f"rId{n}", "Type": _CP_REL, "Target": _CUSTOM}
        ET.SubElement(root, f"{{{_REL_NS}}}Relationship", attrs)
        return (_XML_DECL + serialize(root, prefixes)).encode("utf-8")

    def digest(self, data: bytes) -> bytes:
        """SHA-256 over the names and contents of every part the label does not touch."""
        h = hashlib.sha256()
        with _zip(data) as zf:
            for name in sorted(zf.namelist()):
                if name in (_CUSTOM, _CT, _RELS):
                    continue
                h.update(name.encode() + b"\x00" + hashlib.sha256(_part(zf, name) or b"").digest())
        return h.digest()


# --------------------------------------------------------------------------- text
_FRONT = re.compile(r"\A(\ufeff?)---[ \t]*(\r?\n)(.*?)^(---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_MAX_FRONT = 64 * 1024


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(f"text is not valid UTF-8 at byte {exc.start}") from exc


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(front matter block text or None, body)."""
    m = _FRONT.match(text)
    if m is None:
        return None, text.removeprefix("\ufeff")
    return m.group(3), text[m.end() :]


def _aigc_block_removed(front: str) -> str:
    """Front matter lines without a top-level ``AIGC:`` entry and its indented lines."""
    out: list[str] = []
    skipping = False
    for line in front.splitlines(keepends=True):
        if re.match(r"AIGC[ \t]*:", line):
            skipping = True
            continue
        if skipping and (line[:1] in (" ", "\t") or not line.strip()):
            continue
        skipping = False
        out.append(line)
    return "".join(out)


class TextFormat:
    """Markdown and plain text: YAML front matter ``AIGC:``."""

    name = "text"
    media_type = "text"
    extensions: tuple[str, ...] = (".md", ".markdown", ".txt", ".text", ".mdx", ".rst")

    def add_explicit_label(self, data: bytes, *, filename: str, options: ExplicitOptions) -> bytes:
        """The prompt added to the body; the front matter kept as it is."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"{filename or 'text'}: text is not valid UTF-8 at byte {exc.start}"
            ) from exc
        _, body = split_front_matter(text)
        head = text[: len(text) - len(body)]
        new = add_explicit_text_label(
            body,
            position=options.text_position,
            language=options.language,
            wording=options.text_wording,
        )
        return (head + new).encode("utf-8")

    def find_explicit_label(self, data: bytes) -> bool | None:
        """An explicit prompt in the body (front matter excluded); None when not UTF-8."""
        try:
            return has_explicit_text_label(split_front_matter(data.decode("utf-8"))[1])
        except UnicodeDecodeError:
            return None

    def sniff(self, data: bytes, filename: str) -> bool:
        """Only nameless input that is UTF-8 text (files are matched by extension)."""
        if filename or b"\x00" in data[:4096]:
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    def read(self, data: bytes) -> AIGCLabel | None:
        """The ``AIGC`` mapping (or JSON string) of the front matter."""
        import yaml

        front, _ = split_front_matter(_decode(data))
        if front is None:
            return None
        if len(front) > _MAX_FRONT:
            raise FormatError(f"front matter is {len(front)} characters, limit {_MAX_FRONT}")
        try:
            meta = yaml.safe_load(front)
        except (yaml.YAMLError, RecursionError) as exc:
            raise FormatError(f"front matter is not valid YAML: {exc}") from exc
        if meta is None:
            return None
        if not isinstance(meta, dict):
            raise FormatError("front matter is not a YAML mapping")
        value = meta.get(AIGC_KEY)
        if value is None:
            return None
        if isinstance(value, str):
            return AIGCLabel.from_json(value, source="front matter AIGC")
        return AIGCLabel.from_obj(value, source="front matter AIGC")

    def write(self, data: bytes, label: AIGCLabel) -> bytes:
        """Add or replace the ``AIGC:`` block in the front matter (created when absent)."""
        text = _decode(data)
        m = _FRONT.match(text)
        nl = m.group(2) if m else ("\r\n" if "\r\n" in text[:4096] else "\n")
        fields = label.as_dict()
        block = nl.join(["AIGC:", *(f"  {k}: {json.dumps(fields[k])}" for k in AIGC_FIELDS)]) + nl
        if m is None:
            bom = "\ufeff" if text.startswith("\ufeff") else ""
            return (bom + "---" + nl + block + "---" + nl + text.removeprefix(bom)).encode()
        self.read(data)  # refuse to edit a broken front matter
        front = _aigc_block_removed(m.group(3))
        if front and not front.endswith(("\n", "\r")):
            front += nl
        head = m.group(1) + "---" + nl + front + block
        return (head + text[m.start(4) :]).encode()

    def digest(self, data: bytes) -> bytes:
        """SHA-256 of the body after the front matter (UTF-8)."""
        _, body = split_front_matter(_decode(data))
        return hashlib.sha256(body.encode("utf-8")).digest()


DOCUMENT_FORMATS = (PdfFormat(), OoxmlFormat(), TextFormat())
