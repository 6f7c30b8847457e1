"""The permission to see the reports.

The reports count rows of other apps' models, but seeing the counts must not need
the permission to see those rows: an analyst reads how many learners completed
the guide in a region, not who they are.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    """No table: the content type that the ``reports.view_report`` permission
    belongs to, shown as "Reports" in the admin's group settings."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_report", _("Can see the reports (counts only, no learner's data)"))
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return str(self._meta.verbose_name)
