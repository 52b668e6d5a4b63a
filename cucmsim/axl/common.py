"""What every AXL operation module shares: the call context, identity
lookups, foreign-key resolution, and get/list result shaping."""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from lxml import etree

from cucmsim.axl import faults
from cucmsim.axl.xml import Element, child, children, local, value
from cucmsim.model import Cluster, Line, ProcessNode, key


@dataclass
class AxlCall:
    """One AXL operation being executed, with the cluster lock held."""

    operation: str
    version: str
    body: Element
    cluster: Cluster
    node: ProcessNode
    max_response_bytes: int = 8 * 1024 * 1024


Result = Element | str | list[Element] | None
Handler = Callable[[AxlCall], Result]


class HasUuid(Protocol):
    uuid: str


T = TypeVar("T", bound=HasUuid)


def norm_uuid(text: str) -> str:
    """CUCM accepts UUIDs in any case, with or without braces."""
    return text.strip().strip("{}").lower()


def by_uuid(items: Iterable[T], text: str) -> T | None:
    wanted = norm_uuid(text)
    return next((i for i in items if norm_uuid(i.uuid) == wanted), None)


def lookup(call: AxlCall, table: dict[str, T], label: str, name_tag: str = "name") -> T:
    """Resolve a NameAndGUIDRequest-style identity (name or uuid) or fault 5007."""
    uuid_text = value(call.body, "uuid")
    if uuid_text is not None:
        found = by_uuid(table.values(), uuid_text)
    else:
        name = value(call.body, name_tag)
        found = table.get(key(name)) if name is not None else None
    if found is None:
        raise faults.not_found(label, call.operation)
    return found


def reference(call: AxlCall, table: dict[str, T], label: str, name: str | None) -> str | None:
    """Check a foreign key by name; returns CUCM's spelling, None for null."""
    if name is None:
        return None
    found = table.get(key(name))
    if found is None:
        raise faults.missing_reference(label, name, call.operation)
    return str(getattr(found, "name", None) or getattr(found, "userid", name))


def line_key(pattern: str, partition: str | None) -> tuple[str, str]:
    return (key(pattern), key(partition or ""))


def existing_line(call: AxlCall, pattern: str, partition: str | None) -> Line:
    found = call.cluster.lines.get(line_key(pattern, partition))
    if found is None:
        label = f"{pattern} in {partition}" if partition else pattern
        raise faults.missing_reference("Line", label, call.operation)
    return found


def required(call: AxlCall, elem: Element | None, name: str) -> str:
    text = value(elem, name)
    if text is None:
        raise faults.invalid(f"{name} is required", call.operation)
    return text


def filter_tags(obj: Element, tags: Element | None) -> Element:
    """Keep only the requested tags (recursively); the uuid attribute always stays."""
    if tags is None or len(tags) == 0:
        return obj
    wanted = {local(t.tag): t for t in tags if isinstance(t.tag, str)}
    for c in list(obj):
        spec = wanted.get(local(c.tag))
        if spec is None:
            obj.remove(c)
        elif len(spec) > 0:
            filter_tags(c, spec)
    return obj


@functools.lru_cache(maxsize=256)
def _like_matcher(pattern: str) -> Callable[[str], bool]:
    """A test for one LIKE pattern; the common exact and prefix forms skip the regex engine,
    which matters when a search runs over 20,000 names."""
    folded = pattern.casefold()
    if "_" not in folded and "%" not in folded:
        return lambda text: text.casefold() == folded
    head = folded[:-1]
    if folded.endswith("%") and "_" not in head and "%" not in head:
        return lambda text: text.casefold().startswith(head)
    regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    compiled = re.compile(regex, re.IGNORECASE | re.DOTALL)
    return lambda text: compiled.fullmatch(text) is not None


def like(pattern: str, text: str) -> bool:
    """SQL LIKE with `%` and `_`, case-insensitive as CUCM names are."""
    return _like_matcher(pattern)(text)


