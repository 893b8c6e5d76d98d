"""``performa backup`` and ``performa restore``: one body in one zip, and back.

    performa backup --body "Camera di Commercio di Pistoia-Prato" -o pistoia-prato.zip
    performa restore pistoia-prato.zip

Run by the server's administrator (the command line acts as ``access.SYSTEM``): the backup
holds the users' password hashes, the restore writes straight into the database.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from performa.cli import Subparsers

USAGE_ERROR = 2


def register(subparsers: Subparsers) -> None:
    backup = subparsers.add_parser(
        "backup", help="salva in un file zip tutti i dati di un ente (storico ed evidenze "
                       "compresi)",
        description="Salva in un file zip tutti i dati di un ente: piano, rilevazioni, "
                    "risultati, ruoli, lo storico delle modifiche, gli utenti coinvolti (con "
                    "l'hash della password) e i documenti a supporto. Non salva i token API.",
    )
    backup.add_argument("--body", required=True, metavar="ENTE", help="nome dell'ente")
    backup.add_argument("-o", "--output", required=True, type=Path, metavar="FILE",
                        help="file zip da scrivere (sostituito se esiste)")
    backup.set_defaults(func=_run_backup)

    restore = subparsers.add_parser(
        "restore", help="ripristina un ente da un file di backup (tutto o niente)",
        description="Carica un backup di «performa backup» in un'istanza che non contiene "
                    "l'ente, tutto o niente.",
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.set_defaults(func=_run_restore)


def _fail(message: str) -> int:
    print(f"errore: {message}", file=sys.stderr)
    return USAGE_ERROR


def _missing(names: list[str]) -> None:
    if names:
        shown = ", ".join(f"«{n}»" for n in names[:5])
        more = f" e altri {len(names) - 5}" if len(names) > 5 else ""
        print(f"Attenzione: {len(names)} file di evidenza indicati nei dati non sono nel "
              f"MEDIA_ROOT e mancano dal backup: {shown}{more}.", file=sys.stderr)


def _run_backup(args: argparse.Namespace) -> int:
    from performa.django_cli import setup_django

    setup_django()
    from performa.backup import BackupError, backup

    output: Path = args.output
    if output.is_dir():
        return _fail(f"«{output}» è una cartella: indicare il file da scrivere")
    if not output.parent.is_dir():
        return _fail(f"la cartella «{output.parent}» non esiste")
    try:
        report = backup(args.body, output)
    except BackupError as error:
        return _fail(str(error))
    except OSError as error:
        return _fail(f"impossibile scrivere «{output}»: {error.strerror or error}")
    users = report.counts.get("auth.User", 0)
    print(f"Salvato «{report.body}» in «{output}»: {report.rows} righe, {users} utenti, "
          f"{report.evidence} file di evidenza.")
    print("Il file contiene gli hash delle password degli utenti: conservarlo come dato "
          "riservato. I token API non sono inclusi.")
    _missing(report.missing_evidence)
    return 0


def _run_restore(args: argparse.Namespace) -> int:
    from performa.django_cli import setup_django

    setup_django()
    from django.db import DatabaseError

    from performa.backup import BackupError, restore

    try:
        report = restore(args.file)
    except BackupError as error:
        return _fail(f"{error}.\nNessuna modifica è stata fatta.")
    except DatabaseError as error:
        return _fail(f"il database ha rifiutato il ripristino: {error}.\n"
                     "Nessuna modifica è stata fatta.")
    except OSError as error:
        return _fail(f"ripristino interrotto: {error.strerror or error}.\n"
                     "Nessuna modifica è stata fatta.")
    users = report.counts.get("auth.User", 0)
    print(f"Ripristinato «{report.body}» da «{args.file}»: {report.rows} righe, {users} utenti, "
          f"{report.evidence} file di evidenza. I token API vanno creati di nuovo.")
    _missing(report.missing_evidence)
    return 0
