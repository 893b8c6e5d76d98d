"""``performa backup`` and ``performa restore``: one body in one zip, and back.

    performa backup --body "Camera di Commercio di Pistoia-Prato" -o pistoia-prato.zip
    performa restore pistoia-prato.zip

    # between instances with different SECRET_KEYs: one key file, kept apart, for both
    performa backup --body "…" -o ente.zip --key-file /etc/performa/chiave-backup
    performa restore ente.zip --key-file /etc/performa/chiave-backup

Run by the server's administrator (the command line acts as ``access.SYSTEM``): the backup
holds the users' password hashes, the restore writes straight into the database. Backups are
signed (HMAC-SHA256 of the manifest); a restore refuses one without a valid signature unless
``--accept-unsigned`` says the administrator vouches for it, which the body's history records.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from performa.backup import MAX_BYTES, MIN_KEY_LENGTH  # no Django at import: cheap
from performa.cli import Subparsers
from performa.cli.errors import CommandError


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
    backup.add_argument("--key-file", type=Path, metavar="FILE",
                        help="firma con la chiave contenuta in FILE (almeno "
                             f"{MIN_KEY_LENGTH} caratteri casuali) invece che con quella "
                             "dell'istanza: serve per ripristinare in un'altra istanza")
    backup.set_defaults(func=_run_backup)

    restore = subparsers.add_parser(
        "restore", help="ripristina un ente da un file di backup (tutto o niente)",
        description="Carica un backup di «performa backup» in un'istanza che non contiene "
                    "l'ente, tutto o niente.",
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument("--key-file", type=Path, metavar="FILE",
                         help="verifica la firma con la chiave contenuta in FILE (quella usata "
                              "per il backup) invece che con quella dell'istanza")
    restore.add_argument("--accept-unsigned", action="store_true",
                         help="ripristina anche un backup non firmato o con firma non valida "
                              "(l'accettazione resta registrata nella cronologia dell'ente)")
    restore.add_argument("--max-mib", type=_positive, metavar="MiB",
                         default=MAX_BYTES >> 20,
                         help="dimensione massima dei dati estratti dall'archivio, in MiB "
                              "(predefinita: %(default)s)")
    restore.set_defaults(func=_run_restore)


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"«{text}» non è un numero intero positivo")
    return number


def _missing(names: list[str]) -> None:
    if names:
        shown = ", ".join(f"«{n}»" for n in names[:5])
        more = f" e altri {len(names) - 5}" if len(names) > 5 else ""
        print(f"Attenzione: {len(names)} file di evidenza indicati nei dati non sono nel "
              f"MEDIA_ROOT e mancano dal backup: {shown}{more}.", file=sys.stderr)


def _run_backup(args: argparse.Namespace) -> int:
    from performa.cli.django_commands import setup_django

    setup_django()
    from performa.backup import BackupError, backup, key_from_file
    from performa.cli.bodies import find_body

    body = find_body(args.body)
    output: Path = args.output
    if output.is_dir():
        raise CommandError(f"«{output}» è una cartella: indicare il file da scrivere")
    if not output.parent.is_dir():
        raise CommandError(f"la cartella «{output.parent}» non esiste")
    try:
        key = key_from_file(args.key_file) if args.key_file else None
        report = backup(body.name, output, key)
    except BackupError as error:
        raise CommandError(str(error)) from error
    except OSError as error:
        why = error.strerror or error
        raise CommandError(f"impossibile scrivere «{output}»: {why}") from error
    users = report.counts.get("auth.User", 0)
    print(f"Salvato «{report.body}» in «{output}»: {report.rows} righe, {users} utenti, "
          f"{report.evidence} file di evidenza.")
    print("Il file contiene gli hash delle password degli utenti: conservarlo come dato "
          "riservato. I token API non sono inclusi.")
    print(f"Firmato con {report.key}" + (
        "." if args.key_file else ": per ripristinarlo in un'istanza con un'altra SECRET_KEY, "
                                  "rifarlo con «--key-file»."))
    _missing(report.missing_evidence)
    return 0


def _run_restore(args: argparse.Namespace) -> int:
    from performa.cli.django_commands import setup_django

    setup_django()
    from django.db import DatabaseError

    from performa.backup import BackupError, key_from_file, restore

    try:
        key = key_from_file(args.key_file) if args.key_file else None
        report = restore(args.file, key=key, accept_unsigned=args.accept_unsigned,
                         max_bytes=args.max_mib << 20)
    except BackupError as error:
        raise CommandError(f"{error}.\nNessuna modifica è stata fatta.") from error
    except DatabaseError as error:
        raise CommandError(f"il database ha rifiutato il ripristino: {error}.\n"
                           "Nessuna modifica è stata fatta.") from error
    except OSError as error:
        raise CommandError(f"ripristino interrotto: {error.strerror or error}.\n"
                           "Nessuna modifica è stata fatta.") from error
    users = len(report.users_created) + len(report.users_matched)
    print(f"Ripristinato «{report.body}» da «{args.file}»: {report.rows} righe, {users} utenti, "
          f"{report.evidence} file di evidenza. I token API vanno creati di nuovo.")
    if report.users_created:
        print(f"Utenti creati ({len(report.users_created)}): "
              f"{_names(report.users_created)}.")
    if report.users_matched:
        print(f"Utenti già presenti in questa istanza, abbinati per nome utente e lasciati "
              f"invariati (password, nomi, privilegi) ({len(report.users_matched)}): "
              f"{_names(report.users_matched)}.")
    if report.flags_dropped:
        print(f"Attenzione: nel backup {_names(report.flags_dropped)} "
              f"{'aveva' if len(report.flags_dropped) == 1 else 'avevano'} i privilegi di "
              "amministrazione dell'istanza (superutente o staff), che un ripristino non "
              "concede mai: creati senza. Se servono, assegnarli dall'admin.", file=sys.stderr)
    if report.unsigned:
        print(f"Attenzione: {report.unsigned}. Ripristinato comunque perché richiesto con "
              "«--accept-unsigned»: l'accettazione è registrata nella cronologia dell'ente.",
              file=sys.stderr)
    else:
        print(f"Firma verificata con {report.key}.")
    _missing(report.missing_evidence)
    return 0


def _names(names: list[str]) -> str:
    return ", ".join(f"«{name}»" for name in names)
