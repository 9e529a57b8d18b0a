"""One dated archive holding the database and every stored file, and its restore.

The database is dumped with its own tools (PostgreSQL: ``pg_dump`` custom format;
SQLite: the sqlite3 online backup API), so sessions, revisions, search vectors and
sequences come back exactly, at the speed of the database rather than of Python.
Moving content between database engines is what ``export_articles`` is for.
Files are read through Django's storages (public renditions in ``default``, photo
originals in ``originals``), so the same code backs up a disk or an S3 bucket.
"""

import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import storages
from django.core.files.utils import validate_file_name
from django.db import connections
from django.utils import timezone

from pagecache import invalidate

FORMAT = 1
MANIFEST = "manifest.json"
STORAGE_ALIASES = ("default", "originals")
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass
class Summary:
    archive: Path
    vendor: str
    files: dict[str, int] = field(default_factory=dict)


def create_backup(directory: Path, *, using: str = "default") -> Summary:
    """Write ``newsroom-<UTC time>.tar.gz`` into ``directory`` and describe it."""
    connection = connections[using]
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(
            f"Backups support PostgreSQL and SQLite, not {connection.vendor}."
        )
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y-%m-%dT%H%M%S.%fZ")
    summary = Summary(directory / f"newsroom-{stamp}.tar.gz", connection.vendor)
    partial = summary.archive.with_suffix(".partial")
    try:
        with (
            tempfile.TemporaryDirectory() as work,
            tarfile.open(partial, "w:gz") as tar,
        ):
            dump = Path(work) / DUMP_NAMES[connection.vendor]
            dump_database(connection, dump)
            tar.add(dump, arcname=dump.name)
            for alias in STORAGE_ALIASES:
                summary.files[alias] = add_storage(tar, alias)
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "vendor": connection.vendor,
                "database": dump.name,
                "files": summary.files,
            }
            add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
        partial.rename(summary.archive)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def restore_backup(
    archive: Path, *, using: str = "default", force: bool = False
) -> Summary:
    """Put an archive's database and files back; refuse a non-empty database."""
    connection = connections[using]
    try:
        tar = tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(
            f"{archive} is not a readable backup archive: {error}"
        ) from None
    with tar, tempfile.TemporaryDirectory() as work:
        manifest = read_manifest(tar, archive)
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"{archive} holds a {manifest['vendor']} database and this site uses "
                f"{connection.vendor}. Restore it into {manifest['vendor']}, then move "
                "the content with export_articles / import_articles."
            )
        tables = connection.introspection.table_names()
        if tables and not force:
            raise BackupError(
                f"The database {connection.settings_dict['NAME']} is not empty "
                f"({len(tables)} tables): restore only into an empty database, or "
                "pass --force to replace everything in it."
            )
        dump = Path(work) / manifest["database"]
        with tar.extractfile(manifest["database"]) as source, dump.open("wb") as copy:
            copy.write(source.read())
        restore_database(connection, dump, replace=bool(tables))
        summary = Summary(archive, connection.vendor, restore_storages(tar))
    if summary.files != manifest["files"]:
        raise BackupError(
            f"Files restored {summary.files} differ from the archive's list "
            f"{manifest['files']}: the archive is damaged."
        )
    invalidate("content", "library")
    return summary


def dump_database(connection, target: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return
    args, env = postgres_command(connection, "pg_dump")
    run(
        [*args, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
        env,
    )


def restore_database(connection, dump: Path, *, replace: bool) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
        return
    if replace:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    connection.close()
    args, env = postgres_command(connection, "pg_restore")
    *options, database = args
    restore = [*options, "--no-owner", "--no-privileges", "--exit-on-error"]
    run([*restore, "--single-transaction", f"--dbname={database}", str(dump)], env)


def postgres_command(connection, program: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments as psql would get them, for pg_dump or pg_restore."""
    if not connection.settings_dict["NAME"]:
        raise BackupError("The database settings name no database to back up.")
    args, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, [])
    return [program, *args[1:]], {**os.environ, **(env or {})}


def run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} was not found: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client)."
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def stored_names(storage, folder: str = "") -> list[str]:
    """Every file name in a storage, depth first; a missing root is empty."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}{name}" for name in sorted(files)]
    for name in sorted(folders):
        names += stored_names(storage, f"{folder}{name}/")
    return names


def add_storage(tar: tarfile.TarFile, alias: str) -> int:
    storage = storages[alias]
    names = stored_names(storage)
    for name in names:
        info = tarfile.TarInfo(f"storage/{alias}/{name}")
        info.size = storage.size(name)
        info.mtime = int(timezone.now().timestamp())
        with storage.open(name, "rb") as file:
            tar.addfile(info, file)
    return len(names)


def add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(content))


def read_manifest(tar: tarfile.TarFile, archive: Path) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError):
        raise BackupError(
            f"{archive} has no readable {MANIFEST}: not a backup."
        ) from None
    if manifest.get("format") != FORMAT or manifest.get("vendor") not in DUMP_NAMES:
        raise BackupError(f"{archive} is a backup format this version cannot read.")
    return manifest


def restore_storages(tar: tarfile.TarFile) -> dict[str, int]:
    """Write each archived file back under its own name, replacing any file there."""
    counts = dict.fromkeys(STORAGE_ALIASES, 0)
    for member in tar:
        parts = member.name.split("/", 2)
        if not member.isfile() or parts[0] != "storage" or len(parts) < 3:
            continue
        alias, name = parts[1], parts[2]
        if alias not in counts:
            raise BackupError(f"The archive names an unknown storage: {alias}.")
        validate_file_name(name, allow_relative_path=True)
        storage = storages[alias]
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, File(tar.extractfile(member), name=name))
        if saved != name:
            raise BackupError(f"{name} could not be restored under its own name.")
        counts[alias] += 1
    return counts
