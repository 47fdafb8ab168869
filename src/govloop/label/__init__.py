"""GB 45438-2025 transparency labels: explicit and implicit, for providers and platforms.

Provider side: :func:`label_bytes` / :func:`label_file` add the explicit label for the media type
and write the signed ``AIGC`` implicit label where each file format keeps it. Building blocks:
:func:`make_producer_label`, :func:`write_implicit_label`, :func:`add_explicit_text_label`,
:func:`add_explicit_image_label`, :func:`add_explicit_audio_label`,
:func:`add_explicit_video_label`.

Platform side: :func:`check_bytes` reports the label, its signatures, C2PA and explicit labels
with the Labeling Measures Art. 6 decision; :func:`propagate_bytes` adds the propagation fields.

Formats are pluggable: :class:`LabelFormat` objects in the plugin registry (:func:`register_format`
or the ``govloop.plugins`` entry point), with optional hooks for explicit labels
(:class:`SupportsExplicitLabel`) and the platform check (:class:`SupportsExplicitCheck`).
"""

from govloop._files import atomic_write
from govloop.label._explicit import (
    add_explicit_image_label,
    add_explicit_text_label,
    find_cjk_font,
    has_explicit_text_label,
    render_label_overlay,
)
from govloop.label._explicit_av import (
    add_explicit_audio_label,
    add_explicit_video_label,
    rhythm_prompt,
    spoken_prompt,
)
from govloop.label._model import AIGC_FIELDS, LABEL_VALUES, AIGCLabel
from govloop.label._options import ExplicitOptions
from govloop.label._platform import (
    CheckReport,
    PropagateOutcome,
    SignatureReport,
    check_bytes,
    decide_label,
    propagate_bytes,
)
from govloop.label._provider import (
    LabelOutcome,
    add_explicit_label,
    label_bytes,
    label_file,
    output_path,
)
from govloop.label._registry import (
    LabelFormat,
    SupportsExplicitCheck,
    SupportsExplicitLabel,
    content_digest,
    find_format,
    formats,
    read_implicit_label,
    register_format,
    write_implicit_label,
)
from govloop.label._sign import SignatureCheck, check_signature, make_producer_label, verify_label
from govloop.label._wording import AUTO as AUTO_LANGUAGE
from govloop.label._wording import label_languages, resolve_language
from govloop.label._xmp import TC260_NS, TC260_PREFIX, build_xmp, read_xmp_label

__all__ = [
    "AIGCLabel",
    "AIGC_FIELDS",
    "AUTO_LANGUAGE",
    "CheckReport",
    "ExplicitOptions",
    "LABEL_VALUES",
    "LabelFormat",
    "LabelOutcome",
    "PropagateOutcome",
    "SignatureCheck",
    "SignatureReport",
    "SupportsExplicitCheck",
    "SupportsExplicitLabel",
    "TC260_NS",
    "TC260_PREFIX",
    "add_explicit_audio_label",
    "add_explicit_image_label",
    "add_explicit_label",
    "add_explicit_text_label",
    "add_explicit_video_label",
    "atomic_write",
    "build_xmp",
    "check_bytes",
    "check_signature",
    "content_digest",
    "decide_label",
    "find_cjk_font",
    "find_format",
    "formats",
    "has_explicit_text_label",
    "label_bytes",
    "label_file",
    "label_languages",
    "make_producer_label",
    "output_path",
    "propagate_bytes",
    "read_implicit_label",
    "read_xmp_label",
    "register_format",
    "render_label_overlay",
    "resolve_language",
    "rhythm_prompt",
    "spoken_prompt",
    "verify_label",
    "write_implicit_label",
]
