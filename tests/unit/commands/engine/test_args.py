import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.engine.args import ArgumentError, bind, parse, unescape_slack
from commands.engine.base import CommandSpec, Param, Role, UsageError

SPEC = CommandSpec(
    name="create-routepoint",
    summary="Create a CTI route point",
    role=Role.OPERATOR,
    params=(
        Param("name", "route point name", positional=True, required=True),
        Param("dn", "directory number", positional=True),
        Param("device_pool", "device pool", default="Default"),
        Param("protocol", "protocol", choices=("SCCP", "SIP")),
        Param("force", "skip checks", flag=True),
    ),
    writes=True,
)
MULTI = CommandSpec(
    name="help",
    summary="h",
    role=Role.NONE,
    params=(Param("words", "w", positional=True, multiple=True),),
)


def test_positionals_options_and_flags() -> None:
    parsed = parse('RP_IVR 1000 device_pool="DP HQ" --force --cluster lab --node cucm-sub1')
    assert parsed.positionals == ["RP_IVR", "1000"]
    assert parsed.options == {"device_pool": "DP HQ", "cluster": "lab", "node": "cucm-sub1"}
    assert parsed.flags == {"force"}


def test_slack_escapes_become_ids() -> None:
    assert unescape_slack("<@U123ABC|bob> <@W9> <#C42|ops> <#C43|>") == "U123ABC W9 C42 C43"
    assert unescape_slack("<mailto:a@b.com|a@b.com> <https://x.io|x>") == "a@b.com x"
    assert unescape_slack("a &lt;b&gt; &amp; \u201cq\u201d") == 'a <b> & "q"'
    assert parse("user=<@U1|bob>").options == {"user": "U1"}


def test_unbalanced_quotes_is_usage_error() -> None:
    with pytest.raises(UsageError, match="quotes"):
        parse('name="RP one')


def test_value_option_without_value() -> None:
    with pytest.raises(UsageError, match="--cluster"):
        parse("version --cluster")


def test_option_given_twice() -> None:
    with pytest.raises(UsageError, match="twice"):
        parse("a=1 a=2")


def test_bind_fills_defaults_and_checks_choices() -> None:
    args = bind(SPEC, parse("RP1 protocol=sip"))
    assert args == {
        "name": "RP1",
        "dn": None,
        "device_pool": "Default",
        "protocol": "SIP",
        "force": False,
    }


def test_bind_positional_by_key_and_dashes() -> None:
    args = bind(SPEC, parse("name=RP1 device-pool=DP1 --force"))
    assert args["name"] == "RP1" and args["device_pool"] == "DP1" and args["force"] is True


def test_bind_unknown_option_lists_valid_ones() -> None:
    with pytest.raises(ArgumentError) as info:
        bind(SPEC, parse("RP1 colour=red"))
    assert "colour=" in str(info.value) and "device_pool=" in str(info.value)
    assert "--force" in str(info.value)


def test_bind_missing_required() -> None:
    with pytest.raises(ArgumentError) as info:
        bind(SPEC, parse("protocol=SIP"))
    assert info.value.param == "name"


def test_bind_bad_choice_and_extra_positional() -> None:
    with pytest.raises(ArgumentError, match="one of"):
        bind(SPEC, parse("RP1 protocol=H323"))
    with pytest.raises(UsageError, match="Unexpected"):
        bind(SPEC, parse("RP1 1000 extra"))


def test_bind_flag_needs_no_value_and_option_needs_one() -> None:
    with pytest.raises(ArgumentError, match="needs a value"):
        bind(SPEC, parse("RP1 --device_pool"))
    assert bind(SPEC, parse("RP1 force=no"))["force"] is False


def test_multiple_takes_the_rest() -> None:
    assert bind(MULTI, parse("service status"))["words"] == ["service", "status"]
    assert bind(MULTI, parse(""))["words"] == []


@given(st.text(max_size=200))
def test_parse_never_raises_anything_but_usage_error(text: str) -> None:
    try:
        parsed = parse(text)
    except UsageError:
        return
    with contextlib.suppress(UsageError):
        bind(SPEC, parsed)


@given(st.lists(st.sampled_from(['"', "'", "=", "--", "<@U1|x>", "<#C1>", "a", " ", "\\", "<"])))
def test_parse_on_hostile_fragments(parts: list[str]) -> None:
    with contextlib.suppress(UsageError):
        bind(MULTI, parse("".join(parts)))
