"""`sources.yaml`: what to ingest, validated, with errors that point at a line and say the fix."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_GLOBS = ("**/*.html", "**/*.htm", "**/*.txt")


class ConfigError(Exception):
    """A sources file that cannot be used; `problems` holds one sentence per mistake."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"'{value}' is not an http(s) URL: write it as https://host/path")
    return value


class Politeness(_Strict):
    """How gently to treat the hosts of one source."""

    delay: float = Field(1.0, ge=0, le=3600)  # seconds between two requests to one host
    concurrency: int = Field(4, ge=1, le=64)  # requests in flight for this source


class _Source(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)
    enabled: bool = True
    group: str = Field("default", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    politeness: Politeness = Politeness()
    robots: bool = True  # honour robots.txt
    allow_private: bool = False  # fetch discovered URLs on private/loopback addresses


class UrlsSource(_Source):
    """A list of page URLs, inline or in a file with one URL per line."""

    kind: Literal["urls"]
    urls: list[str] | None = None
    file: str | None = None

    @field_validator("urls")
    @classmethod
    def _urls_are_http(cls, urls: list[str] | None) -> list[str] | None:
        for url in urls or []:
            _check_http_url(url)
        return urls

    @model_validator(mode="after")
    def _one_of_urls_or_file(self) -> UrlsSource:
        if (self.urls is None) == (self.file is None):
            raise ValueError("give either 'urls' (a list) or 'file' (a path), not both or neither")
        return self


class _UrlSource(_Source):
    url: str

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, url: str) -> str:
        return _check_http_url(url)


class SitemapSource(_UrlSource):
    """An XML sitemap or sitemap index."""

    kind: Literal["sitemap"]
    max_urls: int = Field(100_000, ge=1)


class FeedSource(_UrlSource):
    """An RSS or Atom feed; its item links are the pages."""

    kind: Literal["feed"]


class LocalSource(_Source):
    """A directory of saved pages (.html/.htm) and plain-text articles (.txt)."""

    kind: Literal["local"]
    path: str
    glob: list[str] = Field(default_factory=lambda: list(DEFAULT_GLOBS))


Source = Annotated[
    UrlsSource | SitemapSource | FeedSource | LocalSource, Field(discriminator="kind")
]


