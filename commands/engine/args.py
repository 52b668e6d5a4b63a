"""Turn the text after `/cti` into typed arguments, the same way for every front end.

Slack delivers one string; admins quote values with spaces, paste mentions that
arrive escaped (`<@U123|name>`), and type on phones that insert curly quotes.
Parsing is strict where a guess could write the wrong thing to CUCM: an
unknown option or a missing value is a `UsageError`, never ignored. Text is
refused by length before it is parsed (Slack's own limit is far below ours),
and a value with characters CUCM cannot store (control characters,
non-characters, unpaired surrogates) or that would reorder what people read
(bidirectional controls) is refused naming its parameter, before any read.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from dataclasses import dataclass, field

from commands.engine.base import Arguments, CommandSpec, Param, UsageError

# Options that take the next word as their value, in addition to `key=value`.
VALUE_OPTIONS = frozenset({"cluster", "node", "since"})
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0", ""})

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#(C[A-Z0-9]+)(?:\|[^>]*)?>")
_SUBTEAM = re.compile(r"<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>")
_MAILTO = re.compile(r"<mailto:([^|>]*)(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|tel):[^|>]*)(?:\|([^>]*))?>")
_SMART_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
MAX_TEXT_CHARS = 4000
MAX_ID = 2**63 - 1  # the change log's (and SQLite's) largest integer
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


class ArgumentError(UsageError):
    """A usage error about one parameter, so a modal can show it under that input."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


@dataclass
class ParsedArgs:
    """Tokens sorted by shape; which command they belong to is decided later."""

    positionals: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    def without_positionals(self, count: int) -> ParsedArgs:
        return ParsedArgs(self.positionals[count:], dict(self.options), set(self.flags))


