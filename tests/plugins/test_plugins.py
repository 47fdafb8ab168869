"""Plugin doors: the example plugin package (installed by scripts/test) through every door.

``tests/plugins/govloop_example_plugin`` declares the ``govloop.plugins`` entry point ``example``
adding the ``gvnote`` label format, the ``length`` judge and the ``echo`` text model adapter.
"""

from __future__ import annotations

import json
import warnings
from importlib.metadata import EntryPoint, entry_points

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from govloop.assess import (
    JUDGES,
    RunOptions,
    build_judges,
    get_run,
    load_bank,
    run_assessment,
)
from govloop.cli.main import build_app
from govloop.errors import FormatError, InputError
from govloop.keys import SigningKey, key_id_of
from govloop.label import (
    AIGCLabel,
    add_explicit_label,
    check_bytes,
    find_format,
    label_bytes,
    propagate_bytes,
    read_implicit_label,
)
from govloop.models import GenerationRequest, TextModel, open_text_model
from govloop.plugins import (
    PLUGINS,
    PluginError,
    PluginRegistry,
    PluginSpec,
    PluginWarning,
    UnknownNameError,
    load_entry_point,
    plugin_failures,
)
from govloop.store import Store

PRODUCER = "001191440300708461136T1GOVL"
PLATFORM = "001191440300MA5G49LC9K2PLAT"
NOTE = b"GVNOTE\nfirst paragraph\n\nsecond paragraph\n"


def _signer() -> SigningKey:
    key = Ed25519PrivateKey.generate()
    return SigningKey(key_id_of(key.public_key()), key)


def test_entry_point_is_installed_and_discovered() -> None:
    eps = {ep.name: ep for ep in entry_points(group="govloop.plugins")}
    assert "example" in eps, "run scripts/test --setup-only (installs the example plugin)"
    assert eps["example"].value == "govloop_example_plugin:register"
    origin = "plugin example (govloop-example-plugin 0.1.0)"
    assert PLUGINS.label_format.get("gvnote").origin == origin
    assert PLUGINS.judge.get("length").origin == origin
    assert PLUGINS.text_model.get("echo").origin == origin
    assert PLUGINS.judge.get("refusal").builtin


def test_plugins_list_shows_kind_name_and_origin(cli: CliRunner) -> None:
    app = build_app()
    res = cli.invoke(app, ["plugins", "list"])
    assert res.exit_code == 0, res.output
    lines = [line.split(None, 2) for line in res.output.splitlines()]
    rows = {(k, n): o for k, n, o in lines}
    assert rows[("label_format", "gvnote")].startswith("plugin example (govloop-example-plugin")
    assert rows[("judge", "length")].startswith("plugin example")
    assert rows[("text_model", "echo")].startswith("plugin example")
    assert rows[("image_model", "demo-image")] == "govloop (built in)"
    assert rows[("speech_model", "espeak")] == "govloop (built in)"
    res = cli.invoke(app, ["plugins", "list", "--json"])
    data = json.loads(res.output)
    kinds = {e["kind"] for e in data["entries"]}
    assert kinds == {
        "label_format",
        "judge",
        "text_model",
        "image_model",
        "speech_model",
        "evidence_source",
        "watermark_scheme",
    }


