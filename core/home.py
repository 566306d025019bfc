"""The signed-in home page (工作台) as a registry: each app contributes its own panels and to-dos.

Contract:

- An app registers contributions in its own ``home.py``, imported from its ``AppConfig.ready()``::

      @register_panel
      def caseload_panel(actor) -> Panel | None: ...

      @register_todos
      def caseload_todos(actor) -> list[Todo]: ...

  A contribution takes the acting user and returns what that user may see, computed through the
  scoped querysets (``visible_to(actor)``), or ``None`` / ``[]`` when it has nothing for this user
  (wrong role, no anchor). It must run a constant number of queries whatever the data volume:
  counts are aggregates in the database, lists are sliced.
- ``home_for(actor)`` calls every contribution in registration order (``INSTALLED_APPS`` order,
  then the order inside each module) and returns ``Home(panels, todos)``. To-dos with a zero
  count are dropped (nothing to do); the rest are ordered urgent ones first (``tone="warn"``),
  then by ``order``, then by registration. Panels are ordered by ``order``, then registration.
- Registering the same function twice (a module imported again) keeps one entry.

``core`` knows nothing about the apps above it: it only holds the registry and the shapes.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

WARN = "warn"
INFO = "info"


@dataclass(frozen=True)
class Figure:
    """One number on a panel (``value`` is shown as given), optionally a link and a tone."""

    label: str
    value: object
    url: str = ""
    tone: str = ""


@dataclass(frozen=True)
class Row:
    """One line of a panel: a label and a value (e.g. an engaged enterprise, a contact's phone)."""

    label: str
    value: str = ""
    url: str = ""
    mono: bool = False


@dataclass(frozen=True)
class Panel:
    """A card on the home page: figures (counts) and/or rows, and a link to the full page."""

    key: str
    title: str
    figures: tuple[Figure, ...] = ()
    rows: tuple[Row, ...] = ()
    empty_text: str = ""
    more_url: str = ""
    more_label: str = ""
    order: int = 100


@dataclass(frozen=True)
class Todo:
    """Something waiting for the user: ``count`` items, a sentence saying what, where to act."""

    key: str
    label: str
    count: int
    url: str = ""
    tone: str = INFO
    order: int = 100


@dataclass
class Home:
    panels: list[Panel] = field(default_factory=list)
    todos: list[Todo] = field(default_factory=list)


PanelFn = Callable[[object], Panel | Iterable[Panel] | None]
TodosFn = Callable[[object], Iterable[Todo] | None]

_panels: list[PanelFn] = []
_todos: list[TodosFn] = []


def _key(fn) -> tuple[str, str]:
    return (fn.__module__, fn.__qualname__)


def _register(registry: list, fn):
    registry[:] = [f for f in registry if _key(f) != _key(fn)]
    registry.append(fn)
    return fn


def register_panel(fn: PanelFn) -> PanelFn:
    """Add a panel contribution (usable as a decorator); see the module docstring."""
    return _register(_panels, fn)


def register_todos(fn: TodosFn) -> TodosFn:
    """Add a to-do contribution (usable as a decorator); see the module docstring."""
    return _register(_todos, fn)


def registered() -> tuple[tuple[PanelFn, ...], tuple[TodosFn, ...]]:
    """The contributions in order (for tests and introspection)."""
    return tuple(_panels), tuple(_todos)


def home_for(actor) -> Home:
    """Everything the registered contributions offer ``actor``."""
    home = Home()
    for fn in _panels:
        result = fn(actor)
        if result is None:
            continue
        home.panels.extend([result] if isinstance(result, Panel) else result)
    home.panels.sort(key=lambda p: p.order)  # stable: registration order otherwise
    todos: list[Todo] = []
    for fn in _todos:
        todos.extend(t for t in (fn(actor) or ()) if t.count)
    home.todos = sorted(todos, key=lambda t: (t.tone != WARN, t.order))
    return home
