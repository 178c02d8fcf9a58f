"""Reading YAML fast, and keeping line numbers for the problems found later.

Documents are parsed with libyaml's C loader (about 10x the pure-Python one) into nodes, which carry their
marks, and then constructed into plain Python objects. The nodes are kept with the data, so the line of any
field is a walk down the tree, never a second parse (1,500 problems used to mean 1,500 parses). Everything a
file can do wrong (bytes that are not UTF-8, UTF-16, a NUL, a duplicate key, a number too long to convert,
lists and mappings nested deeper than MAX_DEPTH) is a YamlSyntaxError with a line, never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: The deepest nesting of lists and mappings a file may have (the shipped files nest under 10 levels). libyaml
#: builds nodes by recursion in C: 200,000 levels overflowed its stack and killed the process with a segfault.
MAX_DEPTH = 100


class YamlSyntaxError(Exception):
    def __init__(self, line: int | None, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


class DocumentLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that leaves dates as strings, so pydantic (not PyYAML) parses them and a bad date is
    reported against its field like any other bad value. A key given twice in one mapping is refused (PyYAML
    would keep the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        first_line: dict[tuple[str, str], int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key, line = (key_node.tag, key_node.value), key_node.start_mark.line + 1
            if key in first_line:
                raise YamlSyntaxError(
                    line,
                    f"duplicate key {key_node.value!r} (first on line {first_line[key]}); a key may appear once per mapping",
                )
            first_line[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # Python refuses to convert integers of more than 4,300 digits
            raise YamlSyntaxError(
                node.start_mark.line + 1, f"a number of {len(node.value)} digits is too long"
            ) from None


DocumentLoader.add_constructor("tag:yaml.org,2002:int", DocumentLoader.construct_yaml_int)


DocumentLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class YamlDocument:
    """A parsed file: its data, and the node tree that knows where each field is."""

    data: Any
    node: yaml.Node | None

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """1-based line of the node at `loc` (keys and list indices), or of its nearest ancestor."""
        node = self.node
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


def decode_text(data: bytes) -> str:
    """The bytes of a YAML file as text; a file that is not UTF-8 text is a YamlSyntaxError with its line."""
    sample = data[:400]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        len(sample) >= 4 and max(sample[0::2].count(0), sample[1::2].count(0)) > len(sample) // 4
    ):
        raise YamlSyntaxError(1, "the file is UTF-16 encoded; save it as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        raise YamlSyntaxError(
            data.count(b"\n", 0, exc.start) + 1,
            f"not UTF-8: byte 0x{data[exc.start]:02x} at column {exc.start - line_start + 1}; save the file as UTF-8",
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise YamlSyntaxError(
            text.count("\n", 0, nul) + 1, f"a NUL character at column {column}; a YAML file holds text only"
        )
    return text


def read_document(path: Path) -> YamlDocument:
    """Parse one YAML file, keeping its nodes; every way the file can be wrong is a YamlSyntaxError."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise YamlSyntaxError(None, "is a directory, not a YAML file") from None
    except OSError as exc:
        raise YamlSyntaxError(None, f"cannot be read: {exc.strerror or exc}") from None
    text = decode_text(data)
    loader = DocumentLoader(text)
    try:
        _check_depth(text)
        node = loader.get_single_node()
        return YamlDocument(None if node is None else loader.construct_document(node), node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise YamlSyntaxError(line, f"YAML syntax error: {reason}") from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, f"YAML error: {exc}") from exc
    finally:
        loader.dispose()


def _check_depth(text: str) -> None:
    """YamlSyntaxError at the first list or mapping nested deeper than MAX_DEPTH, found before any node is built:
    libyaml's parser keeps its own stack, so no depth crashes this walk over its events. It costs about a quarter
    of a full parse (80 ms over all shipped files, measured on this project's 2-core machine)."""
    loader = DocumentLoader(text)
    try:
        depth = 0
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlSyntaxError(
                        event.start_mark.line + 1,
                        f"lists and mappings nested more than {MAX_DEPTH} levels deep; "
                        "a data file needs a few levels, so flatten this one",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def read_yaml(path: Path) -> Any:
    """Parse one YAML document; a syntax error becomes YamlSyntaxError with its 1-based line."""
    return read_document(path).data


def dump_yaml(data: Any) -> str:
    """Write YAML for people: block style, keys in the order given, unicode kept."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe dumper that writes str-based enums as plain strings (dates stay unquoted YAML dates), and a shared
    object in full each time instead of as an anchor and aliases, which a person editing the file cannot follow."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_Dumper.add_multi_representer(StrEnum, lambda dumper, value: dumper.represent_str(str(value.value)))


def line_of(path: Path, loc: Sequence[str | int]) -> int | None:
    """1-based line of the node at `loc` in the file (parses it; keep a YamlDocument to ask many times)."""
    try:
        return read_document(path).line_of(loc)
    except YamlSyntaxError:
        return None
