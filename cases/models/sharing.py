from django.db import models
from guardian.models import UserObjectPermissionBase


class ChildUserObjectPermission(UserObjectPermissionBase):
    """A case shared with one user (django-guardian, with a real foreign key for fast joins)."""

    content_object = models.ForeignKey("cases.Child", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False
