"""Roles of DOMAIN.md §1; one person may hold several, each in one body."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from performa.plans.models import Body, OrgUnit


class Role(models.TextChoices):
    ADMIN = "admin", "Amministratore"
    PLANNING = "planning", "Controllo di gestione"
    HEAD = "head", "Dirigente"
    STAFF = "staff", "Referente"
    EVALUATOR = "evaluator", "OIV"
    READER = "reader", "Lettore"


# Roles that act on one organisational unit only: a head on an Area, staff on an Office.
SCOPED = {Role.HEAD: OrgUnit.Kind.AREA, Role.STAFF: OrgUnit.Kind.OFFICE}


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                             related_name="memberships", verbose_name="utente")
    body = models.ForeignKey(Body, models.CASCADE, related_name="memberships",
                             verbose_name="ente")
    role = models.CharField("ruolo", max_length=12, choices=Role.choices)
    org_unit = models.ForeignKey(OrgUnit, models.CASCADE, null=True, blank=True,
                                 related_name="memberships", verbose_name="area o ufficio")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ruolo di un utente"
        verbose_name_plural = "ruoli degli utenti"
        constraints = [
            models.UniqueConstraint(fields=["user", "body", "role", "org_unit"],
                                    name="membership_unique"),
        ]

    def __str__(self) -> str:
        scope = f" — {self.org_unit}" if self.org_unit_id else ""
        return f"{self.user}: {self.get_role_display()} ({self.body}{scope})"

    def clean(self) -> None:
        kind = SCOPED.get(Role(self.role)) if self.role else None
        if kind and (self.org_unit is None or self.org_unit.kind != kind):
            label = "un'area" if kind == OrgUnit.Kind.AREA else "un ufficio"
            raise ValidationError({"org_unit": f"Il ruolo {self.get_role_display()} va "
                                               f"assegnato a {label}."})
        if self.org_unit is not None and self.org_unit.body_id != self.body_id:
            raise ValidationError({"org_unit": "L'unità deve appartenere all'ente."})


class ApiToken(models.Model):
    """A personal key for the REST API, acting with its owner's roles and nothing more.

    Only a SHA-256 digest is stored: the key is shown once when created, so a copy of the
    database (or a backup) cannot be used to call the API. Revoked keys stay, for the audit.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                             related_name="api_tokens", verbose_name="utente")
    name = models.CharField("descrizione", max_length=100)
    prefix = models.CharField("inizio della chiave", max_length=12)
    digest = models.CharField("impronta SHA-256", max_length=64, unique=True)
    created_at = models.DateTimeField("creato il", auto_now_add=True)
    last_used_at = models.DateTimeField("ultimo uso", null=True, blank=True)
    revoked_at = models.DateTimeField("revocato il", null=True, blank=True)
    # Who revoked it and why: its owner, the command line, or the loss of access itself (the
    # account deactivated, its last role taken away), so the tokens page can say which.
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name="revocato da")
    revoked_reason = models.CharField("motivo della revoca", max_length=200, blank=True)

    class Meta:
        verbose_name = "token API"
        verbose_name_plural = "token API"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Invitation(models.Model):
    """A body's offer of a role to an account its administrator cannot see.

    User names are unique across the instance, but people belong to bodies: a body's
    administrator must learn nothing about an account of another body (not whether it exists,
    nor its name or last login) and cannot enrol it. So a role for someone who is not yet a
    member is an invitation, stored by user name whether or not such an account exists — saving
    and listing it look the same either way — and the role is given only when the person
    accepts (the membership's history then names them and who invited them).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "in attesa"
        ACCEPTED = "accepted", "accettato"
        DECLINED = "declined", "rifiutato"
        WITHDRAWN = "withdrawn", "ritirato"

    body = models.ForeignKey(Body, models.CASCADE, related_name="invitations",
                             verbose_name="ente")
    username = models.CharField("nome utente", max_length=150, db_index=True)
    role = models.CharField("ruolo", max_length=12, choices=Role.choices)
    org_unit = models.ForeignKey(OrgUnit, models.CASCADE, null=True, blank=True,
                                 related_name="invitations", verbose_name="area o ufficio")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name="invitato da")
    created_at = models.DateTimeField("creato il", auto_now_add=True)
    status = models.CharField("stato", max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    answered_at = models.DateTimeField("risposto il", null=True, blank=True)

    class Meta:
        verbose_name = "invito"
        verbose_name_plural = "inviti"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.username}: {self.get_role_display()} ({self.body})"
