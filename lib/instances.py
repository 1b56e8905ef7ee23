"""Model instances from a hand-written query, as the ORM would build them: a page's hot reads are written
once per process as SQL (the ORM can take longer to build a query than the database to answer it), and
their rows still become the models the rest of the code expects. Select each model's columns with
``columns`` (in field order, under the query's alias for its table), then cut each row into instances with
``instances`` (the fields' converters applied) and cache what ``select_related`` would have with
``with_related``."""

from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model
from django.db.models.expressions import Col

from lib.sql import column


@cache
def _fields(model: type[Model]) -> tuple[list[str], int, list[tuple[int, list, Col]]]:
    """``model``'s field names in column order, where its primary key is among them, and the converters of
    the fields that have any (``(index, converters, column)``, as the ORM's compiler applies them)."""
    fields = model._meta.concrete_fields
    converters = []
    for i, field in enumerate(fields):
        col = field.get_col(model._meta.db_table)
        if found := connection.ops.get_db_converters(col) + col.get_db_converters(connection):
            converters.append((i, found, col))
    return [f.attname for f in fields], fields.index(model._meta.pk), converters


def columns(model: type[Model], alias: str) -> str:
    """``model``'s columns for a SELECT, in field order, each under ``alias``."""
    return ", ".join(f"{alias}.{column(model, f.name)}" for f in model._meta.concrete_fields)


def column_count(model: type[Model]) -> int:
    """How many columns ``columns`` selects for ``model``."""
    return len(model._meta.concrete_fields)


def instances(row: tuple, *models: type[Model]) -> list:
    """The instances of ``models`` in ``row``, selected one after another as ``columns`` lists them; None
    for a model whose primary key is null (an outer join that found none)."""
    found, start = [], 0
    for model in models:
        names, pk, converters = _fields(model)
        values, start = list(row[start : start + len(names)]), start + len(names)
        if values[pk] is None:
            found.append(None)
            continue
        for i, convert_all, col in converters:
            for convert in convert_all:
                values[i] = convert(values[i], col, connection)
        found.append(model.from_db(DEFAULT_DB_ALIAS, names, values))
    return found


def with_related(instance: Model, **related) -> Model:
    """``instance`` with its related objects cached, as ``select_related`` leaves them (None for none)."""
    for name, value in related.items():
        instance._meta.get_field(name).set_cached_value(instance, value)
    return instance
