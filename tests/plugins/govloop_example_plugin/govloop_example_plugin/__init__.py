"""Example govloop plugin: one label format, one judge and one text model adapter.

The entry point ``example`` (group ``govloop.plugins``) names :func:`register`, which govloop
calls once, lazily, with its plugin registry. Each kind lives in its own file.
"""

from __future__ import annotations

from govloop.plugins import PluginRegistry


def register(registry: PluginRegistry) -> None:
    """Add the ``gvnote`` label format, the ``length`` judge and the ``echo`` text model."""
    from govloop_example_plugin.echo_model import EchoModel
    from govloop_example_plugin.length_judge import LengthJudge, LengthParams
    from govloop_example_plugin.note_format import NoteFormat

    registry.label_format.register("gvnote", NoteFormat)
    registry.judge.register("length", LengthJudge, params=LengthParams)
    registry.text_model.register("echo", EchoModel.from_params, params=EchoModel.Params)