class FetchConfig(_Strict):
    """HTTP behaviour shared by every source."""

    connect_timeout: float = Field(10.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    total_timeout: float = Field(
        120.0, gt=0
    )  # wall-clock cap on one response, against drip-feeding
    retries: int = Field(3, ge=0, le=10)
    backoff: float = Field(1.0, ge=0)  # first retry delay in seconds; doubles each time
    max_backoff: float = Field(60.0, ge=0)
    max_bytes: int = Field(10_000_000, ge=1024)
    max_redirects: int = Field(10, ge=0, le=30)
    contact: str | None = None  # appended to the User-Agent so site owners can reach you


class SourcesFile(_Strict):
    """The whole sources file."""

    fetch: FetchConfig = FetchConfig()
    sources: list[Source] = Field(min_length=1)


def load_sources(path: Path) -> SourcesFile:
    """Read and validate a sources file; raise ConfigError naming file, line and fix."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{name}: no such file. Create it, or pass --sources PATH."]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{name}: not UTF-8 ({exc.reason}). Save it as UTF-8."]) from None
    try:
        data = yaml.safe_load(text)
        tree = yaml.compose(text)
        lines = _line_map(tree)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            [f"{name}{where}: not valid YAML ({problem}). Check indentation and quoting."]
        ) from None
    if not isinstance(data, dict):
        raise ConfigError([f"{name} line 1: expected a mapping with a 'sources:' list."])
    if repeated := _repeated_keys(name, tree):
        raise ConfigError(repeated)
    try:
        parsed = SourcesFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            [_describe(name, data, lines, err) for err in exc.errors(include_url=False)]
        ) from None
    problems = _check_names_and_paths(name, parsed, lines, path.parent)
    if problems:
        raise ConfigError(problems)
    return parsed


def resolve(base: Path, value: str) -> Path:
    """A path from the sources file, relative to the file's own directory."""
    p = Path(value).expanduser()
    return p if p.is_absolute() else (base / p)


def _check_names_and_paths(
    name: str, parsed: SourcesFile, lines: dict[tuple, int], base: Path
) -> list[str]:
    problems = []
    first_line: dict[str, int] = {}
    for i, source in enumerate(parsed.sources):
        line = lines.get(("sources", i, "name"), 0)
        if source.name in first_line:
            problems.append(
                f"{name} line {line}: source name '{source.name}' is already used on line "
                f"{first_line[source.name]}. Give each source a unique name."
            )
        first_line.setdefault(source.name, line)
        for key in ("file", "path"):
            value = getattr(source, key, None)
            if value is None:
                continue
            target = resolve(base, value)
            must_be_dir = key == "path"
            exists = target.is_dir() if must_be_dir else target.is_file()
            if not exists:
                what = "directory" if must_be_dir else "file"
                problems.append(
                    f"{name} line {lines.get(('sources', i, key), line)}: source '{source.name}': "
                    f"{key} '{value}' is not an existing {what} (looked at {target}). "
                    f"Fix the path; relative paths start from the directory of {name}."
                )
    return problems


def _line_map(node: yaml.Node | None, path: tuple = ()) -> dict[tuple, int]:
    """Map each key path in the document to the 1-based line where it is written."""
    lines: dict[tuple, int] = {}
    if node is None:
        return lines
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines.update(_line_map(value_node, (*path, key)))
            lines[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.update(_line_map(item, (*path, i)))
    return lines


def _repeated_keys(name: str, node: yaml.Node | None) -> list[str]:
    """A key given twice in one mapping: YAML keeps the last silently, dropping the first's list."""
    problems: list[str] = []
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.value in first:
                problems.append(
                    f"{name} line {line}: '{key_node.value}' is given twice (first on line "
                    f"{first[key_node.value]}), and only this one would count. Merge the two "
                    "into one."
                )
            first.setdefault(key_node.value, line)
            problems += _repeated_keys(name, value_node)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            problems += _repeated_keys(name, item)
    return problems


def _data_path(data: Any, loc: tuple) -> tuple:
    """Drop the union-tag parts pydantic adds to locations, keeping the path as written."""
    path: list = []
    node = data
    for i, part in enumerate(loc):
        at_union = i > 0 and isinstance(loc[i - 1], int)
        if at_union and isinstance(node, dict) and node.get("kind") == part:
            continue  # the tag pydantic inserts after a list index of a tagged union
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        ):
            node = node[part]
            path.append(part)
        elif (isinstance(node, dict) and isinstance(part, str) and node.get("kind") == part) or (
            isinstance(part, str) and part.startswith(("function-", "tagged-union"))
        ):
            continue
        else:
            path.append(part)
            break
    return tuple(path)


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _describe(name: str, data: Any, lines: dict[tuple, int], err: dict) -> str:
    path = _data_path(data, tuple(err["loc"]))
    line = 0
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            line = lines[path[:n]]
            break
    where = f"{name} line {line}" if line else name
    field = _dotted(path)
    kind = err["type"]
    given = err.get("input")
    key = path[-1] if path else ""
    if kind == "extra_forbidden":
        allowed = _allowed_keys(data, path[:-1])
        hint = f" Allowed here: {', '.join(allowed)}." if allowed else ""
        return f"{where}: unknown key '{key}'. Remove it or correct its spelling.{hint}"
    if kind == "missing":
        return f"{where}: {field} is required but missing. Add '{key}:' to this entry."
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        kinds = "urls, sitemap, feed, local"
        if not isinstance(given, dict) or given.get("kind") is None:
            return f"{where}: {field} has no 'kind'. Add 'kind:' with one of {kinds}."
        kind_line = lines.get((*path, "kind"), line)  # the mistake is on the kind's own line
        return (
            f"{name} line {kind_line}: {field}: 'kind' must be one of {kinds}, "
            f"got {given['kind']!r}."
        )
    if kind == "bool_type":
        return f"{where}: {field} must be true or false, got {given!r}."
    if kind in ("int_type", "float_type", "int_from_float"):
        what = "a whole number" if kind.startswith("int") else "a number"
        return f"{where}: {field} must be {what}, got {given!r}."
    if kind in ("string_type",):
        return f"{where}: {field} must be text, got {given!r}. Quote it if needed."
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return (
            f"{where}: {field} must be a mapping (indented 'key: value' lines, or "
            f"{{key: value, …}}), got {given!r}."
        )
    if kind in ("list_type",):
        return f"{where}: {field} must be a list (lines starting with '- '), got {given!r}."
    if kind == "string_pattern_mismatch":
        return (
            f"{where}: {field} {given!r} may use only letters, digits, '-', '_' and '.', "
            "and must start with a letter or digit."
        )
    bound = _BOUNDS.get(kind)
    if bound is not None:
        word, name = bound
        return f"{where}: {field} must be {word} {err['ctx'][name]:g}, got {given!r}."
    if kind == "string_too_long":
        return (
            f"{where}: {field} may be at most {err['ctx']['max_length']} characters long, "
            f"got {len(given)}."
        )
    if kind == "too_short" and key == "sources":
        return f"{where}: 'sources' is empty. List at least one source."
    message = err["msg"].removeprefix("Value error, ")
    return f"{where}: {field}: {message}"


# Pydantic's range errors, as the limit they break: `delay: -1` must be at least 0.
_BOUNDS = {
    "greater_than_equal": ("at least", "ge"),
    "greater_than": ("more than", "gt"),
    "less_than_equal": ("at most", "le"),
    "less_than": ("less than", "lt"),
}


def _allowed_keys(data: Any, path: tuple) -> list[str]:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return []
    if path == ():
        return list(SourcesFile.model_fields)
    if path[-1] == "fetch":
        return list(FetchConfig.model_fields)
    if path[-1] == "politeness":
        return list(Politeness.model_fields)
    if isinstance(node, dict) and len(path) == 2 and path[0] == "sources":
        by_kind = {"urls": UrlsSource, "sitemap": SitemapSource, "feed": FeedSource}
        model = by_kind.get(node.get("kind"), LocalSource)
        return list(model.model_fields)
    return []