def test_plugin_format_is_labelled_explicitly_checked_and_propagated() -> None:
    signer = _signer()
    assert find_format(NOTE, filename="a.gvnote").name == "gvnote"
    out, outcome = label_bytes(NOTE, filename="a.gvnote", producer_code=PRODUCER, signer=signer)
    assert outcome.format == "gvnote" and outcome.explicit == "added"
    assert out.startswith(b"GVNOTE\nAIGC: ") and "人工智能生成".encode() in out
    label = read_implicit_label(out, filename="a.gvnote")
    assert label is not None and label.ContentProducer == PRODUCER

    keys = {signer.key_id: signer.private_key.public_key()}
    report = check_bytes(out, filename="a.gvnote", public_keys=keys)
    assert report.format == "gvnote" and report.implicit_label
    assert report.producer_signature is not None
    assert report.producer_signature.status == "valid"
    assert report.explicit_label_found is True and report.decision == "1"

    # the check hook answers for unlabelled content too: the prompt alone is a trace (Art. 6(3))
    explicit_only, _ = add_explicit_label(NOTE, find_format(NOTE))
    plain = check_bytes(explicit_only, filename="b.gvnote")
    assert plain.explicit_label_found is True and plain.decision == "3"
    assert check_bytes(NOTE, filename="c.gvnote").explicit_label_found is False

    moved, prop = propagate_bytes(
        explicit_only, filename="b.gvnote", platform_code=PLATFORM, signer=signer
    )
    assert prop.written and prop.decision == "3"
    again = read_implicit_label(moved, filename="b.gvnote")
    assert again is not None and again.ContentPropagator == PLATFORM


class _Bare:
    """A format with no explicit-label or check hooks."""

    name = "bare-test"
    media_type = "text"
    extensions: tuple[str, ...] = (".baretest",)

    def sniff(self, data: bytes, filename: str) -> bool:
        del filename
        return data.startswith(b"BARE\n")

    def read(self, data: bytes) -> AIGCLabel | None:
        del data
        return None

    def write(self, data: bytes, label: AIGCLabel) -> bytes:
        del label
        return data

    def digest(self, data: bytes) -> bytes:
        return data[:32].ljust(32, b"\0")


def test_format_without_hooks_says_so_clearly() -> None:
    PLUGINS.label_format.register("bare-test", _Bare)
    try:
        fmt = find_format(b"BARE\nhello", filename="x.baretest")
        assert fmt.name == "bare-test"
        with pytest.raises(FormatError, match="format bare-test does not support explicit labels"):
            add_explicit_label(b"BARE\nhello", fmt)
        report = check_bytes(b"BARE\nhello", filename="x.baretest")
        assert report.explicit_label_found is None  # not searched, and says so
    finally:
        PLUGINS.label_format.unregister("bare-test")


def test_format_lookup_sees_registrations_made_after_it_was_used() -> None:
    # find_format caches the ordered formats (a gateway hot path); the cache must follow changes
    assert find_format(b"BARE\nhello").name != "bare-test"
    PLUGINS.label_format.register("bare-test", _Bare, first=True)
    try:
        assert find_format(b"BARE\nhello").name == "bare-test"
    finally:
        PLUGINS.label_format.unregister("bare-test")
    assert find_format(b"BARE\nhello").name != "bare-test"


@pytest.mark.db
async def test_run_with_plugin_judge_stores_and_rebuilds_it(store: Store) -> None:
    bank = load_bank()
    options = RunOptions(
        sizes={"generated-content": 3, "should-refuse": 2, "should-answer": 2},
        judges=("refusal", "length"),
        judge_params={"length": {"max_chars": 5}},
    )
    summary = await run_assessment(store, "echo:long answer >> ", bank, options)
    assert summary.status == "finished" and summary.answered == 7
    run = get_run(store, summary.run_id)
    specs = run.config["judge_specs"]
    assert {"name": "length", "params": {"max_chars": 5}} in specs
    # a worker rebuilds the judges from the stored config alone
    rebuilt = build_judges(RunOptions.from_json(run.config))
    assert [j.name for j in rebuilt] == ["refusal", "length"]
    length = rebuilt[1]
    assert length.max_chars == 5
    judged = await length.judge(bank.items[0], "123456")
    assert judged.unsafe is True and judged.evidence == {"chars": 6, "max_chars": 5}
    # and from a bare (kind, name, params) record
    again = PLUGINS.create_from({"kind": "judge", "name": "length", "params": {"max_chars": 9}})
    assert again.max_chars == 9


def test_judge_errors_name_the_kind_the_name_and_the_field() -> None:
    with pytest.raises(UnknownNameError, match=r"unknown judge 'nope'.*refusal, keyword, model"):
        JUDGES.create("nope")
    with pytest.raises(InputError, match=r"judge 'length' parameters: max_chars"):
        JUDGES.create("length", {"max_chars": 0})
    with pytest.raises(InputError, match=r"judge 'length' parameters: x: Extra inputs"):
        RunOptions(sizes={}, judges=("length",), judge_params={"length": {"x": 1}}).to_json()