def too_large(call: AxlCall, matched: int, page: list[Element]) -> None:
    """CUCM refuses a list whose answer would pass its response limit (8 MB), naming a page
    size that would fit; the client must page with skip/first."""
    sizes = [len(etree.tostring(obj)) for obj in page]
    if sum(sizes) <= call.max_response_bytes:
        return
    fits = max(1, call.max_response_bytes // max(sizes))  # any fits-1 rows are under the limit
    raise faults.axl_fault(
        faults.TOO_LARGE,
        f"Query request too large. Total rows matched: {matched} rows. "
        f"Suggestive Row Fetch: less than {fits} rows",
        call.operation,
        client=False,
    )


def search_criteria(call: AxlCall) -> list[tuple[str, str]]:
    return [
        (local(c.tag), (c.text or "").strip())
        for c in children_of(child(call.body, "searchCriteria"))
    ]


def list_result(call: AxlCall, rendered: Iterable[Element]) -> list[Element]:
    """Apply searchCriteria, skip/first, the response limit and the required returnedTags."""
    tags = child(call.body, "returnedTags")
    if tags is None:
        raise faults.invalid("returnedTags is required", call.operation)
    criteria = search_criteria(call)
    matches = [
        obj
        for obj in rendered
        if all(like(pattern, _text_of(obj, name)) for name, pattern in criteria)
    ]
    skip = int(value(call.body, "skip") or 0)
    first = value(call.body, "first")
    page = matches[skip:]
    if first is not None:
        page = page[: int(first)]
    page = [filter_tags(obj, tags) for obj in page]
    too_large(call, len(matches), page)
    return page


def keyed_list_result(
    call: AxlCall,
    objects: Iterable[T],
    render: Callable[[T], Element],
    key_tag: str,
    key_of: Callable[[T], str],
    keep: Callable[[T], bool] = lambda _: True,
) -> list[Element]:
    """`list_result` for the big tables: objects are narrowed on their key (then `keep`)
    before rendering, so a prefix search on a large cluster renders only what can match."""
    tests = [_like_matcher(pattern) for name, pattern in search_criteria(call) if name == key_tag]
    narrowed = (obj for obj in objects if all(test(key_of(obj)) for test in tests))
    return list_result(call, (render(obj) for obj in narrowed if keep(obj)))


def children_of(elem: Element | None) -> list[Element]:
    return [] if elem is None else [c for c in elem if isinstance(c.tag, str)]


def _text_of(obj: Element, name: str) -> str:
    found = children(obj, name)
    return (found[0].text or "") if found else ""


def get_result(call: AxlCall, obj: Element) -> Element:
    return filter_tags(obj, child(call.body, "returnedTags"))


def get_and_list(
    name: str,
    label: str,
    table: Callable[[Cluster], dict[str, T]],
    render: Callable[[AxlCall, T], Element],
) -> dict[str, Handler]:
    """`get<name>` and `list<name>` for a small table whose objects read the same in both
    (the big tables narrow on their key first: `keyed_list_result`)."""

    def get(call: AxlCall) -> Element:
        return get_result(call, render(call, lookup(call, table(call.cluster), label)))

    def list_all(call: AxlCall) -> list[Element]:
        return list_result(call, [render(call, obj) for obj in table(call.cluster).values()])

    return {f"get{name}": get, f"list{name}": list_all}


def payload(call: AxlCall, name: str) -> Element:
    """The object element of an add request (e.g. `line` in addLine)."""
    found = child(call.body, name)
    if found is None:
        raise faults.invalid(f"{name} is required", call.operation)
    return found


def edit(obj: T, change: Callable[[T], None]) -> None:
    """Apply `change` to a copy and commit it only if nothing faulted.

    CUCM updates are all-or-nothing: a bad foreign key late in the request
    must not leave the earlier fields changed.
    """
    draft = copy.deepcopy(obj)
    change(draft)
    obj.__dict__.update(draft.__dict__)
