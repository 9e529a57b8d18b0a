"""Insert many new rows of one model in multi-row statements, ids returned.

``bulk_create`` compiles every value of every row through the SQL compiler (its
expression checks, field placeholders, per-value preparation): for an import of
10,000 stories, with five or six rows each, that compiling took a third of the
import. The rows an import writes hold plain values (text, numbers, times, ids,
UUIDs, JSON), so here each value is prepared by its field
(``get_db_prep_save``, as the compiler ends up doing) and the statement is built
once per batch. On PostgreSQL the batch is one array per column, unnested
(Django's own bulk insert there): a statement of a few placeholders, where
thousands cost psycopg more to parse than the server took to insert, and where
a column the database computes from the others (a story's search vector) is
written with the row instead of by a second UPDATE of every row. Models with a
field that needs its own SQL placeholder, values that are expressions, or a
database that cannot return the ids of a multi-row insert, go through
``bulk_create`` unchanged. Rows with nothing to read back (revisions' versions)
are copied in with ``insert_rows``.
"""

from collections.abc import Iterable, Mapping, Sequence

from django.db import connections, models

BATCH_ROWS = 500
UNNESTED_ROWS = 5000  # PostgreSQL: a few arrays, whatever the rows


def insert_new(
    model: type[models.Model],
    instances: Sequence[models.Model],
    *,
    as_given: bool = False,
    computed: Mapping[str, tuple[str, Sequence]] | None = None,
    using: str = "default",
) -> None:
    """Insert ``instances`` (none saved yet) and set each one's primary key.

    As ``bulk_create``, saving stamps ``auto_now``/``auto_now_add`` times and sends
    no signals; ``as_given`` keeps every value as set instead, as ``loaddata``
    does, for a restore that carries its own times. ``computed`` gives fields
    whose values the database computes from the row's other columns (SQL naming
    them, and its parameters): PostgreSQL only.
    """
    if not instances:
        return
    connection = connections[using]
    opts = model._meta
    computed = computed or {}
    fields = [
        f
        for f in opts.concrete_fields
        if f is not opts.pk and not f.generated and f.name not in computed
    ]
    unnest = _column_arrays(fields, connection)
    if computed and not unnest:
        raise ValueError("computed columns are for PostgreSQL's unnested inserts")
    if (
        not fields
        or not connection.features.can_return_rows_from_bulk_insert
        or any(hasattr(field, "get_placeholder") for field in fields)
        or any(instance.pk is not None for instance in instances)
        or _has_expressions(instances, fields)
    ):
        if computed:
            raise ValueError("these rows cannot have computed columns")
        _bulk_create(model, instances, as_given, using)
        return
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    returning = quote(opts.pk.column)
    inserted = ", ".join(
        [columns, *(quote(opts.get_field(name).column) for name in computed)]
    )
    computed_params = [param for _, params in computed.values() for param in params]
    if unnest:
        size = UNNESTED_ROWS
        rows = "SELECT " + ", ".join(
            ["given.*", *(sql for sql, _ in computed.values())]
        )
        rows += f" FROM UNNEST({unnest}) AS given ({columns})"
    else:
        size = max(
            1, min(BATCH_ROWS, connection.ops.bulk_batch_size(fields, instances))
        )
    with connection.cursor() as cursor:
        for start in range(0, len(instances), size):
            batch = instances[start : start + size]
            params = [
                _values(instance, fields, as_given, connection) for instance in batch
            ]
            if unnest:
                params = computed_params + [
                    list(column) for column in zip(*params, strict=True)
                ]
            else:
                one = "(" + ", ".join(["%s"] * len(fields)) + ")"
                rows = "VALUES " + ", ".join([one] * len(batch))
                params = [value for values in params for value in values]
            cursor.execute(
                f"INSERT INTO {table} ({inserted}) {rows} RETURNING {returning}",
                params,
            )
            ids = [opts.pk.to_python(found) for (found,) in cursor.fetchall()]
            for instance, pk in zip(batch, ids, strict=True):
                instance.pk = pk
                instance._state.adding = False
                instance._state.db = using


def insert_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Iterable[tuple],
    using: str = "default",
) -> None:
    """Insert rows of values ready for the database (ids and text) into the
    columns of the fields ``names``; nothing is read back.

    One prepared statement run for every row; on PostgreSQL a ``COPY``, which
    takes the rows as a stream instead of a statement each.
    """
    connection = connections[using]
    opts = model._meta
    table = connection.ops.quote_name(opts.db_table)
    columns = ", ".join(
        connection.ops.quote_name(opts.get_field(name).column) for name in names
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(names))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows
        )


def _values(instance: models.Model, fields: list, as_given: bool, connection) -> list:
    instance._prepare_related_fields_for_save(operation_name="insert_new")
    return [
        field.get_db_prep_save(
            getattr(instance, field.attname)
            if as_given
            else field.pre_save(instance, add=True),
            connection,
        )
        for field in fields
    ]


def _has_expressions(instances: Sequence[models.Model], fields: list) -> bool:
    """Whether a value is SQL to compile (an ``F()``, a function): only
    ``bulk_create`` compiles those."""
    return any(
        hasattr(instance.__dict__.get(field.attname), "resolve_expression")
        for instance in instances
        for field in fields
    )


def _column_arrays(fields: list, connection) -> str:
    """On PostgreSQL, one typed array placeholder per column, as Django's own
    bulk insert writes them there; "" where that does not apply."""
    if connection.vendor != "postgresql" or any(
        (field.target_field if field.is_relation else field).get_internal_type()
        not in connection.data_types
        for field in fields
    ):
        return ""
    # The type without its length: varchar[], never varchar(50)[], truncates nothing.
    return ", ".join(
        f"(%s)::{field.db_type(connection).split('(')[0]}[]" for field in fields
    )


class _AsGiven(models.QuerySet):
    """``bulk_create`` with the values given (a "raw" insert, as loaddata's)."""

    def _insert(self, *args, **kwargs):
        kwargs["raw"] = True
        return super()._insert(*args, **kwargs)


def _bulk_create(model, instances, as_given: bool, using: str) -> None:
    if as_given:
        _AsGiven(model=model, using=using).bulk_create(instances)
    else:
        model._base_manager.using(using).bulk_create(instances)
