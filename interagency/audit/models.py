"""An append-only trail of changes to personal data.

Rows are only ever inserted: the model refuses updates and deletes, and a
database trigger refuses UPDATE statements that bypass the ORM.
"""

from django.db import models


class AuditQuerySet(models.QuerySet):
    def for_partnership(self, partnership) -> "AuditQuerySet":
        return self.filter(partnership=partnership)

    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only.")

    def delete(self):
        raise TypeError("The audit trail is append-only.")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"

    # Null for changes outside any partnership (a user's own account).
    partnership = models.ForeignKey(
        "tenancy.Partnership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Not a foreign key: deleting an account must not rewrite the trail (the
    # database refuses updates), so the id and email at the time are kept as text.
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=10, choices=Action.choices)
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)
    subject_label = models.CharField(max_length=254)
    changes = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.subject_type} {self.subject_label}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only.")