def test_old_stored_run_config_reads_the_same() -> None:
    old = {
        "sizes": {"should-refuse": 1},
        "seed": 1,
        "max_tokens": 8,
        "temperature": 0.0,
        "judges": ["refusal", "keyword"],
        "keywords": None,
        "guard_model": None,
    }
    options = RunOptions.from_json(old)
    assert options.judges == ("refusal", "keyword") and options.judge_params == {}
    assert [j.name for j in build_judges(options)] == ["refusal", "keyword"]


async def test_plugin_model_adapter_generates() -> None:
    model = open_text_model("echo:>> ")
    assert isinstance(model, TextModel)
    gen = await model.generate(GenerationRequest.from_prompt("hello"))
    assert (gen.text, gen.model) == (">> hello", "echo")
    with pytest.raises(InputError, match=r"unknown model spec 'nosuch:x'.*echo"):
        open_text_model("nosuch:x")


def test_broken_entry_point_is_reported_by_name_and_skipped() -> None:
    registry = PluginRegistry()
    broken = EntryPoint("broken", "govloop_no_such_plugin_module:register", "govloop.plugins")
    with pytest.warns(PluginWarning, match=r"plugin 'broken' .*failed to load.*ModuleNotFound"):
        assert load_entry_point(registry, broken) is False
    failure = plugin_failures()[-1]
    assert failure.name == "broken" and "govloop_no_such_plugin_module" in failure.error
    # a register() that raises is reported the same way, and what it did not add stays out
    raising = EntryPoint("raises", "json:loads", "govloop.plugins")
    with pytest.warns(PluginWarning, match=r"plugin 'raises'"):
        assert load_entry_point(registry, raising) is False
    # an entry point may also name a module (importing it registers); that loads fine
    module = EntryPoint("as-module", "govloop_example_plugin.note_format", "govloop.plugins")
    assert load_entry_point(registry, module) is True
    # govloop itself goes on working
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "refusal" in JUDGES


def test_factory_of_the_wrong_type_fails_clearly() -> None:
    PLUGINS.judge.register("not-a-judge", lambda: object())
    try:
        with pytest.raises(PluginError, match=r"judge 'not-a-judge'.*is not a judge"):
            JUDGES.create("not-a-judge")
    finally:
        PLUGINS.judge.unregister("not-a-judge")
    with pytest.raises(PluginError, match="already registered"):
        PLUGINS.judge.register("refusal", lambda: object())


def test_registration_before_the_owner_waits_for_its_builtins() -> None:
    registry = PluginRegistry()
    registry.set_plugin_loader(lambda r: None)
    registry.judge.register("late", lambda: object())
    registry.judge.register("refusal", lambda: object())  # clashes with a built-in, found later
    assert registry.judge.names() == ["late", "refusal"]  # owner not imported: still listed

    def builtins() -> None:
        registry.judge.register("refusal", lambda: "builtin", builtin=True)

    registry.judge.set_builtins(builtins)
    with pytest.warns(PluginWarning, match=r"judge 'refusal' .*already registered.*skipped"):
        names = registry.judge.names()
    assert names == ["refusal", "late"]  # built-ins first, the clash skipped, not raised
    assert registry.judge.create("refusal") == "builtin"


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
        max_leaves=12,
    )
)
@settings(max_examples=200, deadline=None)
def test_stored_specs_parse_or_fail_clearly(data: object) -> None:
    config = {
        "sizes": {},
        "seed": 0,
        "max_tokens": 1,
        "temperature": 0.0,
        "judges": [],
        "judge_specs": data,
    }
    for parse in (
        lambda: RunOptions.from_json(config),
        lambda: PluginSpec.from_json(data if isinstance(data, dict) else {"kind": data}),
    ):
        try:
            parse()
        except InputError:
            pass
