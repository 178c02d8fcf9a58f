"""Reading YAML fast, and finding the line of a field only when a problem needs it.

Documents are parsed with libyaml's C loader (about 10x the pure-Python one). Line numbers are not kept on
plain Python objects, so when a problem must be reported we compose the file once more into nodes, which
carry their marks, and walk the field path to the node.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DocumentLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that leaves dates as strings, so pydantic (not PyYAML) parses them and a bad date is
    reported against its field like any other bad value."""


DocumentLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


class YamlSyntaxError(Exception):
    def __init__(self, line: int | None, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


def read_yaml(path: Path) -> Any:
    """Parse one YAML document; a syntax error becomes YamlSyntaxError with its 1-based line."""
    text = path.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=DocumentLoader)  # noqa: S506 - DocumentLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise YamlSyntaxError(line, f"YAML syntax error: {reason}") from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, f"YAML error: {exc}") from exc


def dump_yaml(data: Any) -> str:
    """Write YAML for people: block style, keys in the order given, unicode kept."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe dumper that writes str-based enums as plain strings (dates stay unquoted YAML dates)."""


_Dumper.add_multi_representer(StrEnum, lambda dumper, value: dumper.represent_str(str(value.value)))


def line_of(path: Path, loc: Sequence[str | int]) -> int | None:
    """1-based line of the node at `loc` (keys and list indices) in the file, or of its nearest ancestor."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=DocumentLoader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    line = node.start_mark.line + 1
    for step in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == step:
                    child = value_node
                    line = key_node.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            child = node.value[step]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line
