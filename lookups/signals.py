from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import registry
from .models import Choice, County, EntryPoint, ProtectionConcern


@receiver([post_save, post_delete], sender=Choice)
@receiver([post_save, post_delete], sender=County)
@receiver([post_save, post_delete], sender=EntryPoint)
@receiver([post_save, post_delete], sender=ProtectionConcern)
def _lookups_changed(**kwargs) -> None:
    registry.clear_cache()