def unescape_slack(text: str) -> str:
    """Undo Slack's escaping so `<@U123|bob>` means the stable ID `U123`."""
    text = _USER.sub(r"\1", text)
    text = _CHANNEL.sub(r"\1", text)
    text = _SUBTEAM.sub(r"\1", text)
    text = _MAILTO.sub(lambda m: m.group(2) or m.group(1), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text.translate(_SMART_QUOTES)


def normalise_key(key: str) -> str:
    return key.strip().lower().replace("-", "_")


def tokenize(text: str) -> list[str]:
    if len(text) > MAX_TEXT_CHARS:
        raise UsageError(
            f"The command is {len(text)} characters long; at most {MAX_TEXT_CHARS} are allowed."
        )
    try:
        return shlex.split(unescape_slack(text))
    except ValueError as exc:
        raise UsageError(f"Could not read the arguments: {exc} (check your quotes).") from exc


def parse(text: str) -> ParsedArgs:
    """Split into positionals, `key=value` / `--cluster X` options and `--flags`."""
    parsed = ParsedArgs()
    tokens = tokenize(text)
    index = 0
    only_positionals = False
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if only_positionals:
            parsed.positionals.append(token)
        elif token == "--":
            only_positionals = True
        elif token.startswith("--") and len(token) > 2:
            name, has_value, value = token[2:].partition("=")
            key = _checked_key(name, token)
            if has_value:
                _set_option(parsed, key, value)
            elif key in VALUE_OPTIONS:
                if index >= len(tokens):
                    raise ArgumentError(f"`--{name}` needs a value, e.g. `--{name} X`.", key)
                _set_option(parsed, key, tokens[index])
                index += 1
            else:
                parsed.flags.add(key)
        elif "=" in token and _KEY.match(token.partition("=")[0]):
            name, _, value = token.partition("=")
            _set_option(parsed, normalise_key(name), value)
        else:
            parsed.positionals.append(token)
    return parsed


def _checked_key(name: str, token: str) -> str:
    if not _KEY.match(name):
        raise UsageError(f"`{token}` is not a valid option name.")
    return normalise_key(name)


def _set_option(parsed: ParsedArgs, key: str, value: str) -> None:
    if key in parsed.options:
        raise ArgumentError(f"`{key}` is given twice.", key)
    parsed.options[key] = value


def bind(spec: CommandSpec, parsed: ParsedArgs) -> Arguments:
    """Match tokens to the command's parameters; anything unexpected is a UsageError."""
    args: Arguments = {}
    by_key = {normalise_key(p.name): p for p in spec.params}
    _bind_positionals(spec, parsed.positionals, args)
    for key, value in parsed.options.items():
        param = by_key.get(key)
        if param is None:
            raise ArgumentError(_unknown(spec, key), key)
        if param.name in args:
            raise ArgumentError(f"`{param.name}` is given twice.", param.name)
        args[param.name] = _option_value(param, value)
    for key in sorted(parsed.flags):
        param = by_key.get(key)
        if param is None:
            raise ArgumentError(_unknown(spec, key, flag=True), key)
        if not param.flag:
            example = f"{param.name}=<{param.placeholder or param.name}>"
            raise ArgumentError(f"`{param.name}` needs a value: `{example}`.", param.name)
        args[param.name] = True
    for param in spec.params:
        if param.name in args:
            continue
        if param.required:
            raise ArgumentError(f"Missing required argument `{param.name}`.", param.name)
        args[param.name] = _default(param)
    return args


def _bind_positionals(spec: CommandSpec, words: list[str], args: Arguments) -> None:
    slots = [p for p in spec.params if p.positional]
    for index, param in enumerate(slots):
        if index >= len(words):
            return
        if param.multiple:
            args[param.name] = [_checked_choice(param, w) for w in words[index:]]
            return
        args[param.name] = _checked_choice(param, words[index])
    if len(words) > len(slots):
        extra = " ".join(words[len(slots) :])
        raise UsageError(f"Unexpected argument `{extra}`.")


def forbidden_character(value: str) -> str | None:
    """Why `value` cannot go to CUCM, or None: names the first offending character."""
    for char in value:
        code = ord(char)
        if unicodedata.category(char) == "Cc":
            return f"a control character (U+{code:04X})"
        if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
            return f"a non-character (U+{code:04X})"
        if 0xD800 <= code <= 0xDFFF:
            return f"an unpaired surrogate (U+{code:04X})"
        if char in _BIDI_CONTROLS:
            return f"a right-to-left or other bidirectional control (U+{code:04X})"
    return None


def checked_text(param: str, value: str) -> str:
    problem = forbidden_character(value)
    if problem is not None:
        raise ArgumentError(f"`{param}` contains {problem}; CUCM cannot take it.", param)
    return value


def parse_id(text: object, what: str, example: str) -> int:
    """A positive database id: ASCII digits (an optional leading #) up to 2^63 - 1."""
    value = str(text).strip().lstrip("#")
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_ID:
        raise UsageError(f"`{text}` is not {what}: {example}.")
    return int(value)


def _option_value(param: Param, value: str) -> object:
    if param.flag:
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ArgumentError(f"`{param.name}` is a yes/no flag, not `{value}`.", param.name)
    if param.multiple:
        return [_checked_choice(param, v) for v in value.replace(",", " ").split()]
    return _checked_choice(param, value)


def _checked_choice(param: Param, value: str) -> str:
    checked_text(param.name, value)
    if not param.choices:
        return value
    for choice in param.choices:
        if choice.lower() == value.lower():
            return choice
    allowed = ", ".join(f"`{c}`" for c in param.choices)
    raise ArgumentError(f"`{param.name}` must be one of {allowed}, not `{value}`.", param.name)


def _default(param: Param) -> object:
    if param.flag:
        return False
    if param.multiple:
        return [] if param.default is None else param.default.split()
    return param.default


def _unknown(spec: CommandSpec, key: str, *, flag: bool = False) -> str:
    shown = f"--{key}" if flag else f"{key}="
    valid = [f"--{p.name}" if p.flag else f"{p.name}=" for p in spec.params]
    listing = ", ".join(f"`{v}`" for v in valid) if valid else "none"
    return f"Unknown option `{shown}` for `{spec.name}`. Valid options: {listing}."
